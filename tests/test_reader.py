"""File-level findings: what the safe reader refuses, and why, in bounded time and memory."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from dhtt_batch.campaign import load_campaign
from dhtt_batch.formats.template_layout import META_SHEET
from dhtt_batch.validate import ValidationResult

from .conftest import flatten

Make = Callable[..., Path]
Check = Callable[..., ValidationResult]


def file_codes(result: ValidationResult) -> list[list[object]]:
    return flatten([f for f in result.findings if f.sheet is None], ["code", "severity"])


def rewrite_zip(
    source: Path,
    target: Path,
    change: Callable[[str, bytes], bytes | None],
    extra: dict[str, bytes] | None = None,
) -> Path:
    """Copy an .xlsx part by part; `change` may alter or drop (None) each part."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = change(info.filename, src.read(info))
            if data is not None:
                dst.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return target


def with_doctype(data: bytes, doctype: bytes) -> bytes:
    if data.startswith(b"<?xml"):
        declaration, rest = data.split(b"?>", 1)
        return declaration + b"?>" + doctype + rest
    return doctype + data


def test_empty_file(tmp_path: Path, check: Check) -> None:
    path = tmp_path / "rong.xlsx"
    path.write_bytes(b"")
    assert file_codes(check(path)) == [["empty_file", "error"]]


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b"%PDF-1.7\n1 0 obj", "tệp PDF"),
        (b"\x89PNG\r\n\x1a\n0000", "ảnh PNG"),
        ("STT,Họ và tên\n1,An\n".encode(), "văn bản thường (có thể là CSV)"),
    ],
)
def test_renamed_foreign_files_are_not_spreadsheets(
    tmp_path: Path, check: Check, content: bytes, detail: str
) -> None:
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(content)
    result = check(path)
    assert file_codes(result) == [["not_spreadsheet", "error"]]
    assert detail in result.findings[0].message


def test_word_document_renamed(tmp_path: Path, check: Check) -> None:
    path = tmp_path / "van-ban.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    result = check(path)
    assert file_codes(result) == [["not_spreadsheet", "error"]]
    assert "văn bản Word (.docx)" in result.findings[0].message


def test_password_protected_workbook(tmp_path: Path, check: Check) -> None:
    # An encrypted OOXML file is an OLE container holding EncryptionInfo and EncryptedPackage.
    path = tmp_path / "mat-khau.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\0" * 2000
    )
    result = check(path)
    assert file_codes(result) == [["encrypted", "error"]]
    assert "gỡ mật khẩu" in result.findings[0].message


def test_truncated_file(make_workbook: Make, check: Check, tmp_path: Path) -> None:
    good = make_workbook()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert file_codes(check(cut)) == [["corrupt", "error"]]


def test_zip_bomb_is_refused_before_parsing(
    make_workbook: Make, check: Check, tmp_path: Path
) -> None:
    bomb = rewrite_zip(
        make_workbook(),
        tmp_path / "bomb.xlsx",
        lambda n, d: d,
        {"xl/media/filler.bin": b"\0" * (50 * 1024**2)},
    )
    result = check(bomb)
    assert file_codes(result) == [["unsafe_file", "error"]]
    assert "tỷ lệ nén" in result.findings[0].message


def test_xml_entity_declarations_are_refused(
    make_workbook: Make, check: Check, tmp_path: Path
) -> None:
    lol = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'

    def inject(name: str, data: bytes) -> bytes:
        return with_doctype(data, lol) if name == "xl/worksheets/sheet3.xml" else data

    result = check(rewrite_zip(make_workbook(), tmp_path / "lol.xlsx", inject))
    assert file_codes(result) == [["unsafe_file", "error"]]
    assert "DTD" in result.findings[0].message


def test_external_entity_is_refused(make_workbook: Make, check: Check, tmp_path: Path) -> None:
    xxe = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'

    def inject(name: str, data: bytes) -> bytes:
        return with_doctype(data, xxe) if name == "xl/workbook.xml" else data

    assert file_codes(check(rewrite_zip(make_workbook(), tmp_path / "xxe.xlsx", inject))) == [
        ["unsafe_file", "error"]
    ]


