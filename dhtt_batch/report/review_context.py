"""Register figures + campaign → the sơ kết / tổng kết report's content, once, as plain data.

The DOCX and HTML renderings fill their templates from this dictionary. Per year × criterion ×
tập thể/cá nhân, a year counts an exemplar once even if it was registered in two rounds of that
year (the annual round and the review's). Candidates for "tiêu biểu" are ranked by
`rank_candidates`, whose rule and weights come from `[register]` in campaign.toml.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..campaign import Campaign
from ..campaign_settings import RegisterSettings
from ..register.exemplar import Exemplar
from ..register.identity import COLLECTIVE, INDIVIDUAL
from ..register.stats import PHASE, ReviewData
from ..spec import Role, SpecSet
from .context import EDITABLE, document_context, plan_reference, vn_number

REVIEW = {"midterm": "sơ kết", "final": "tổng kết"}


def phase_text(campaign: Campaign, first: int) -> str:
    match = PHASE.search(campaign.period.phase)
    return f"{match.group(1)} – {match.group(2)}" if match else f"{first} – {campaign.period.year}"


@dataclass(frozen=True)
class Candidate:
    exemplar: Exemplar
    years: int
    titles: int
    spread: int  # level of the widest spread reached, 1 = the narrowest choice; 0: none
    score: float


def spread_levels(specs: SpecSet) -> dict[str, dict[str, int]]:
    """criterion → spread choice → level (1 for the first, narrowest, choice)."""
    levels = {}
    for spec in specs.criteria:
        column = spec.by_role(Role.SPREAD)
        if column:
            levels[spec.criterion or spec.name] = {c: n for n, c in enumerate(column.choices, 1)}
    return levels


def rank_candidates(
    found: list[Exemplar], settings: RegisterSettings, levels: dict[str, dict[str, int]]
) -> list[Candidate]:
    """Score = years × year_points + titles × title_points + widest spread × spread_points,
    over exemplars registered in at least candidate_min_years years; highest first, ties by
    more years, more titles, wider spread, then the list's name order; at most `candidates`."""
    ranked = []
    for order, item in enumerate(found):
        if len(item.years) < max(settings.candidate_min_years, 1):
            continue
        spread = max((levels.get(s.criterion, {}).get(s.spread, 0) for s in item.spread), default=0)
        score = (
            len(item.years) * settings.year_points
            + len(item.titles) * settings.title_points
            + spread * settings.spread_points
        )
        ranked.append((order, Candidate(item, len(item.years), len(item.titles), spread, score)))
    ranked.sort(key=lambda p: (-p[1].score, -p[1].years, -p[1].titles, -p[1].spread, p[0]))
    chosen = [candidate for _, candidate in ranked]
    return chosen[: settings.candidates] if settings.candidates else chosen


def build_review_context(
    data: ReviewData, campaign: Campaign, specs: SpecSet, today: date
) -> dict[str, Any]:
    review = REVIEW[campaign.period.kind]
    phase = phase_text(campaign, data.first)
    kinds = _kind_labels(specs)
    by_year = _by_year(data, specs, kinds)
    levels = spread_levels(specs)
    never = [u.name for u in campaign.units if u.code not in data.units_ever]
    subject = (
        campaign.report.subject
        or f"{review.capitalize()} phong trào xây dựng và nhân rộng điển hình tiên tiến "
        f"giai đoạn {phase}"
    )
    settings = campaign.register
    candidates = rank_candidates(data.exemplars, settings, levels)
    return {
        **document_context(campaign, today),
        "subject": subject,
        "review": review,
        "phase": phase,
        "period": campaign.period.label,
        "years": [str(y) for y in data.years],
        "intro": f"Thực hiện {plan_reference(campaign, phase)}, {campaign.agency.name} báo cáo "
        f"{review} giai đoạn (từ năm {data.first} đến năm {data.last}) như sau:",
        "situation": _situation(data, campaign, never),
        "by_year": by_year["rows"],
        "totals": by_year["totals"],
        "series": by_year["series"],
        "multi": _multi_year(data, kinds),
        "titles": _titles(data),
        "spread": _spread(data, specs, levels),
        "never": never,
        "assessment": _assessment(data, by_year, never),
        "editable": EDITABLE,
        "closing": f"Trên đây là báo cáo {review} phong trào xây dựng và nhân rộng điển hình "
        f"tiên tiến giai đoạn {phase} của {campaign.agency.name}./.",
        "ranking_rule": _rule_text(settings, levels, specs),
        "candidates": [_candidate_row(n, c, levels) for n, c in enumerate(candidates, 1)],
        "empty": not data.exemplars,
    }


