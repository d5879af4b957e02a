"""The sơ kết / tổng kết report from the register (`dhtt-batch report --register`): its figures
against an independent count of the sample workbooks (openpyxl, not dhtt-batch's reader), the
ranking rule and its weights, the span of a mid-term review, and the rendered PDF."""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from dhtt_batch.cli import cli

from .conftest import SAMPLE_REGISTER, pdf_page_texts, soffice

CRITERIA = {
    "a_HCM": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "b_CCHC": "Thực hiện cải cách hành chính",
    "c_CDS": "Công nghệ thông tin, truyền thông và chuyển đổi số",
}
FINAL = SAMPLE_REGISTER / "tong-ket.toml"


def independent_count() -> dict[str, Any]:
    """Straight from the sample workbooks: per (year, sheet, Đối tượng) the distinct exemplars
    by the identity rule (unit code + name + birth year; a collective by its name)."""
    cells: dict[tuple[int, str, str], set[tuple[Any, ...]]] = defaultdict(set)
    years_of: dict[tuple[Any, ...], set[int]] = defaultdict(set)
    units: set[str] = set()
    for path in sorted(SAMPLE_REGISTER.glob("tong-hop-*.xlsx")):
        wb = openpyxl.load_workbook(path, read_only=True)
        meta = {r[0]: r[1] for r in wb["_meta"].iter_rows(values_only=True)}
        year = int(meta["period_year"])
        for sheet in CRITERIA:
            rows = list(wb[sheet].iter_rows(values_only=True))
            column = {h: i for i, h in enumerate(rows[1])}
            for row in rows[2:]:
                name = row[column["Họ và tên / Tên tập thể"]]
                if not name:
                    continue
                kind, unit = row[column["Đối tượng"]], row[column["Mã đơn vị"]]
                key = " ".join(str(name).casefold().split())
                if kind == "Cá nhân":
                    identity: tuple[Any, ...] = (kind, unit, key, int(row[column["Năm sinh"]]))
                else:
                    identity = (kind, key)
                cells[(year, sheet, kind)].add(identity)
                years_of[identity].add(year)
                units.add(unit)
    return {"cells": cells, "years_of": years_of, "units": units}


def table_with(document: Any, *headers: str) -> list[list[str]]:
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0][: len(headers)] == list(headers):
            return rows
    raise AssertionError(f"no table headed {headers!r}")