def test_huge_dimension_is_refused_without_allocating(
    make_workbook: Make, check: Check, tmp_path: Path
) -> None:
    def far_cell(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet3.xml":
            return data.replace(
                b"</sheetData>",
                b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>',
            )
        return data

    result = check(rewrite_zip(make_workbook(), tmp_path / "far.xlsx", far_cell))
    assert file_codes(result) == [["sheet_too_large", "error"]]
    assert "XFD1048576" in result.findings[0].message


@pytest.mark.parametrize(
    "cell", [b"<c r='XFD1048576' t='n'>", b'<c\tr="XFD1048576">', b'<c\nt="n" r="XFD1048576">']
)
def test_far_cell_written_unusually_is_refused_too(
    make_workbook: Make, check: Check, tmp_path: Path, cell: bytes
) -> None:
    """Single quotes or a tab / line break before the attribute: still bounded."""

    def far_cell(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet3.xml":
            return data.replace(
                b"</sheetData>", b"<row r='1048576'>" + cell + b"<v>1</v></c></row></sheetData>"
            )
        return data

    result = check(rewrite_zip(make_workbook(), tmp_path / "far.xlsx", far_cell))
    assert file_codes(result) == [["sheet_too_large", "error"]]


def test_far_looking_text_outside_cells_does_not_refuse_a_small_sheet(
    make_workbook: Make, check: Check, tmp_path: Path
) -> None:
    # The quick extent pass over-counts; the exact scan then clears the sheet.
    def comment(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet3.xml":
            return data.replace(b"<sheetData>", b'<!-- r="XFD1048576" --><sheetData>')
        return data

    path = rewrite_zip(make_workbook(), tmp_path / "ok.xlsx", comment)
    with zipfile.ZipFile(path) as zf:
        assert b"XFD1048576" in zf.read("xl/worksheets/sheet3.xml")
    assert check(path).findings == []


def test_not_this_template(tmp_path: Path, check: Check) -> None:
    wb = Workbook()
    wb.active.append(["Họ tên", "Ngày sinh"])
    wb.save(tmp_path / "khac.xlsx")
    result = check(tmp_path / "khac.xlsx")
    assert file_codes(result) == [["not_template", "error"]]
    assert result.row_counts(result.submissions[0]) == (0, 0, 0)


def test_template_of_another_period(make_workbook: Make, check: Check, tmp_path: Path) -> None:
    from dhtt_batch.campaign import default_campaign_path

    text = default_campaign_path().read_text(encoding="utf-8").replace("year = 2025", "year = 2024")
    (tmp_path / "old.toml").write_text(text, encoding="utf-8")
    result = check(make_workbook(of_campaign=load_campaign(tmp_path / "old.toml")))
    assert file_codes(result) == [["wrong_period", "error"]]
    assert result.findings[0].message.startswith(
        "Đây là biểu mẫu của kỳ 'Năm 2024', không phải kỳ 'Năm 2025'."
    )
    assert result.row_counts(result.submissions[0]) == (1, 0, 1)


def test_unknown_spec_version(make_workbook: Make, check: Check) -> None:
    def bump(wb: Workbook) -> None:
        ws = wb[META_SHEET]
        for row in ws.iter_rows():
            if row[0].value == "spec_version":
                row[1].value = 99

    assert file_codes(check(make_workbook(edit=bump))) == [["unknown_version", "error"]]


def test_workbook_without_metadata_is_read_with_a_warning(
    make_workbook: Make, check: Check
) -> None:
    result = check(make_workbook(edit=lambda wb: wb.remove(wb[META_SHEET])))
    assert file_codes(result) == [["no_metadata", "warning"]]
    assert result.row_counts(result.submissions[0]) == (1, 1, 0)


def test_misnamed_spreadsheet_is_read_by_content(make_workbook: Make, check: Check) -> None:
    path = make_workbook()
    renamed = path.with_suffix(".xls")
    shutil.copy(path, renamed)
    result = check(renamed)
    assert file_codes(result) == [["extension_mismatch", "warning"]]
    assert result.row_counts(result.submissions[0]) == (1, 1, 0)


def test_macros_are_ignored(make_workbook: Make, check: Check, tmp_path: Path) -> None:
    xlsm = rewrite_zip(
        make_workbook(),
        tmp_path / "macro.xlsm",
        lambda n, d: d,
        {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 fake vba"},
    )
    result = check(xlsm)
    assert file_codes(result) == [["macros_ignored", "warning"]]
    assert result.row_counts(result.submissions[0]) == (1, 1, 0)


def _limit_memory() -> None:
    cap = 3 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


@pytest.mark.parametrize("kind", ["bomb", "far", "lol"])
def test_hostile_files_in_bounded_time_and_memory(
    make_workbook: Make, tmp_path: Path, kind: str
) -> None:
    base = make_workbook()
    if kind == "bomb":
        path = rewrite_zip(
            base,
            tmp_path / "x.xlsx",
            lambda n, d: d,
            {"xl/worksheets/sheet9.xml": b"<a>" + b" " * (250 * 1024**2)},
        )
    elif kind == "far":
        path = rewrite_zip(
            base,
            tmp_path / "x.xlsx",
            lambda n, d: (
                d.replace(
                    b"</sheetData>",
                    b'<row r="900000"><c r="ZZ900000"><v>1</v></c></row></sheetData>',
                )
                if n == "xl/worksheets/sheet3.xml"
                else d
            ),
        )
    else:
        doctype = b'<!DOCTYPE z [<!ENTITY a "' + b"a" * 1000 + b'">]>'
        path = rewrite_zip(
            base,
            tmp_path / "x.xlsx",
            lambda n, d: with_doctype(d, doctype) if n == "xl/workbook.xml" else d,
        )
    proc = subprocess.run(
        [sys.executable, "-m", "dhtt_batch.cli", "validate", "--json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
    )
    assert proc.returncode == 1, proc.stderr
    codes = [f["code"] for f in json.loads(proc.stdout)["files"][0]["findings"]]
    assert codes[0] in ("unsafe_file", "sheet_too_large")
