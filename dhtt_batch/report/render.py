"""Consolidated workbook → Báo cáo as DOCX (docxtpl), HTML (jinja2) or PDF (LibreOffice)."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import jinja2
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from ..atomic import atomic_write_bytes, atomic_write_text
from ..campaign import Campaign
from ..formats.consolidated import ConsolidatedError, read_consolidated
from ..naming import readable
from ..spec import SpecSet
from . import ReportError
from .context import build_context
from .docx import default_docx_template

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"
FORMATS = (".docx", ".html", ".pdf")
INSTALL_HINT = (
    "Cần LibreOffice để xuất PDF. Trên Debian/Ubuntu: sudo apt-get install "
    "libreoffice-writer-nogui; trên Windows: cài LibreOffice từ libreoffice.org. Hoặc xuất .docx "
    "rồi lưu thành PDF bằng Word."
)


def render_report(
    consolidated: Path, target: Path, campaign: Campaign, specs: SpecSet, today: date | None = None
) -> Path:
    """Read the consolidated workbook back and write the Báo cáo as .docx, .html or .pdf
    (by the target's suffix). Raises ReportError (Vietnamese) when it cannot."""
    check_format(target)
    try:
        data = read_consolidated(consolidated, specs)
    except ConsolidatedError as exc:
        raise ReportError(str(exc)) from exc
    context = build_context(data, campaign, specs, today or date.today())
    chart = chart_png(context)
    return write_document(
        target,
        html=lambda: render_html(context, chart, campaign),
        docx=lambda: render_docx(context, chart, campaign, specs),
    )


def check_format(target: Path) -> str:
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise ReportError(f"Chỉ xuất được .docx, .html hoặc .pdf (không phải '{suffix}').")
    return suffix


def write_document(target: Path, html: Callable[[], str], docx: Callable[[], bytes]) -> Path:
    """The report as the target's suffix asks: HTML, DOCX, or PDF made from the DOCX."""
    suffix = check_format(target)
    if suffix == ".html":
        atomic_write_text(target, html())
    elif suffix == ".docx":
        atomic_write_bytes(target, docx())
    else:
        _render_pdf(docx(), target)
    return target


def chart_png(context: dict[str, Any]) -> bytes:
    """Grouped bars per criterion (tập thể / cá nhân) with Vietnamese labels."""
    criteria = context["criteria"]
    return bar_chart_png(
        [wrap_label(c["label"]) for c in criteria],
        [
            ("Tập thể", [c["tap_the"] for c in criteria]),
            ("Cá nhân", [c["ca_nhan"] for c in criteria]),
        ],
        "Số điển hình tiên tiến đăng ký theo tiêu chí",
    )


COLORS = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6")


def bar_chart_png(
    groups: list[str],
    series: list[tuple[str, list[int]]],
    title: str,
    ylabel: str = "Số điển hình",
    legend_below: bool = False,
) -> bytes:
    """Grouped bars: one group per label, one bar per series in each, values on the bars;
    the legend inside the plot, or below it for long series names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    positions = range(len(groups))
    height = 3.6 + (0.22 * len(series) if legend_below else 0)
    fig, ax = plt.subplots(figsize=(7.5, height), dpi=150)
    try:
        width = 0.76 / max(len(series), 1)
        for number, (name, values) in enumerate(series):
            offset = (number - (len(series) - 1) / 2) * width
            bars = ax.bar(
                [p + offset for p in positions],
                values,
                width,
                label=name,
                color=COLORS[number % len(COLORS)],
            )
            ax.bar_label(bars, fontsize=8)
        ax.set_xticks(list(positions), groups, fontsize=8)
        ax.set_ylabel(ylabel, fontsize=9)
        ax.set_title(title, fontsize=10)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        top = max([v for _, values in series for v in values] + [1])
        ax.set_ylim(0, top * 1.2)
        if legend_below:
            ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False)
        else:
            ax.legend(fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buffer = BytesIO()
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return buffer.getvalue()


def wrap_label(label: str, width: int = 28) -> str:
    """A long label broken into lines for a chart axis."""
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def render_html(context: dict[str, Any], chart: bytes, campaign: Campaign) -> str:
    custom = campaign.report.html_template
    if custom and not custom.is_file():
        raise ReportError(f"Không tìm thấy mẫu báo cáo HTML {readable(str(custom))}.")
    folder, name = (custom.parent, custom.name) if custom else (DEFAULTS, "bao-cao.html")
    return fill_html(folder, name, context, chart)


def fill_html(folder: Path, name: str, context: dict[str, Any], chart: bytes) -> str:
    """`name` in `folder` filled from the context. The reports extend the frame
    (khung-bao-cao.html: letterhead, closing, signature): the one beside the template when the
    office has its own, else the package's."""
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(folder), jinja2.FileSystemLoader(DEFAULTS)]
    )
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    try:
        template = env.get_template(name)
        return template.render(**context, chart_png_base64=base64.b64encode(chart).decode())
    except jinja2.TemplateError as exc:
        raise ReportError(f"Mẫu báo cáo HTML {name} có lỗi: {exc}") from exc