def body_text(document: Any) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def make_report(runner: CliRunner, db: str, target: Path, campaign: Path = FINAL) -> Any:
    added = runner.invoke(
        cli,
        ["register", "add", "-c", str(campaign), "--db", db,
         *map(str, sorted(SAMPLE_REGISTER.glob("tong-hop-*.xlsx")))],
        catch_exceptions=False,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    result = runner.invoke(
        cli,
        ["report", "--register", "-c", str(campaign), "--db", db, "-o", str(target)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert f"Đã lập báo cáo {target}" in result.output
    return docx.Document(str(target)) if target.suffix == ".docx" else None


def test_final_report_figures_equal_an_independent_count_of_the_workbooks(
    runner: CliRunner, register_db: str, tmp_path: Path, office_check: Any
) -> None:
    target = tmp_path / "bao-cao-tong-ket.docx"
    document = make_report(runner, register_db, target)
    office_check(target)
    count = independent_count()
    years = [2021, 2022, 2023, 2024, 2025]
    by_year = table_with(document, "Tiêu chí")
    assert by_year[0] == ["Tiêu chí", "Đối tượng", *map(str, years)]
    expected = [
        [label, kind, *(str(len(count["cells"][(y, sheet, kind)])) for y in years)]
        for sheet, label in CRITERIA.items()
        for kind in ("Tập thể", "Cá nhân")
    ]
    assert by_year[1:-1] == expected
    totals = [sum(int(row[2 + n]) for row in expected) for n in range(len(years))]
    assert by_year[-1] == ["Cộng", "", *map(str, totals)]
    multi = table_with(document, "Số năm đăng ký")
    for row in multi[1:]:
        n = int(row[0].split()[0])
        same = [i for i, y in count["years_of"].items() if len(y) == n]
        collectives = sum(1 for i in same if i[0] == "Tập thể")
        assert row[1:] == [str(collectives), str(len(same) - collectives), str(len(same))], row
    roster = ["HCTC", "TH", "KT", "KGVX", "NC", "KSTT", "QTTV", "TCD", "THCB", "PVHCC"]
    assert [u for u in roster if u not in count["units"]] == ["THCB"]
    text = body_text(document)
    assert "Đơn vị chưa đăng ký điển hình trong giai đoạn: Trung tâm Tin học - Công báo." in text
    assert "DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN TIÊU BIỂU GIAI ĐOẠN 2021 – 2025" in text
    assert "Tổng kết phong trào xây dựng và nhân rộng điển hình tiên tiến giai đoạn" in text
    # The opening sentence cites the plan as the annual report does ([report] plan_*).
    assert (
        "Thực hiện Kế hoạch số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/KH-VPUBND năm 2022 về xây dựng "
        "và nhân rộng điển hình tiên tiến giai đoạn 2021 – 2025, Văn phòng UBND tỉnh Quảng Bình "
        "báo cáo tổng kết giai đoạn (từ năm 2021 đến năm 2025) như sau:"
    ) in text
    assert len(document.inline_shapes) == 1  # the chart 2021 → 2025


def test_candidates_are_ranked_by_the_documented_rule_and_its_weights(
    runner: CliRunner, tmp_path: Path
) -> None:
    db = str(tmp_path / "register.sqlite")
    document = make_report(runner, db, tmp_path / "a.docx")
    candidates = table_with(document, "STT", "Tên tập thể, cá nhân")
    assert candidates[0] == [
        "STT",
        "Tên tập thể, cá nhân",
        "Đơn vị",
        "Số năm đăng ký",
        "Danh hiệu đã đạt",
        "Lan tỏa",
        "Điểm",
    ]
    scores = [int(row[6]) for row in candidates[1:]]
    assert scores == sorted(scores, reverse=True) and len(scores) <= 30
    assert all(int(row[3].split()[0]) >= 2 for row in candidates[1:])
    # Lê Thị Mỹ Linh: 5 years × 3 + 3 titles × 2 + "Toàn cơ quan" (level 2) × 1 = 23.
    assert candidates[1][1:4] == ["Lê Thị Mỹ Linh (1986)", "Phòng Hành chính - Tổ chức",
                                  "5 (2021–2025)"]  # fmt: skip
    assert candidates[1][6] == "23"
    rule = "Điểm = số năm đăng ký × 3 + số danh hiệu, hình thức khen thưởng đạt được × 2"
    assert rule in body_text(document)
    # Weigh spread above all: the widest-spreading exemplar comes first.
    text = FINAL.read_text(encoding="utf-8").replace("spread_points = 1", "spread_points = 100")
    weighted = tmp_path / "weighted.toml"
    weighted.write_text(text.replace("candidates = 30", "candidates = 2"), encoding="utf-8")
    result = runner.invoke(
        cli,
        ["report", "--register", "-c", str(weighted), "--db", db, "-o", str(tmp_path / "b.docx")],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    reranked = table_with(docx.Document(str(tmp_path / "b.docx")), "STT", "Tên tập thể, cá nhân")
    assert [row[1] for row in reranked[1:]] == ["Ban Tiếp công dân tỉnh", "Mai Văn Thắng (1987)"]
    assert reranked[1][5] == "Ngoài cơ quan, trong tỉnh"


def test_a_midterm_review_covers_the_years_up_to_its_own(runner: CliRunner, tmp_path: Path) -> None:
    text = FINAL.read_text(encoding="utf-8").replace('kind = "final"', 'kind = "midterm"')
    midterm = tmp_path / "so-ket.toml"
    midterm.write_text(text.replace("year = 2025", "year = 2023"), encoding="utf-8")
    document = make_report(
        runner, str(tmp_path / "r.sqlite"), tmp_path / "so-ket.docx", campaign=midterm
    )
    assert table_with(document, "Tiêu chí")[0][2:] == ["2021", "2022", "2023"]
    text = body_text(document)
    assert "Sơ kết phong trào xây dựng và nhân rộng điển hình tiên tiến giai đoạn 2021 – 2025" in (
        text
    )
    assert "từ năm 2021 đến năm 2023" in text


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("annual", 'ghi [period] kind = "midterm" (sơ kết) hoặc "final" (tổng kết)'),
        ("final", "Sổ điển hình chưa có bảng tổng hợp nào từ năm 2021 đến năm 2025"),
    ],
)
def test_report_from_the_register_needs_a_review_period_and_recorded_years(
    runner: CliRunner, tmp_path: Path, kind: str, message: str
) -> None:
    campaign = tmp_path / "c.toml"
    text = FINAL.read_text(encoding="utf-8")
    campaign.write_text(text.replace('kind = "final"', f'kind = "{kind}"'), encoding="utf-8")
    result = runner.invoke(
        cli,
        ["report", "--register", "-c", str(campaign), "--db", str(tmp_path / "empty.sqlite"),
         "-o", str(tmp_path / "x.docx")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_the_html_review_is_the_same_document(runner: CliRunner, tmp_path: Path) -> None:
    make_report(runner, str(tmp_path / "r.sqlite"), tmp_path / "bc.html")
    html = (tmp_path / "bc.html").read_text(encoding="utf-8")
    assert "DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN TIÊU BIỂU GIAI ĐOẠN 2021 – 2025" in html
    assert "<th>2025</th>" in html and "data:image/png;base64," in html
    assert "Trung tâm Tin học - Công báo" in html


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed")
def test_the_pdf_review_renders_with_its_appendix(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "bc.pdf"
    make_report(runner, str(tmp_path / "r.sqlite"), target)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", target.read_bytes()))
    assert 3 <= pages <= 10
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "PHỤ LỤC" in text and "Phạm Thị Hồng Lê" in text
    assert "Lê Thị Mỹ Linh" in text and "DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN TIÊU BIỂU" in text
    # The closing paragraph, Nơi nhận and the signature share a page (the annual report's frame).
    pages = pdf_page_texts(target)
    closing = [n for n, page in enumerate(pages) if "Trên đây là báo cáo tổng kết" in page]
    assert len(closing) == 1
    for part in ("Nơi nhận:", "KT. CHÁNH VĂN PHÒNG", "Phạm Thị Hồng Lê"):
        assert part in pages[closing[0]], part


def test_db_without_register_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    workbook = SAMPLE_REGISTER / "tong-hop-2025.xlsx"
    result = runner.invoke(
        cli, ["report", str(workbook), "--db", "x.sqlite", "-o", str(tmp_path / "b.docx")]
    )
    assert result.exit_code == 2
    assert "Lỗi: --db chỉ dùng cùng --register." in result.output
