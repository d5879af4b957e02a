"""Names the project did not choose: legacy bytes, control characters, very long Vietnamese
names, the same name in two sub-folders. None stops a merge; every derived name is safe,
bounded and unique; every name printed is escaped; one identity keys each file."""

from __future__ import annotations

import email
import email.policy
import json
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from dhtt_batch.campaign import Campaign
from dhtt_batch.cli import cli
from dhtt_batch.naming import MAX_NAME_BYTES, NameAllocator, fits, readable, safe_filename, shown

from .conftest import VALID_INFO, valid_row

Make = Callable[..., Path]


def info_for(campaign: Campaign, code: str) -> dict[str, object]:
    unit = campaign.unit(code)
    assert unit is not None
    return {**VALID_INFO, "don_vi": unit.name}


def merge(runner: CliRunner, inbox: Path, out: Path, *extra: str) -> tuple[dict, str]:
    result = runner.invoke(cli, ["merge", str(inbox), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return manifest, result.output


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("a\nb\x1b[31m.xlsx", "a_b_[31m.xlsx"),
        ("CON.xlsx", "tep-CON.xlsx"),
        ("lpt1", "tep-lpt1"),
        (".an.xlsx", "an.xlsx"),
        ("x\u202egpj.xlsx", "x_gpj.xlsx"),
        ("..", "tep"),
    ],
)
def test_safe_filename(raw: str, safe: str) -> None:
    assert safe_filename(raw) == safe


def test_long_names_are_cut_on_a_character_boundary_keeping_the_suffix() -> None:
    name = "Danh sách đăng ký điển hình tiên tiến của Phòng Khoa giáo - Văn xã " * 5 + ".xlsx"
    safe = safe_filename(name)
    assert len(safe.encode("utf-8")) <= MAX_NAME_BYTES and safe.endswith(".xlsx")
    assert safe.removesuffix(".xlsx") in name  # a prefix, no broken character


def test_allocator_is_unique_case_and_normalisation_insensitive() -> None:
    names = NameAllocator()
    got = [names.allocate(n) for n in ["Hòa.xlsx", "HÒA.xlsx", "Ho\u0300a.xlsx", "hòa (2).xlsx"]]
    assert [unicodedata.normalize("NFC", n) for n in got] == [
        "Hòa.xlsx",
        "HÒA (2).xlsx",
        "Hòa (3).xlsx",
        "hòa (2) (2).xlsx",
    ]


def test_legacy_bytes_decoded_and_terminal_text_escaped() -> None:
    assert readable(os.fsdecode(b"Nguy\xean.xlsx")) == "Nguyên.xlsx"  # CP1258 ê
    assert shown("[bold]x\x1b[2J") == "\\[bold]x\ufffd[2J"