def render_docx(context: dict[str, Any], chart: bytes, campaign: Campaign, specs: SpecSet) -> bytes:
    custom = campaign.report.docx_template
    if custom and not custom.is_file():
        raise ReportError(f"Không tìm thấy mẫu báo cáo Word {readable(str(custom))}.")
    name = readable(custom.name) if custom else "mặc định"
    source = str(custom) if custom else default_docx_template(specs)
    return fill_docx(source, context, chart, name)


def fill_docx(
    source: str | BytesIO, context: dict[str, Any], chart: bytes, name: str = "mặc định"
) -> bytes:
    """A docxtpl template (`name` in messages) filled from the context, the chart as
    `{{ chart }}`."""
    template = DocxTemplate(source)
    try:
        template.init_docx()  # open the package now, so a file that is no .docx is named here
    except Exception as exc:  # python-docx raises assorted errors for what is not a .docx
        raise ReportError(
            f"Mẫu báo cáo Word {name} không phải tệp .docx mở được ({type(exc).__name__}). "
            "Hãy lưu mẫu bằng Word dưới dạng .docx, hoặc dùng mau-bao-cao.docx do "
            "dhtt-batch init tạo."
        ) from exc
    values = {**context, "chart": InlineImage(template, BytesIO(chart), width=Mm(155))}
    try:
        template.render(values, autoescape=True)
    except jinja2.TemplateSyntaxError as exc:
        raise ReportError(
            f"Mẫu báo cáo Word {name} có lỗi cú pháp ở chỗ {{{{ }}}} hoặc {{% %}}: "
            f"{exc.message}. Hãy sửa mẫu (xem mau-bao-cao.docx do dhtt-batch init tạo)."
        ) from exc
    except jinja2.TemplateError as exc:
        raise ReportError(f"Mẫu báo cáo Word {name} có lỗi: {exc}") from exc
    buffer = BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _render_pdf(document: bytes, target: Path) -> None:
    soffice = soffice_path()
    if soffice is None:
        raise ReportError(INSTALL_HINT)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "bao-cao.docx"
        source.write_bytes(document)
        profile = Path(tmp, "profile").as_uri()
        try:
            subprocess.run(
                [
                    soffice,
                    "--headless",
                    "--norestore",
                    f"-env:UserInstallation={profile}",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    tmp,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=300,
                env={**os.environ, "HOME": tmp},
            )
        except (subprocess.SubprocessError, OSError) as exc:
            raise ReportError(f"LibreOffice không chuyển được sang PDF: {exc}") from exc
        pdf = Path(tmp) / "bao-cao.pdf"
        if not pdf.is_file():
            raise ReportError("LibreOffice không tạo được tệp PDF.")
        data = pdf.read_bytes()
    atomic_write_bytes(target, data)
