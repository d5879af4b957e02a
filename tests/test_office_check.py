"""Every kind of Office file dhtt-batch writes passes the shared Office check (ISO/IEC 29500
schemas + the cross-part rules Excel enforces on load), so Excel and Word open it without a
repair prompt, and Word on the web opens the report at all."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from dhtt_batch.campaign import Campaign
from dhtt_batch.cli import cli
from dhtt_batch.spec import SpecSet
from dhtt_batch.template import build_template
from dhtt_batch.testing import fill_template

from .conftest import OOXML_CHECK, VALID_INFO, lo_convert, soffice, valid_row

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
BAD_ROWS = {"a_HCM": [valid_row(), valid_row(ho_ten="Lê Văn Cường", gioi_tinh=None)]}


def excel_shaped(source: Path, target: Path) -> Path:
    """The package as Excel 2016+ writes it: markup-compatibility namespaces, row spans and
    x14ac:dyDescent, revision uids, and a worksheet extension list after everything else."""
    extra_ns = (
        ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
        ' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"'
        ' xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision"'
        ' mc:Ignorable="x14ac xr"'
    )
    ext = (
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        "<x14:dataValidations/></ext></extLst>"
    )

    def edit(name: str, xml: str) -> str:
        if not name.startswith("xl/worksheets/sheet"):
            return xml
        xml = re.sub(
            r"<worksheet ([^>]*)>",
            lambda m: (
                f'<worksheet {m[1]}{extra_ns} xr:uid="{{00000000-0001-0000-0000-000000000000}}">'
            ),
            xml,
            count=1,
        )
        xml = re.sub(r"<row (r=\"\d+\")", r'<row \1 spans="1:22" x14ac:dyDescent="0.25"', xml)
        return xml.replace("</worksheet>", f"{ext}</worksheet>")

    return _rewrite(source, target, edit)


def prefixed_namespace(source: Path, target: Path) -> Path:
    """The package as the Open XML SDK writes it: the main namespace under the prefix x:."""

    def edit(name: str, xml: str) -> str:
        if f'xmlns="{MAIN_NS}"' not in xml:
            return xml
        xml = xml.replace(f'xmlns="{MAIN_NS}"', f'xmlns:x="{MAIN_NS}"', 1)
        return re.sub(r"<(/?)([A-Za-z][\w.-]*)(?=[\s/>])", r"<\1x:\2", xml)

    return _rewrite(source, target, edit)


def _rewrite(source: Path, target: Path, edit: Callable[[str, str], str]) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith(".xml"):
                data = edit(info.filename, data.decode("utf-8")).encode("utf-8")
            zout.writestr(info.filename, data)
    return target


def _with_clerks_sheet(wb: Workbook) -> None:
    """A unit that keeps its own list of fixes on a sheet named like ours, in capitals."""
    wb.create_sheet("LỖI CẦN SỬA")["A1"] = "Ghi chú của đơn vị"


def _filled(
    campaign: Campaign, specs: SpecSet, target: Path, edit: Callable[[Workbook], None] | None = None
) -> Path:
    """A template filled by openpyxl, one row with an error (a cá nhân without giới tính)."""
    wb = fill_template(build_template(campaign, specs), specs, VALID_INFO, BAD_ROWS)
    if edit:
        edit(wb)
    wb.save(target)
    return target


@pytest.fixture(scope="module")
def office_files(
    tmp_path_factory: pytest.TempPathFactory,
    merged_samples: Path,
    campaign: Campaign,
    specs: SpecSet,
) -> dict[str, list[Path]]:
    """Every kind of Office file the project writes, by kind."""
    runner = CliRunner()
    root = tmp_path_factory.mktemp("office")
    templates = root / "templates"
    for args in (
        ["-o", str(templates / "chung.xlsx")],
        ["--unit", "TH", "-o", str(templates / "TH.xlsx")],
    ):
        assert runner.invoke(cli, ["template", *args], catch_exceptions=False).exit_code == 0
    assert runner.invoke(cli, ["init", str(root / "work")], catch_exceptions=False).exit_code == 0

    inbox = root / "inbox"
    inbox.mkdir()
    plain = _filled(campaign, specs, inbox / "openpyxl.xlsx")
    excel_shaped(plain, inbox / "excel.xlsx")
    prefixed_namespace(plain, inbox / "sdk.xlsx")
    _filled(campaign, specs, inbox / "clerk.xlsx", _with_clerks_sheet)
    if soffice():
        saved = lo_convert(plain, "xlsx:Calc MS Excel 2007 XML", root / "lo")[0]
        shutil.copy(saved, inbox / "libreoffice.xlsx")
    feedback = root / "feedback"
    result = runner.invoke(cli, ["validate", str(inbox), "--feedback", str(feedback)])
    assert result.exit_code == 1, result.output
    # A clerk sends last round's feedback copy back unchanged.
    returned = root / "returned"
    returned.mkdir()
    shutil.copy(feedback / "openpyxl-phan-hoi.xlsx", returned / "lan2.xlsx")
    result = runner.invoke(cli, ["validate", str(returned), "--feedback", str(feedback)])
    assert result.exit_code == 1, result.output
    return {
        "template": [templates / "chung.xlsx"],
        "per-unit template": [templates / "TH.xlsx"],
        "consolidated workbook": [merged_samples / "tong-hop-2025.xlsx"],
        "feedback copies of the sample inbox": sorted((merged_samples / "feedback").glob("*.xlsx")),
        "feedback copy of an openpyxl-saved file": [feedback / "openpyxl-phan-hoi.xlsx"],
        "feedback copy of an Excel-shaped file": [feedback / "excel-phan-hoi.xlsx"],
        "feedback copy of an Open XML SDK file": [feedback / "sdk-phan-hoi.xlsx"],
        "feedback copy of a file with a sheet named like the fixes sheet": [
            feedback / "clerk-phan-hoi.xlsx"
        ],
        "feedback copy of a returned feedback copy": [feedback / "lan2-phan-hoi.xlsx"],
        "feedback copy of a LibreOffice-saved file": [feedback / "libreoffice-phan-hoi.xlsx"],
        "report .docx": [merged_samples / "bao-cao-2025.docx"],
        "mau-bao-cao.docx of dhtt-batch init": [root / "work" / "mau-bao-cao.docx"],
    }


@pytest.fixture(scope="module")
def verdicts(office_files: dict[str, list[Path]]) -> dict[Path, list[str]]:
    """The checker's lines about each file (one run over all files: it starts in ~0.7 s)."""
    assert OOXML_CHECK.is_file(), f"the shared Office checker is missing: {OOXML_CHECK}"
    files = [p for paths in office_files.values() for p in paths if p.exists()]
    run = subprocess.run(
        [str(OOXML_CHECK), *map(str, files)], capture_output=True, text=True, timeout=300
    )
    lines: dict[Path, list[str]] = {p: [] for p in files}
    current: Path | None = None
    for line in run.stdout.splitlines():
        header = re.match(r"== (.*): (PASS|FAIL) \(", line)
        if header:
            current = Path(header[1])
        if current is not None:
            lines[current].append(line)
    assert run.returncode == 0 or any(
        "FAIL" in line for found in lines.values() for line in found
    ), run.stdout + run.stderr
    return lines


