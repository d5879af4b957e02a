"""`dhtt-batch report --register`: the sơ kết / tổng kết Báo cáo from the exemplar register,
in the same format and through the same renderers (DOCX, HTML, PDF) as the annual report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..campaign import Campaign
from ..register.api import review_figures
from ..spec import SpecSet
from . import ReportError
from .render import (
    DEFAULTS,
    bar_chart_png,
    check_format,
    fill_docx,
    fill_html,
    write_document,
)
from .review_context import REVIEW, build_review_context
from .review_docx import review_docx_template

HTML_TEMPLATE = "bao-cao-tong-ket.html"


def render_review(
    url: str, target: Path, campaign: Campaign, specs: SpecSet, today: date | None = None
) -> Path:
    check_format(target)
    if campaign.period.kind not in REVIEW:
        raise ReportError(
            "Báo cáo từ sổ điển hình (--register) là báo cáo sơ kết hoặc tổng kết: ghi [period] "
            'kind = "midterm" (sơ kết) hoặc "final" (tổng kết) trong campaign.toml.'
        )
    data = review_figures(url, campaign)
    if not data.periods:
        raise ReportError(
            f"Sổ điển hình chưa có bảng tổng hợp nào từ năm {data.first} đến năm {data.last}; "
            "hãy ghi vào sổ bằng dhtt-batch register add TONG-HOP.xlsx."
        )
    context = build_review_context(data, campaign, specs, today or date.today())
    chart = bar_chart_png(
        context["years"],
        [(s["label"], s["values"]) for s in context["series"]],
        f"Số lượt điển hình đăng ký theo tiêu chí, {data.first} – {data.last}",
        "Số lượt",
        legend_below=True,
    )
    return write_document(
        target,
        html=lambda: fill_html(DEFAULTS, HTML_TEMPLATE, context, chart),
        docx=lambda: fill_docx(review_docx_template(len(data.years)), context, chart),
    )
