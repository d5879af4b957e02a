"""Size limits for every format bound memory, and a file that kills its reader's process is
that file's rejection, never the batch's end."""

from __future__ import annotations

import io
import json
import resource
import shutil
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import olefile
import pytest
from click.testing import CliRunner

from dhtt_batch.cli import cli
from dhtt_batch.extents import LIMITS, TooLarge, check_ods, check_xlsx_sheet

from .conftest import REPO, SAMPLE_INBOX

Make = Callable[..., Path]
NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
VALUE = '<table:table-cell office:value-type="float" office:value="1"{}/>'
EMPTY = '<table:table-cell table:style-name="ce1"{}/>'


def columns(count: int) -> str:
    return f' table:number-columns-repeated="{count}"'


def row(cells: str, repeat: int = 1) -> str:
    return f'<table:table-row table:number-rows-repeated="{repeat}">{cells}</table:table-row>'


def content(rows: str, name: str = "a_HCM") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:body>'
        f'<office:spreadsheet><table:table table:name="{name}">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    ).encode()


def ods(rows: str) -> bytes:
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content(rows))
    return buffer.getvalue()


# A 1 KB .ods claiming 100 million cells: 1,000 columns of a value, row repeated 100,000 times.
HOSTILE_ODS = row(VALUE.format(columns(1000)), 100_000)


@pytest.mark.parametrize(
    "rows",
    [
        # LibreOffice's own tails: styled empty cells to column AMJ, empty rows to 1,048,576.
        row(VALUE.format("") + EMPTY.format(columns(1023))) + row(EMPTY.format(""), 1_048_575),
        # Empty rows between two content rows are materialised, but one column wide.
        row(VALUE.format("")) + row(EMPTY.format(columns(1024)), 90_000) + row(VALUE.format("")),
    ],
)
def test_what_libreoffice_writes_is_within_the_limits(rows: str) -> None:
    check_ods(io.BytesIO(content(rows)), LIMITS)


@pytest.mark.parametrize(
    ("rows", "where"),
    [
        (HOSTILE_ODS, "100 triệu ô"),
        (row(VALUE.format(columns(16_384))), "tới ô XFD1"),
        (row(EMPTY.format(columns(600)) + VALUE.format("")), "tới ô WC1"),
        (
            row(VALUE.format("")) + row(EMPTY.format(""), 2_000_000) + row(VALUE.format("")),
            "2000002",
        ),
        (row(VALUE.format("")) + row(EMPTY.format(columns(2)) + VALUE.format(""), 1_200_000), ""),
    ],
)
def test_ods_claims_are_refused_before_reading(rows: str, where: str) -> None:
    with pytest.raises(TooLarge) as refused:
        check_ods(io.BytesIO(content(rows)), LIMITS)
    assert where in refused.value.detail


def test_xlsx_grid_is_bounded_in_cells_not_only_in_rows_and_columns() -> None:
    far = b'<sheetData><row r="99999"><c r="SF99999"><v>1</v></c></row></sheetData>'
    with pytest.raises(TooLarge) as refused:
        check_xlsx_sheet("a_HCM", far, LIMITS)
    assert refused.value.detail == ("sheet 'a_HCM' tới ô SF99999, 50 triệu ô; giới hạn 3 triệu ô")


def test_xlsx_cells_without_addresses_are_placed_as_calamine_places_them() -> None:
    wide = b"<sheetData><row>" + b"<c><v>1</v></c>" * 700 + b"</row></sheetData>"
    with pytest.raises(TooLarge, match="tới ô ZX1"):
        check_xlsx_sheet("a_HCM", wide, LIMITS)
    deep = b"<sheetData>" + b'<row><c t="n"><v>1</v></c></row>' * 100_001 + b"</sheetData>"
    with pytest.raises(TooLarge, match="tới ô A100001"):
        check_xlsx_sheet("a_HCM", deep, LIMITS)
    # A line break instead of a space after the tag's name: still an element calamine places.
    broken = b'<sheetData><row r="1">' + b'<c\nt="n"><v>1</v></c>' * 700 + b"</row></sheetData>"
    with pytest.raises(TooLarge, match="tới ô ZX1"):
        check_xlsx_sheet("a_HCM", broken, LIMITS)
    prefixed = b"<sheetData><x:row>" + b"<x:c><x:v>1</x:v></x:c>" * 700 + b"</x:row></sheetData>"
    with pytest.raises(TooLarge, match="tới ô ZX1"):
        check_xlsx_sheet("a_HCM", prefixed, LIMITS)


def test_xlsx_sheets_as_office_programs_write_them_pass_the_quick_check() -> None:
    declared = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet>'
    sheet = declared + b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'
    check_xlsx_sheet("a_HCM", sheet + b"</worksheet>", LIMITS)  # no error: small and addressed
    far = sheet.replace(b'r="A1"', b'r="SF99999"')
    with pytest.raises(TooLarge, match="tới ô SF99999"):
        check_xlsx_sheet("a_HCM", far + b"</worksheet>", LIMITS)


def xls_with(tmp_path: Path, patch: Callable[[bytearray, int, int], None]) -> Path:
    """The sample .xls with its first sheet's records patched in place (same size)."""
    target = tmp_path / "sua.xls"
    shutil.copy(SAMPLE_INBOX / "KSTT_DHTT_2025.xls", target)
    with olefile.OleFileIO(str(target), write_mode=True) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
        offset, first_sheet = 0, None
        while offset + 4 <= len(stream):
            kind, size = struct.unpack_from("<HH", stream, offset)
            if kind == 0x85 and first_sheet is None:
                first_sheet = struct.unpack_from("<I", stream, offset + 4)[0]
            if first_sheet is not None and offset >= first_sheet:
                patch(stream, kind, offset + 4)
            offset += 4 + size
        ole.write_stream("Workbook", bytes(stream))
    return target


