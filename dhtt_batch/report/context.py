"""Consolidated data + campaign → the report's content, once, as plain data.

The DOCX and HTML renderings fill their templates from this same dictionary, so every number
appears identically in both and comes from the workbook.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..campaign import Campaign
from ..collation import person_key, text_key
from ..formats.consolidated import ConsolidatedData
from ..spec import SpecSet
from ..states import UNIT, UNIT_NAME, UnitStatus, label

NOT_PROPOSED = "Chưa đề nghị"
EDITABLE = "(Phần này để Văn phòng bổ sung nhận xét, đề xuất trước khi trình ký.)"


def vn_number(value: int) -> str:
    """12345 → '12.345' (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def vn_date(day: date) -> dict[str, str]:
    return {"day": f"{day.day:02d}", "month": f"{day.month:02d}", "year": str(day.year)}


def build_context(
    data: ConsolidatedData, campaign: Campaign, specs: SpecSet, today: date
) -> dict[str, Any]:
    period = data.meta.get("period_label") or campaign.period.label
    report = campaign.report
    criteria = _criteria(data, specs)
    total_tt = sum(c["tap_the"] for c in criteria)
    total_cn = sum(c["ca_nhan"] for c in criteria)
    roster = _roster(data)
    return {
        **document_context(campaign, today),
        "subject": report.subject
        or "Kết quả phát hiện, xây dựng và nhân rộng điển hình "
        f"tiên tiến {period[0].lower()}{period[1:]}",
        "period": period,
        "roster": roster,
        "criteria": criteria,
        "totals": {
            "tap_the": vn_number(total_tt),
            "ca_nhan": vn_number(total_cn),
            "tong": vn_number(total_tt + total_cn),
            "raw": total_tt + total_cn,
        },
        "units": _unit_table(data, specs),
        "proposals": _proposals(data, specs),
        "assessment": _assessment(data, criteria, roster, total_tt + total_cn),
        "editable": EDITABLE,
        "closing": f"Trên đây là báo cáo kết quả phát hiện, xây dựng và nhân rộng điển hình tiên "
        f"tiến {period[0].lower()}{period[1:]} của {campaign.agency.name}./.",
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


def _criteria(data: ConsolidatedData, specs: SpecSet) -> list[dict[str, Any]]:
    rows = []
    for number, spec in enumerate(specs.criteria, start=1):
        records = data.rows.get(spec.name, [])
        tt = sum(1 for r in records if r.get("doi_tuong") == "Tập thể")
        rows.append(
            {
                "stt": number,
                "sheet": spec.name,
                "label": spec.label,
                "tap_the": tt,
                "ca_nhan": len(records) - tt,
                "tong": len(records),
                "text": {
                    "tap_the": vn_number(tt),
                    "ca_nhan": vn_number(len(records) - tt),
                    "tong": vn_number(len(records)),
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
                "tong": vn_number(sum(counts)),
                "raw": sum(counts),
            }
        )
    return table


def _proposals(data: ConsolidatedData, specs: SpecSet) -> list[dict[str, Any]]:
    picked = []
    for spec in specs.criteria:
        for record in data.rows.get(spec.name, []):
            form = record.get("hinh_thuc_de_nghi")
            if form and form != NOT_PROPOSED:
                picked.append((spec, record))
    order = {s.name: i for i, s in enumerate(specs.criteria)}
    picked.sort(key=lambda item: (order[item[0].name], _name_key(item[1])))
    return [
        {
            "stt": n,
            "criterion": spec.label,
            "name": r.get("ho_ten") or "",
            "kind": r.get("doi_tuong") or "",
            "position": r.get("chuc_vu") or "",
            "unit": r.get(UNIT_NAME) or "",
            "achievement": r.get("tom_tat_thanh_tich") or "",
            "form": r.get("hinh_thuc_de_nghi") or "",
        }
        for n, (spec, r) in enumerate(picked, start=1)
    ]


def _name_key(record: dict[str, Any]) -> tuple[Any, ...]:
    name = str(record.get("ho_ten") or "")
    if record.get("doi_tuong") == "Cá nhân":
        return (1, person_key(name))
    return (0, (text_key(name), text_key("")))


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
            f'Tiêu chí có nhiều điển hình nhất là "{best["label"]}" '
            f"({best['text']['tong']} điển hình)."
        )
        thin = [c for c in criteria if c["tong"] <= max(1, total // (3 * len(criteria)))]
        if thin:
            names = "; ".join(f'"{c["label"]}" ({c["text"]["tong"]})' for c in thin)
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
