"""The report as it is read: its printed pages (LibreOffice → PDF) and the HTML in a real
browser (headless Chromium) at a phone's and a desktop's width."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from dhtt_batch.campaign import Campaign
from dhtt_batch.formats.consolidated import read_consolidated
from dhtt_batch.report.context import build_context
from dhtt_batch.report.render import chart_png, render_docx, render_html
from dhtt_batch.spec import SpecSet

from .conftest import (
    lo_convert,
    overlapping_words,
    pdf_page_texts,
    pdf_text_sizes,
    pdf_words,
    soffice,
)

needs_libreoffice = pytest.mark.skipif(
    soffice() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or poppler-utils (pdftotext) not installed",
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed")
# Extra lines of assessment push the end of the report down the page by about one line each;
# over this range the closing paragraph and the signature block meet the page's end.
PADDING = range(8, 24, 4)
SIGNER = "Phạm Thị Hồng Lê"


@pytest.fixture(scope="module")
def context(merged_samples: Path, campaign: Campaign, specs: SpecSet) -> dict:
    data = read_consolidated(merged_samples / "tong-hop-2025.xlsx", specs)
    return build_context(data, campaign, specs, date(2026, 1, 5))


@pytest.fixture(scope="module")
def printed(
    tmp_path_factory: pytest.TempPathFactory, context: dict, campaign: Campaign, specs: SpecSet
) -> dict[int, Path]:
    """The sample report, and variants with `n` extra assessment lines, as PDF (one run)."""
    root = tmp_path_factory.mktemp("report-pages")
    chart = chart_png(context)
    sources = []
    for extra in (0, *PADDING):
        lines = [f"Nhận xét bổ sung thứ {n + 1}." for n in range(extra)]
        variant = {**context, "assessment": [*context["assessment"], *lines]}
        source = root / f"bao-cao-{extra:02d}.docx"
        source.write_bytes(render_docx(variant, chart, campaign, specs))
        sources.append(source)
    pdfs = lo_convert(sources, "pdf", root / "pdf")
    return dict(zip((0, *PADDING), pdfs, strict=True))


def _page_of(pages: list[str], text: str) -> int:
    found = [n for n, page in enumerate(pages) if text in page]
    assert len(found) == 1, (text, found)
    return found[0]


@needs_libreoffice
def test_signature_block_stays_with_the_closing_paragraph(printed: dict[int, Path]) -> None:
    """Nơi nhận, the signature and the closing paragraph share a page wherever the page ends
    (before, the signer's name could end up alone on the last page)."""
    moved = 0
    for extra, pdf in printed.items():
        pages = pdf_page_texts(pdf)
        closing = _page_of(pages, "Trên đây là báo cáo")
        assert _page_of(pages, "Nơi nhận:") == closing, extra
        assert _page_of(pages, SIGNER) == closing, extra
        assert _page_of(pages, "KT. CHÁNH VĂN PHÒNG") == closing, extra
        moved += _page_of(pages, "(Phần này để Văn phòng bổ sung") < closing
    # The range really crossed a page end: some variant had to move the block to a new page.
    assert moved > 0


@needs_libreoffice
def test_report_pages_are_readable(printed: dict[int, Path]) -> None:
    for number, (sizes, words) in enumerate(
        zip(pdf_text_sizes(printed[0]), pdf_words(printed[0]), strict=True), start=1
    ):
        assert min(sizes) >= 11, number  # Nghị định 30: 11-14 pt, 13-14 pt in the body
        assert overlapping_words(words) == [], number


# --- HTML in a real browser -------------------------------------------------------------------

WIDTHS = {"phone": 390, "desktop": 1280}
# Runs in the page once everything has loaded: for each frame (one per width), how wide the
# document is against its viewport, what sticks out, and whether the key content is there.
PROBE = r"""
<script>
window.addEventListener('load', () => {
  const out = {};
  for (const frame of document.querySelectorAll('iframe')) {
    const doc = frame.contentDocument, root = doc.documentElement;
    const outside = [...doc.body.querySelectorAll('*')]
      .filter(e => e.getBoundingClientRect().right > root.clientWidth + 0.5)
      .map(e => e.tagName + (e.id ? '#' + e.id : ''));
    const tables = {};
    for (const t of doc.querySelectorAll('table[id]')) {
      tables[t.id] = {rows: t.rows.length, height: t.getBoundingClientRect().height};
    }
    // A cell with more lines than words has a word broken in two ("ST" / "T").
    const broken = [...doc.querySelectorAll('th, td')].filter(cell => {
      const range = doc.createRange();
      range.selectNodeContents(cell);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
      return lines > cell.innerText.split(/\s+/).filter(Boolean).length;
    }).map(cell => cell.innerText);
    const chart = doc.querySelector('img.chart');
    out[frame.id] = {
      viewport: root.clientWidth, scrollWidth: root.scrollWidth, outside: outside.slice(0, 5),
      broken: broken.slice(0, 5),
      tables: tables,
      chart: chart ? [chart.naturalWidth, chart.getBoundingClientRect().width] : null,
      text: doc.body.innerText, fontPx: parseFloat(getComputedStyle(doc.body).fontSize),
    };
  }
  document.body.setAttribute('data-probe', JSON.stringify(out));
});
</script>
"""


@pytest.fixture(scope="module")
def browser(
    tmp_path_factory: pytest.TempPathFactory, context: dict, campaign: Campaign
) -> dict[str, dict]:
    """The report's HTML laid out by headless Chromium in frames as wide as a phone and a
    desktop (a frame gives an exact viewport width; a headless window has a minimum)."""
    assert CHROMIUM is not None
    root = tmp_path_factory.mktemp("browser")
    report = render_html(context, chart_png(context), campaign)
    frames = "".join(
        f'<iframe id="{name}" style="width:{width}px;height:900px;border:0" '
        f'srcdoc="{html.escape(report, quote=True)}"></iframe>'
        for name, width in WIDTHS.items()
    )
    page = root / "probe.html"
    page.write_text(f"<!DOCTYPE html><html><body>{frames}{PROBE}</body></html>", "utf-8")
    run = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={root / 'profile'}",
            "--window-size=1800,1000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r'data-probe="([^"]*)"', run.stdout)
    assert found, run.stderr[-2000:]
    return json.loads(html.unescape(found[1]))  # type: ignore[no-any-return]


@needs_chromium
@pytest.mark.parametrize("width", WIDTHS)
def test_html_report_fits_the_screen_without_sideways_scrolling(
    width: str, browser: dict[str, dict]
) -> None:
    seen = browser[width]
    assert seen["viewport"] <= WIDTHS[width]
    assert seen["scrollWidth"] <= seen["viewport"], seen["outside"]
    assert seen["outside"] == []
    assert seen["broken"] == []  # cells narrow but whole words
    assert seen["fontPx"] >= 16  # 12 pt on a phone, 14 pt on a desktop


@needs_chromium
@pytest.mark.parametrize("width", WIDTHS)
def test_html_report_shows_the_whole_document(
    width: str, browser: dict[str, dict], context: dict
) -> None:
    seen = browser[width]
    groups = context["appendix"]
    rows = {
        "submissions": 1 + len(context["submissions"]),
        "criteria": 1 + len(context["criteria"]) + 1,  # header, criteria, total
        "units": 1 + len(context["units"]) + 1,
        "proposals": 1
        + len(groups)
        + sum(len(g["kinds"]) for g in groups)
        + len(context["proposals"]),
    }
    assert {name: t["rows"] for name, t in seen["tables"].items()} == rows
    assert all(t["height"] > 0 for t in seen["tables"].values())
    natural, shown = seen["chart"]
    assert natural > 0 and 0 < shown <= seen["viewport"]
    text = seen["text"]
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", "Nơi nhận:", SIGNER):
        assert expected in text
    assert context["plan"] in text