def _kind_labels(specs: SpecSet) -> dict[str, str]:
    column = specs.criteria[0].role(Role.KIND)
    return {COLLECTIVE: column.value("collective"), INDIVIDUAL: column.value("individual")}


def _by_year(data: ReviewData, specs: SpecSet, kinds: dict[str, str]) -> dict[str, Any]:
    rows, series = [], []
    totals = [0] * len(data.years)
    for spec in specs.criteria:
        key = spec.criterion or spec.name
        per_criterion = [0] * len(data.years)
        for kind in (COLLECTIVE, INDIVIDUAL):
            counts = [data.counts.get((year, key, kind), 0) for year in data.years]
            rows.append(
                {
                    "label": spec.label,
                    "kind": kinds[kind],
                    "counts": [vn_number(c) for c in counts],
                    "raw": counts,
                }
            )
            per_criterion = [a + b for a, b in zip(per_criterion, counts, strict=True)]
        totals = [a + b for a, b in zip(totals, per_criterion, strict=True)]
        series.append({"label": spec.label, "values": per_criterion})
    return {
        "rows": rows,
        "series": series,
        "totals": {f"y{n}": vn_number(t) for n, t in enumerate(totals)},
        "raw_totals": totals,
    }


def _situation(data: ReviewData, campaign: Campaign, never: list[str]) -> list[str]:
    labels = "; ".join(label for _, _, label in data.periods) or "chưa có"
    per_year = "; ".join(
        f"năm {year}: {len(data.units_by_year.get(year, ()))}" for year in data.years
    )
    lines = [
        f"Sổ theo dõi điển hình tiên tiến của {campaign.agency.name} ghi nhận kết quả đăng ký "
        f"các kỳ: {labels}.",
        f"Số đơn vị có điển hình đăng ký (trên tổng số {len(campaign.units)} đơn vị): {per_year}.",
    ]
    if never:
        lines.append(f"Đơn vị chưa đăng ký điển hình nào trong giai đoạn: {'; '.join(never)}.")
    return lines