def test_legacy_bytes_control_characters_and_long_names_do_not_stop_the_merge(
    make_workbook: Make, campaign: Campaign, runner: CliRunner, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()

    def workbook(code: str) -> bytes:
        rows = {"a_HCM": [valid_row(gioi_tinh=None)]}
        return make_workbook(
            name=f"src/{code}.xlsx", unit=code, info=info_for(campaign, code), rows=rows
        ).read_bytes()

    # CP1258 (base letters + combining tone marks), as old Windows zip tools write names.
    cp1258 = unicodedata.normalize("NFD", "Phòng Tài chính.xlsx").encode("cp1258")
    with open(os.path.join(os.fsencode(inbox), cp1258), "wb") as handle:
        handle.write(workbook("TH"))
    (inbox / "bao\ncao\x1b[31m [red]x.xlsx").write_bytes(workbook("KT"))
    long_name = fits("Danh sách điển hình tiên tiến Phòng Khoa giáo Văn xã " * 9, 250) + ".xlsx"
    assert 236 <= len(long_name.encode("utf-8")) <= 255
    (inbox / long_name).write_bytes(workbook("KGVX"))
    manifest, output = merge(runner, inbox, tmp_path / "out", "--reply-drafts")
    assert "\x1b" not in output
    paths = [f["path"] for f in manifest["files"]]
    assert len(paths) == 3 and all("\ufffd" not in p or "bao" in p for p in paths)
    assert any(p.endswith("/Phòng Tài chính.xlsx") for p in paths)
    feedback = list((tmp_path / "out" / "feedback").iterdir())
    assert len(feedback) == 3
    for copy in feedback:
        assert len(copy.name.encode("utf-8")) <= MAX_NAME_BYTES
        assert copy.name.endswith("-phan-hoi.xlsx") and "\n" not in copy.name
    workbook = openpyxl.load_workbook(tmp_path / "out" / "tong-hop-2025.xlsx", read_only=True)
    errors = [row[1] for row in workbook["Lỗi"].iter_rows(min_row=3, values_only=True)]
    assert "Phòng Tài chính.xlsx" in errors
    assert any(name and name.startswith("bao\ufffdcao\ufffd[31m") for name in errors)
    for draft in (tmp_path / "out" / "thu-tra-loi").iterdir():
        message = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
        assert "\x1b" not in message.get_body(("plain",)).get_content()


def test_same_name_in_two_sub_folders_keeps_two_identities(
    make_workbook: Make, campaign: Campaign, runner: CliRunner, tmp_path: Path
) -> None:
    person, wrong = valid_row(ho_ten="Nguyễn Thị Trùng"), valid_row(ho_ten="Sai", gioi_tinh=None)
    make_workbook(
        name="inbox/TH/danh-sach.xlsx",
        unit="TH",
        info=info_for(campaign, "TH"),
        rows={"a_HCM": [person, wrong]},
    )
    make_workbook(
        name="inbox/KT/danh-sach.xlsx",
        unit="KT",
        info=info_for(campaign, "KT"),
        rows={"a_HCM": [person, wrong]},
    )
    manifest, _ = merge(runner, tmp_path / "inbox", tmp_path / "out")
    copies = sorted(p.name for p in (tmp_path / "out" / "feedback").iterdir())
    assert copies == ["KT-danh-sach-phan-hoi.xlsx", "TH-danh-sach-phan-hoi.xlsx"]
    for code in ("KT", "TH"):
        wb = openpyxl.load_workbook(
            tmp_path / "out" / "feedback" / f"{code}-danh-sach-phan-hoi.xlsx"
        )
        unit = campaign.unit(code)
        assert unit is not None
        assert wb["Thông tin đơn vị"]["B3"].value == unit.name
    files = {f["path"].split("/inbox/", 1)[1]: f for f in manifest["files"]}
    assert sorted(files) == ["KT/danh-sach.xlsx", "TH/danh-sach.xlsx"]
    duplicates = [
        (path, f["unit"], x["message"])
        for path, f in files.items()
        for x in f["findings"]
        if x["code"] == "likely_duplicate"
    ]
    # Units are ordered by the roster (TH before KT), so the warning goes to KT's file and
    # names TH's file by its path below the inbox.
    assert len(duplicates) == 1
    path, unit, message = duplicates[0]
    assert (path, unit) == ("KT/danh-sach.xlsx", "KT")
    assert "tệp TH/danh-sach.xlsx" in message
    [dup] = manifest["duplicates"]
    assert dup["first"]["file"].endswith("/inbox/TH/danh-sach.xlsx")
    assert dup["second"]["file"].endswith("/inbox/KT/danh-sach.xlsx")


def test_same_derived_names_are_disambiguated(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    for folder in ("a", "b"):
        make_workbook(name=f"inbox/{folder}/ds.xlsx", rows={"a_HCM": [valid_row(gioi_tinh=None)]})
    result = runner.invoke(
        cli, ["validate", str(tmp_path / "inbox"), "--feedback", str(tmp_path / "fb")]
    )
    assert result.exit_code == 1, result.output
    copies = sorted(p.name for p in (tmp_path / "fb").iterdir())
    assert copies == ["ds-phan-hoi (2).xlsx", "ds-phan-hoi.xlsx"]
