"""Consolidated workbook → Báo cáo as DOCX (docxtpl), HTML (jinja2) or PDF (LibreOffice)."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
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
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise ReportError(f"Chỉ xuất được .docx, .html hoặc .pdf (không phải '{suffix}').")
    try:
        data = read_consolidated(consolidated, specs)
    except ConsolidatedError as exc:
        raise ReportError(str(exc)) from exc
    context = build_context(data, campaign, specs, today or date.today())
    chart = chart_png(context)
    if suffix == ".html":
        atomic_write_text(target, render_html(context, chart, campaign))
    elif suffix == ".docx":
        atomic_write_bytes(target, render_docx(context, chart, campaign, specs))
    else:
        _render_pdf(render_docx(context, chart, campaign, specs), target)
    return target


def chart_png(context: dict[str, Any]) -> bytes:
    """Grouped bars per criterion (tập thể / cá nhân) with Vietnamese labels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    criteria = context["criteria"]
    labels = [_wrap(c["label"]) for c in criteria]
    positions = range(len(criteria))
    fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=150)
    try:
        width = 0.38
        bars_tt = ax.bar(
            [p - width / 2 for p in positions],
            [c["tap_the"] for c in criteria],
            width,
            label="Tập thể",
            color="#1f4e79",
        )
        bars_cn = ax.bar(
            [p + width / 2 for p in positions],
            [c["ca_nhan"] for c in criteria],
            width,
            label="Cá nhân",
            color="#c55a11",
        )
        ax.bar_label(bars_tt, fontsize=8)
        ax.bar_label(bars_cn, fontsize=8)
        ax.set_xticks(list(positions), labels, fontsize=8)
        ax.set_ylabel("Số điển hình", fontsize=9)
        ax.set_title("Số điển hình tiên tiến đăng ký theo tiêu chí", fontsize=10)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max([c["tong"] for c in criteria] + [1]) * 1.2)
        ax.legend(fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buffer = BytesIO()
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return buffer.getvalue()


def _wrap(label: str, width: int = 28) -> str:
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
        raise ReportError(f"Không tìm thấy mẫu báo cáo HTML {custom}.")
    folder, name = (custom.parent, custom.name) if custom else (DEFAULTS, "bao-cao.html")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder), autoescape=True, undefined=jinja2.StrictUndefined
    )
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
    template = DocxTemplate(str(custom) if custom else default_docx_template(specs))
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