KINDS = [
    "template",
    "per-unit template",
    "consolidated workbook",
    "feedback copies of the sample inbox",
    "feedback copy of an openpyxl-saved file",
    "feedback copy of an Excel-shaped file",
    "feedback copy of an Open XML SDK file",
    "feedback copy of a file with a sheet named like the fixes sheet",
    "feedback copy of a returned feedback copy",
    pytest.param(
        "feedback copy of a LibreOffice-saved file",
        marks=pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed"),
    ),
    "report .docx",
    "mau-bao-cao.docx of dhtt-batch init",
]


@pytest.mark.parametrize("kind", KINDS)
def test_office_check_passes_without_errors_or_warnings(
    kind: str, office_files: dict[str, list[Path]], verdicts: dict[Path, list[str]]
) -> None:
    paths = office_files[kind]
    assert paths
    for path in paths:
        assert path.is_file(), f"{kind}: {path.name} was not written"
        report = verdicts[path]
        # Two verdicts per file: the schema check and the structural check.
        assert [
            line.split(": ", 1)[1].split(" (")[0] for line in report if line.startswith("==")
        ] == [
            "PASS",
            "PASS",
        ], "\n".join(report)
        problems = [line for line in report if not line.startswith("==")]
        assert problems == [], "\n".join(report)