def test_xls_dimensions_and_far_cells_are_refused(tmp_path: Path, runner: CliRunner) -> None:
    def dimensions(stream: bytearray, kind: int, at: int) -> None:
        if kind == 0x200:  # rows 0..65536, columns 0..256: 16.7 million cells reserved
            struct.pack_into("<IIHH", stream, at, 0, 65536, 0, 256)

    def far_cell(stream: bytearray, kind: int, at: int) -> None:
        if kind == 0xFD:  # a shared-string cell moved to IV65536
            struct.pack_into("<HH", stream, at, 65535, 255)

    for patch, where in ((dimensions, "tới ô IV65536"), (far_cell, "tới ô IV65536")):
        path = xls_with(tmp_path, patch)
        result = runner.invoke(cli, ["validate", "--json", str(path)])
        assert result.exit_code == 1, result.output
        [finding] = json.loads(result.stdout)["files"][0]["findings"]
        assert finding["code"] == "sheet_too_large" and where in finding["message"]


def test_the_real_xls_sample_is_within_the_limits(runner: CliRunner) -> None:
    path = SAMPLE_INBOX / "KSTT_DHTT_2025.xls"
    codes = [
        f["code"]
        for f in json.loads(runner.invoke(cli, ["validate", "--json", str(path)]).stdout)["files"][
            0
        ]["findings"]
    ]
    assert "sheet_too_large" not in codes


def _limit_memory() -> None:
    cap = int(1.5 * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def run_limited(args: list[str], script: str = "") -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh process under a 1.5 GB address-space limit; `script` runs first."""
    run = "import sys\nfrom dhtt_batch.cli import main\nsys.argv[0] = 'dhtt-batch'\nmain()\n"
    code = script + run
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit_memory,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.parametrize("kind", ["ods", "xls", "xlsx"])
def test_hostile_extents_in_bounded_memory(make_workbook: Make, tmp_path: Path, kind: str) -> None:
    if kind == "ods":
        path = tmp_path / "x.ods"
        path.write_bytes(ods(HOSTILE_ODS))
    elif kind == "xls":
        path = xls_with(
            tmp_path,
            lambda s, k, at: struct.pack_into("<HH", s, at, 65535, 255) if k == 0xFD else None,
        )
    else:
        source = make_workbook()
        path = tmp_path / "x.xlsx"
        with (
            zipfile.ZipFile(source) as src,
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
        ):
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "xl/worksheets/sheet3.xml":
                    data = data.replace(
                        b"</sheetData>",
                        b'<row r="99999"><c r="SF99999"><v>1</v></c></row></sheetData>',
                    )
                dst.writestr(info, data)
    assert path.stat().st_size < 400_000  # a small file (the sample .xls is ~310 KB)
    proc = run_limited(["validate", "--json", str(path)])
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    [finding] = json.loads(proc.stdout)["files"][0]["findings"]
    assert finding["code"] == "sheet_too_large"


def test_a_file_that_kills_its_reader_is_its_own_rejection(
    make_workbook: Make, tmp_path: Path
) -> None:
    """With the .ods bound switched off, the hostile file really aborts the reader natively
    (Rust's allocation failure); the merge goes on and reports it."""
    inbox = tmp_path / "inbox"
    for number in range(7):  # enough files for two worker processes
        make_workbook(name=f"inbox/f{number}.xlsx")
    (inbox / "f3-hong.ods").write_bytes(ods(HOSTILE_ODS))
    switched_off = "import dhtt_batch.reader as r\nr.check_ods = lambda *a: None\n"
    proc = run_limited(["merge", str(inbox), "-o", str(tmp_path / "out"), "--json"], switched_off)
    assert proc.returncode == 0, proc.stderr
    assert "memory allocation" in proc.stderr  # the native abort happened, in a worker
    manifest = json.loads(proc.stdout)
    files = {Path(f["path"]).name: f for f in manifest["files"]}
    assert len(files) == 8
    hostile = files["f3-hong.ods"]
    assert [f["code"] for f in hostile["findings"]] == ["read_aborted"]
    assert hostile["status"] == "unreadable"
    assert all(f["rows_read"] == 1 for name, f in files.items() if name != "f3-hong.ods")
    assert (tmp_path / "out" / "tong-hop-2025.xlsx").is_file()


def test_crash_isolation_finds_the_culprit_among_many(
    make_workbook: Make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two files kill their worker process at random points of a 40-file batch."""
    import faulthandler
    import os

    from dhtt_batch import submission
    from dhtt_batch.campaign import load_campaign
    from dhtt_batch.spec_loader import load_specs
    from dhtt_batch.validate import validate_paths

    inbox = tmp_path / "inbox"
    first = make_workbook(name="inbox/f00.xlsx")
    for number in range(1, 40):
        shutil.copy(first, inbox / f"f{number:02d}.xlsx")
    real = submission.read_workbook

    def dying(path: Path, display: str):  # type: ignore[no-untyped-def]
        if path.name in ("f07.xlsx", "f31.xlsx"):
            faulthandler.disable()  # no stack dump from the dying worker on the test's output
            os.abort()
        return real(path, display)

    monkeypatch.setattr(submission, "read_workbook", dying)  # inherited by forked workers
    result = validate_paths([inbox], load_campaign(), load_specs())
    aborted = [s.id.name for s in result.submissions if not s.readable]
    assert aborted == ["f07.xlsx", "f31.xlsx"]
    assert [s.id.name for s in result.submissions] == [f"f{n:02d}.xlsx" for n in range(40)]
    assert all(s.rows_read == 1 for s in result.submissions if s.readable)
