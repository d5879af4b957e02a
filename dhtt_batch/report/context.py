"""Consolidated data + campaign → the report's content, once, as plain data.

The DOCX and HTML renderings fill their templates from this same dictionary, so every number
appears identically in both and comes from the workbook. What a row means (tập thể or cá nhân,
its name, whether it is proposed) is asked of the spec's roles, never of column keys.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..campaign import Campaign
from ..collation import exemplar_key
from ..formats.consolidated import ConsolidatedData
from ..spec import Role, SheetSpec, SpecSet
from ..states import UNIT, UNIT_NAME, UnitStatus, label

EDITABLE = "(Phần này để Văn phòng bổ sung nhận xét, đề xuất trước khi trình ký.)"
BLANK_NUMBER = "\u00a0" * 6  # room to write a document's number by hand
Record = dict[str, Any]


def vn_number(value: int) -> str:
    """12345 → '12.345' (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def vn_date(day: date) -> dict[str, str]:
    """Day and month as Nghị định 30/2020 writes them: a leading zero before days under 10
    and months 1 and 2 only (ngày 05 tháng 3, ngày 15 tháng 02)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return {"day": f"{day.day:02d}", "month": month, "year": str(day.year)}


def quoted(text: str) -> str:
    """Vietnamese typographic quotes."""
    return f"“{text}”"


def build_context(
    data: ConsolidatedData, campaign: Campaign, specs: SpecSet, today: date
) -> dict[str, Any]:
    """The report's whole content as plain data, from the consolidated workbook and the
    campaign: both the DOCX and the HTML template are filled from this one dictionary."""
    period = data.meta.get("period_label") or campaign.period.label
    period_lower = f"{period[0].lower()}{period[1:]}"
    report = campaign.report
    criteria = _criteria(data, specs)
    total_tt = sum(c["tap_the"] for c in criteria)
    total_cn = sum(c["ca_nhan"] for c in criteria)
    roster = _roster(data)
    units = _unit_table(data, specs)
    appendix = _appendix(data, specs)
    return {
        **document_context(campaign, today),
        "subject": report.subject
        or f"Kết quả phát hiện, xây dựng và nhân rộng điển hình tiên tiến {period_lower}",
        "period": period,
        "plan": plan_reference(campaign),
        "roster": roster,
        "submissions": _submissions(data),
        "criteria": criteria,
        "totals": {
            "tap_the": vn_number(total_tt),
            "ca_nhan": vn_number(total_cn),
            "tong": vn_number(total_tt + total_cn),
            "raw": total_tt + total_cn,
        },
        "units": units,
        "unit_totals": {
            "counts": [
                vn_number(sum(u["raw_counts"][i] for u in units)) for i in range(len(criteria))
            ],
            "tong": vn_number(sum(u["raw"] for u in units)),
        },
        "appendix": appendix,
        "proposals": [row for group in appendix for kind in group["kinds"] for row in kind["rows"]],
        "assessment": _assessment(data, criteria, roster, total_tt + total_cn),
        "editable": EDITABLE,
        "closing": "Trên đây là báo cáo kết quả phát hiện, xây dựng và nhân rộng điển hình tiên "
        f"tiến {period_lower} của {campaign.agency.name}./.",
        "empty": total_tt + total_cn == 0,
    }


def document_context(campaign: Campaign, today: date) -> dict[str, Any]:
    """What every Báo cáo of the office carries around its body: the header block (issuing
    body, number, place and date), the recipients and the signature block."""
    report = campaign.report
    return {
        "parent": campaign.agency.parent.upper(),
        "issuer": campaign.agency.short_name.upper(),
        "agency": campaign.agency.name,
        "number": report.number,
        "symbol": report.symbol,
        "place": campaign.agency.place,
        "date": vn_date(report.date or today),
        "recipients": [f"- {r};" for r in report.recipients] + [f"- {report.archive}"],
        "signer": {
            "authority": report.signer_authority.upper(),
            "title": report.signer_title.upper(),
            "name": report.signer_name,
        },
    }


def plan_reference(campaign: Campaign, phase: str | None = None) -> str:
    """The plan the report answers, as the opening sentence names it (`[report] plan_*`);
    `phase` as the sentence writes it (default: the campaign's `[period] phase`)."""
    report = campaign.report
    phase = campaign.period.phase if phase is None else phase
    subject = "xây dựng và nhân rộng điển hình tiên tiến" + (f" giai đoạn {phase}" if phase else "")
    if not report.plan_symbol:
        return f"Kế hoạch {subject}"
    reference = f"Kế hoạch số {report.plan_number or BLANK_NUMBER}/{report.plan_symbol}"
    when = report.plan_date
    if isinstance(when, date):
        numbers = vn_date(when)
        reference += f" ngày {numbers['day']}/{numbers['month']}/{numbers['year']}"
    elif isinstance(when, int):
        reference += f" năm {when}"
    return f"{reference} về {subject}"


def _kinds(spec: SheetSpec, records: list[Record]) -> tuple[int, int]:
    """(tập thể, cá nhân) among the records, by the spec's kind role."""
    kind = spec.key(Role.KIND)
    collective = sum(1 for r in records if spec.is_collective(r.get(kind)))
    return collective, len(records) - collective


def _criteria(data: ConsolidatedData, specs: SpecSet) -> list[dict[str, Any]]:
    rows = []
    for number, spec in enumerate(specs.criteria, start=1):
        records = data.rows.get(spec.name, [])
        tt, cn = _kinds(spec, records)
        rows.append(
            {
                "stt": number,
                "sheet": spec.name,
                "label": spec.label,
                "tap_the": tt,
                "ca_nhan": cn,
                "tong": len(records),
                "text": {
                    "tap_the": vn_number(tt),
                    "ca_nhan": vn_number(cn),
                    "tong": vn_number(tt + cn),
                },
            }
        )
    return rows


def _roster(data: ConsolidatedData) -> dict[str, Any]:
    missing = [u.name for u in data.units if u.status == UnitStatus.MISSING]
    late = [u.name for u in data.units if u.late]
    fixes = [u.name for u in data.units if u.status == UnitStatus.NEEDS_FIXES]
    reported = len(data.units) - len(missing)
    return {
        "total": len(data.units),
        "reported": reported,
        "on_time": reported - len(late),
        "late": late,
        "missing": missing,
        "needs_fixes": fixes,
    }


def _submissions(data: ConsolidatedData) -> list[dict[str, Any]]:
    """Each roster unit's submission state and whom to call about it."""
    return [
        {
            "stt": number,
            "name": unit.name,
            "status": label(unit.status),
            "contact": unit.contact.get(Role.CONTACT_NAME, ""),
            "phone": unit.contact.get(Role.CONTACT_PHONE, ""),
        }
        for number, unit in enumerate(data.units, start=1)
    ]


def _unit_table(data: ConsolidatedData, specs: SpecSet) -> list[dict[str, Any]]:
    table = []
    for number, unit in enumerate(data.units, start=1):
        counts = [
            sum(1 for r in data.rows.get(s.name, []) if r.get(UNIT) == unit.code)
            for s in specs.criteria
        ]
        table.append(
            {
                "stt": number,
                "name": unit.name,
                "status": label(unit.status),
                "counts": [vn_number(c) for c in counts],
                "raw_counts": counts,
                "tong": vn_number(sum(counts)),
                "raw": sum(counts),
            }
        )
    return table


def _appendix(data: ConsolidatedData, specs: SpecSet) -> list[dict[str, Any]]:
    """The proposed exemplars by criterion (in spec order), tập thể before cá nhân within
    each, by name in Vietnamese order; numbered straight through."""
    groups, number = [], 0
    for spec in specs.criteria:
        proposed = [r for r in data.rows.get(spec.name, []) if _proposed(spec, r)]
        kind_column = spec.role(Role.KIND)
        kinds = []
        for collective in (True, False):
            records = [
                r for r in proposed if spec.is_collective(r.get(kind_column.key)) == collective
            ]
            records.sort(key=lambda r: exemplar_key(collective, _value(spec, r, Role.NAME)))
            rows = []
            for record in records:
                number += 1
                rows.append(_proposal(spec, record, number))
            if rows:
                title = kind_column.value("collective" if collective else "individual")
                kinds.append({"title": title, "rows": rows})
        if kinds:
            groups.append({"title": f"{spec.criterion}) {spec.label}", "kinds": kinds})
    return groups


def _proposed(spec: SheetSpec, record: Record) -> bool:
    column = spec.by_role(Role.PROPOSAL)
    if column is None:
        return False
    form = record.get(column.key)
    return bool(form) and form != column.value("none")


def _value(spec: SheetSpec, record: Record, role: Role) -> str:
    column = spec.by_role(role)
    value = record.get(column.key) if column else None
    return "" if value is None else str(value)


def _proposal(spec: SheetSpec, record: Record, number: int) -> dict[str, Any]:
    return {
        "stt": number,
        "criterion": spec.label,
        "name": _value(spec, record, Role.NAME),
        "kind": _value(spec, record, Role.KIND),
        "position": _value(spec, record, Role.POSITION),
        "unit": record.get(UNIT_NAME) or "",
        "achievement": _value(spec, record, Role.ACHIEVEMENTS),
        "form": _value(spec, record, Role.PROPOSAL),
    }


def _assessment(
    data: ConsolidatedData, criteria: list[dict[str, Any]], roster: dict[str, Any], total: int
) -> list[str]:
    lines = []
    if total == 0:
        lines.append(
            "Đến thời điểm báo cáo, chưa có đơn vị nào gửi đăng ký điển hình tiên tiến hợp lệ."
        )
    else:
        best = max(criteria, key=lambda c: c["tong"])
        lines.append(
            f"Tiêu chí có nhiều điển hình nhất là {quoted(best['label'])} "
            f"({best['text']['tong']} điển hình)."
        )
        thin = [c for c in criteria if c["tong"] <= max(1, total // (3 * len(criteria)))]
        if thin:
            names = "; ".join(f"{quoted(c['label'])} ({c['text']['tong']})" for c in thin)
            lines.append(
                f"Tiêu chí còn ít điển hình, cần quan tâm phát hiện, bồi dưỡng thêm: {names}."
            )
    reported_none = [
        u.name for u in data.units if u.status != UnitStatus.MISSING and u.accepted == 0
    ]
    if reported_none:
        lines.append(
            "Đơn vị đã gửi nhưng chưa có điển hình hợp lệ được tổng hợp: "
            + "; ".join(reported_none)
            + "."
        )
    if roster["missing"]:
        lines.append("Đơn vị chưa gửi đăng ký: " + "; ".join(roster["missing"]) + ".")
    return lines