def _multi_year(data: ReviewData, kinds: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for count in range(len(data.years), 0, -1):
        found = [e for e in data.exemplars if len(e.years) == count]
        tt = sum(1 for e in found if e.kind == COLLECTIVE)
        rows.append(
            {
                "years": f"{count} năm",
                "tap_the": vn_number(tt),
                "ca_nhan": vn_number(len(found) - tt),
                "tong": vn_number(len(found)),
                "raw": len(found),
            }
        )
    return rows


def _titles(data: ReviewData) -> dict[str, Any]:
    """Titles achieved during the phase (decision year within it), per title."""
    per_title: dict[str, list[set[int]]] = {}
    gained = 0
    for item in data.exemplars:
        in_phase = [t for t in item.titles if data.first <= t.year <= data.last]
        if any(t.year >= item.years[0] for t in in_phase):
            gained += 1
        for title in in_phase:
            sets = per_title.setdefault(title.title, [set(), set()])
            sets[0 if item.kind == COLLECTIVE else 1].add(item.id)
    rows: list[dict[str, Any]] = [
        {
            "label": title,
            "tap_the": vn_number(len(sets[0])),
            "ca_nhan": vn_number(len(sets[1])),
            "tong": vn_number(len(sets[0]) + len(sets[1])),
            "raw": len(sets[0]) + len(sets[1]),
        }
        for title, sets in per_title.items()
    ]
    rows.sort(key=lambda r: (-r["raw"], r["label"]))
    for number, row in enumerate(rows, 1):
        row["stt"] = number
    return {"rows": rows, "gained": vn_number(gained), "raw_gained": gained}


def _spread(
    data: ReviewData, specs: SpecSet, levels: dict[str, dict[str, int]]
) -> list[dict[str, Any]]:
    tables = []
    for spec in specs.criteria:
        key = spec.criterion or spec.name
        if key not in levels:
            continue
        counts = {(choice, year): 0 for choice in levels[key] for year in data.years}
        grew: list[str] = []
        for item in data.exemplars:
            mine = sorted({(s.year, s.spread) for s in item.spread if s.criterion == key})
            for year, choice in mine:
                if (choice, year) in counts:
                    counts[(choice, year)] += 1
            # wider in its last year than in its first (within this criterion)
            if len(mine) > 1 and levels[key].get(mine[-1][1], 0) > levels[key].get(mine[0][1], 0):
                grew.append(item.name)
        names = "; ".join(grew[:10]) + (
            f" và {len(grew) - 10} điển hình khác" if len(grew) > 10 else ""
        )
        text = (
            f"Tiêu chí “{spec.label}”: {vn_number(len(grew))} điển hình mở rộng được phạm vi "
            f"lan tỏa, nhân rộng so với năm đầu đăng ký" + (f" ({names})." if grew else ".")
        )
        rows = [
            {"label": choice, "counts": [vn_number(counts[(choice, y)]) for y in data.years]}
            for choice in levels[key]
        ]
        tables.append({"label": spec.label, "text": text, "rows": rows, "grew": len(grew)})
    return tables


def _assessment(data: ReviewData, by_year: dict[str, Any], never: list[str]) -> list[str]:
    totals = by_year["raw_totals"]
    if not data.exemplars:
        return ["Sổ điển hình chưa ghi nhận điển hình nào trong giai đoạn."]
    first, last = totals[0], totals[-1]
    trend = "tăng" if last > first else "giảm" if last < first else "bằng"
    lines = [
        f"Số lượt điển hình đăng ký năm {data.last} là {vn_number(last)}, {trend} so với năm "
        f"{data.first} ({vn_number(first)})."
    ]
    steady = [e for e in data.exemplars if len(e.years) == len(data.years)]
    if len(data.years) > 1:
        lines.append(
            f"Có {vn_number(len(steady))} điển hình đăng ký liên tục tất cả các năm của giai "
            f"đoạn; {vn_number(sum(1 for e in data.exemplars if len(e.years) > 1))} điển hình "
            "đăng ký từ hai năm trở lên."
        )
    growth = [
        (s["values"][-1] - s["values"][0], s["label"]) for s in by_year["series"] if s["values"]
    ]
    best = max(growth, default=None)
    if best and best[0] > 0:
        lines.append(f"Tiêu chí tăng nhiều nhất là “{best[1]}” (thêm {vn_number(best[0])} lượt).")
    if never:
        lines.append(
            "Cần quan tâm phát hiện, bồi dưỡng điển hình tại các đơn vị chưa đăng ký: "
            + "; ".join(never)
            + "."
        )
    return lines


def _rule_text(
    settings: RegisterSettings, levels: dict[str, dict[str, int]], specs: SpecSet
) -> str:
    scale = ""
    for spec in specs.criteria:
        choices = list(levels.get(spec.criterion or spec.name, {}))
        if choices:
            scale = f" (mức 1 là “{choices[0]}”, mức {len(choices)} là “{choices[-1]}”)"
            break
    limit = (
        f"; liệt kê {settings.candidates} điển hình điểm cao nhất" if settings.candidates else ""
    )
    return (
        f"Điểm = số năm đăng ký × {_points(settings.year_points)} + số danh hiệu, hình thức "
        f"khen thưởng đạt được × {_points(settings.title_points)} + mức phạm vi lan tỏa rộng "
        f"nhất × {_points(settings.spread_points)}{scale}. Chỉ xét điển hình đăng ký từ "
        f"{settings.candidate_min_years} năm trở lên{limit}; bằng điểm thì xếp theo số năm, số "
        "danh hiệu, mức lan tỏa. Danh sách để Văn phòng xem xét, xác nhận trước khi đề nghị."
    )


def year_span(years: list[int]) -> str:
    """[2021, 2022, 2023, 2025] → '2021–2023, 2025'."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(
        f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs
    )


def _points(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}".replace(".", ",")


def _candidate_row(
    number: int, candidate: Candidate, levels: dict[str, dict[str, int]]
) -> dict[str, Any]:
    item = candidate.exemplar
    born = f" ({item.birth_year})" if item.birth_year else ""
    widest = ""
    if candidate.spread:
        for s in item.spread:
            if levels.get(s.criterion, {}).get(s.spread) == candidate.spread:
                widest = s.spread
                break
    return {
        "stt": number,
        "name": f"{item.name}{born}",
        "kind": item.kind_label,
        "unit": item.unit,
        "years": f"{candidate.years} ({year_span(item.years)})",
        "achievements": "; ".join(
            f"{t.title} ({t.decision_number})" if t.decision_number else t.title
            for t in item.titles
        ),
        "spread": widest,
        "score": _points(candidate.score),
    }
