"""merge: whose file, which submission counts, row accounting, outputs, atomicity, locking."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from filelock import FileLock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from dhtt_batch.campaign import Campaign
from dhtt_batch.cli import cli
from dhtt_batch.formats.consolidated import HEADER_ROW as CONSOLIDATED_HEADER_ROW
from dhtt_batch.formats.consolidated import read_consolidated
from dhtt_batch.formats.template_layout import FIRST_DATA_ROW, META_SHEET
from dhtt_batch.merge import merge_inbox
from dhtt_batch.outputs.merge_outputs import LOCK_NAME
from dhtt_batch.spec import Role, SpecSet

from .conftest import TODAY, VALID_INFO, valid_row

Make = Callable[..., Path]
NOW = datetime(2026, 1, 5, 9, 0)


def info_for(campaign: Campaign, code: str, **changes: object) -> dict[str, object]:
    unit = campaign.unit(code)
    assert unit is not None
    return {**VALID_INFO, "don_vi": unit.name, **changes}


def sidecar(path: Path, sender: str, received: str) -> None:
    path.with_name(path.name + ".meta.json").write_text(
        json.dumps({"sender": sender, "received": received}), encoding="utf-8"
    )


def run_merge_cli(runner: CliRunner, inbox: Path, out: Path, *extra: str) -> dict:
    result = runner.invoke(
        cli, ["merge", str(inbox), "-o", str(out), "--json", *extra], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_name(manifest: dict) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in manifest["files"]}


def test_newest_submission_wins_and_older_rows_are_superseded(
    make_workbook: Make, campaign: Campaign, runner: CliRunner, tmp_path: Path
) -> None:
    first = make_workbook(
        name="inbox/kt-1.xlsx",
        unit="KT",
        info=info_for(campaign, "KT"),
        rows={"a_HCM": [valid_row(), valid_row(ho_ten="Lê C")]},
    )
    second = make_workbook(name="inbox/kt-2.xlsx", unit="KT", info=info_for(campaign, "KT"))
    sidecar(first, "kinhte.vpubnd@quangbinh.gov.vn", "2025-12-19T10:00:00+07:00")
    sidecar(second, "kinhte.vpubnd@quangbinh.gov.vn", "2025-12-19T15:00:00+07:00")
    manifest = run_merge_cli(runner, tmp_path / "inbox", tmp_path / "out")
    files = by_name(manifest)
    assert (files["kt-1.xlsx"]["status"], files["kt-1.xlsx"]["rows_superseded"]) == (
        "superseded",
        2,
    )
    assert [f["code"] for f in files["kt-1.xlsx"]["findings"]] == ["superseded"]
    assert (files["kt-2.xlsx"]["status"], files["kt-2.xlsx"]["rows_accepted"]) == ("accepted", 1)
    unit = next(u for u in manifest["units"] if u["code"] == "KT")
    assert unit["status"] == "valid" and unit["counted"].endswith("kt-2.xlsx")


def test_late_file_is_accepted_and_marked(
    make_workbook: Make, campaign: Campaign, runner: CliRunner, tmp_path: Path
) -> None:
    path = make_workbook(name="inbox/nc.xlsx", unit="NC", info=info_for(campaign, "NC"))
    sidecar(path, "noichinh.vpubnd@quangbinh.gov.vn", "2025-12-20T17:30:00+07:00")
    manifest = run_merge_cli(runner, tmp_path / "inbox", tmp_path / "out")
    f = by_name(manifest)["nc.xlsx"]
    assert (f["status"], f["late"], f["rows_accepted"]) == ("accepted", True, 1)
    assert [x["code"] for x in f["findings"]] == ["late"]
    assert next(u for u in manifest["units"] if u["code"] == "NC")["status"] == "late"


def test_roster_units_without_files_are_missing(
    make_workbook: Make, campaign: Campaign, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(name="inbox/th.xlsx")
    manifest = run_merge_cli(runner, tmp_path / "inbox", tmp_path / "out")
    statuses = {u["code"]: u["status"] for u in manifest["units"]}
    assert statuses.pop("TH") == "valid"
    assert set(statuses.values()) == {"missing"}
    assert len(manifest["units"]) == len(campaign.units)


def test_unit_told_by_sender_then_by_file_name(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    no_unit = {**VALID_INFO, "don_vi": None}
    by_sender = make_workbook(name="inbox/dang-ky.xlsx", info=no_unit)
    sidecar(by_sender, "Phòng KT <KINHTE.vpubnd@quangbinh.gov.vn>", "2025-12-10T08:00:00")
    make_workbook(name="inbox/bieu-mau-QTTV.xlsx", info=no_unit)
    make_workbook(name="inbox/khong-ro.xlsx", info=no_unit)
    files = by_name(run_merge_cli(runner, tmp_path / "inbox", tmp_path / "out"))
    assert files["dang-ky.xlsx"]["unit"] == "KT" and files["dang-ky.xlsx"]["unit_from"] == "sender"
    assert files["bieu-mau-QTTV.xlsx"]["unit"] == "QTTV"
    unknown = files["khong-ro.xlsx"]
    assert (unknown["unit"], unknown["status"], unknown["rows_rejected"]) == (None, "rejected", 1)
    assert "unit_unknown" in [f["code"] for f in unknown["findings"]]


def test_unit_outside_the_roster_is_rejected(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(name="inbox/x.xlsx", info={**VALID_INFO, "don_vi": "Sở Ngoại vụ"})
    f = by_name(run_merge_cli(runner, tmp_path / "inbox", tmp_path / "out"))["x.xlsx"]
    assert f["status"] == "rejected"
    assert [x["code"] for x in f["findings"]] == ["unit_not_in_roster", "unknown_unit"]
    assert "'Sở Ngoại vụ' không có trong danh sách đơn vị báo cáo" in f["findings"][0]["message"]


def test_default_keeps_valid_rows_and_strict_rejects_the_file(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(
        name="inbox/th.xlsx",
        rows={"a_HCM": [valid_row(), valid_row(ho_ten="Lê C", gioi_tinh=None)]},
    )
    lenient = by_name(run_merge_cli(runner, tmp_path / "inbox", tmp_path / "a"))["th.xlsx"]
    assert (lenient["status"], lenient["rows_accepted"], lenient["rows_rejected"]) == (
        "partially_accepted",
        1,
        1,
    )
    strict = by_name(run_merge_cli(runner, tmp_path / "inbox", tmp_path / "b", "--strict"))[
        "th.xlsx"
    ]
    assert (strict["status"], strict["rows_accepted"], strict["rows_rejected"]) == (
        "rejected",
        0,
        2,
    )


def test_likely_duplicates_across_units(
    make_workbook: Make, campaign: Campaign, runner: CliRunner, tmp_path: Path
) -> None:
    # The same person as the default row, typed in lower case with a double space.
    spaced_lower = str(valid_row()["ho_ten"]).lower().replace(" ", "  ", 1)
    make_workbook(name="inbox/a.xlsx", unit="HCTC", info=info_for(campaign, "HCTC"))
    make_workbook(
        name="inbox/b.xlsx",
        unit="KT",
        info=info_for(campaign, "KT"),
        rows={"a_HCM": [valid_row(ho_ten=spaced_lower)]},
    )
    manifest = run_merge_cli(runner, tmp_path / "inbox", tmp_path / "out")
    assert [
        (d["name"], d["first"]["unit"], d["second"]["unit"]) for d in manifest["duplicates"]
    ] == [(" ".join(spaced_lower.split()), "HCTC", "KT")]
    wb = openpyxl.load_workbook(tmp_path / "out" / "tong-hop-2025.xlsx")
    row = [c.value for c in wb["Trùng lặp"][CONSOLIDATED_HEADER_ROW + 1]]
    assert row[:4] == [1, "a_HCM", " ".join(spaced_lower.split()), valid_row()["nam_sinh"]]


def test_consolidated_workbook_reads_back_consistent(
    make_workbook: Make, campaign: Campaign, specs: SpecSet, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(
        name="inbox/a.xlsx",
        unit="KT",
        info=info_for(campaign, "KT", nguoi_lap="Phan Thị Thu", dien_thoai="0912 345 678"),
        rows={
            "a_HCM": [
                valid_row(ho_ten="Trần Văn Bình"),
                valid_row(ho_ten="Lê Văn An"),
                valid_row(
                    ho_ten="Phòng Kinh tế", doi_tuong="Tập thể", gioi_tinh=None, nam_sinh=None
                ),
            ],
            "c_CDS": [valid_row("c_CDS")],
        },
    )
    make_workbook(
        name="inbox/b.xlsx",
        unit="HCTC",
        info=info_for(campaign, "HCTC"),
        rows={"a_HCM": [valid_row(ho_ten="Đỗ Thị Ánh")]},
    )
    manifest = run_merge_cli(runner, tmp_path / "inbox", tmp_path / "out")
    wb = openpyxl.load_workbook(tmp_path / "out" / "tong-hop-2025.xlsx")
    assert wb.sheetnames == [
        "Tổng hợp",
        "a_HCM",
        "b_CCHC",
        "c_CDS",
        "Tình hình nộp",
        "Lỗi",
        "Trùng lặp",
        META_SHEET,
    ]
    a = wb["a_HCM"]
    top = CONSOLIDATED_HEADER_ROW
    names = [a.cell(row=r, column=3).value for r in range(top + 1, a.max_row + 1)]
    # roster order (HCTC before KT), tập thể first, then by given name
    assert names == ["Đỗ Thị Ánh", "Phòng Kinh tế", "Lê Văn An", "Trần Văn Bình"]
    assert [c.value for c in a[top]][-4:] == ["Mã đơn vị", "Đơn vị", "Tệp nguồn", "Dòng nguồn"]
    assert [c.value for c in a[top + 1]][-4:] == [
        "HCTC",
        "Phòng Hành chính - Tổ chức",
        "b.xlsx",
        FIRST_DATA_ROW,
    ]
    assert a.freeze_panes == f"A{top + 1}" and a.auto_filter.ref
    summary = wb["Tổng hợp"]
    total_row = next(r for r in summary.iter_rows(min_row=top + 1) if r[1].value == "Tổng cộng")
    totals = [c.value for c in total_row[3:]]
    assert totals == [1, 3, 0, 0, 0, 1, 5]
    assert totals[-1] == manifest["totals"]["rows_accepted"]
    assert totals[-1] == sum(wb[s].max_row - top for s in ("a_HCM", "b_CCHC", "c_CDS"))
    assert len(summary._charts) == 1
    status_sheet = wb["Tình hình nộp"]
    status = {r[1].value: r[3].value for r in status_sheet.iter_rows(min_row=top + 1)}
    assert status["KT"] == "Hợp lệ" and status["THCB"] == "Chưa nộp"
    # Whom to call about each unit's file: its information sheet, beside its status.
    headers = [c.value for c in status_sheet[top]]
    assert headers[4:6] == ["Người lập biểu", "Điện thoại"]
    contacts = {
        r[1].value: (r[4].value, r[5].value) for r in status_sheet.iter_rows(min_row=top + 1)
    }
    assert contacts["KT"] == ("Phan Thị Thu", "0912 345 678")
    assert contacts["HCTC"] == (VALID_INFO["nguoi_lap"], VALID_INFO["dien_thoai"])
    assert contacts["THCB"] == (None, None)
    read_back = {
        u.code: u.contact
        for u in read_consolidated(tmp_path / "out" / "tong-hop-2025.xlsx", specs).units
    }
    assert read_back["KT"] == {
        Role.CONTACT_NAME: "Phan Thị Thu",
        Role.CONTACT_PHONE: "0912 345 678",
    }
    assert read_back["THCB"] == {}
    meta = {r[0].value: r[1].value for r in wb[META_SHEET].iter_rows() if r[0].value != "input"}
    assert meta["period_id"] == "2025" and meta["campaign_id"] == campaign.id
    inputs = [r for r in wb[META_SHEET].iter_rows(values_only=True) if r[0] == "input"]
    assert sorted(Path(r[1]).name for r in inputs) == ["a.xlsx", "b.xlsx"]
    assert all(len(r[2]) == 64 for r in inputs)


def test_merging_twice_gives_identical_criterion_sheets(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(
        name="inbox/a.xlsx",
        rows={"a_HCM": [valid_row(ho_ten=n) for n in ("Vũ An", "Lê Bình", "Hà Ánh")]},
    )
    run_merge_cli(runner, tmp_path / "inbox", tmp_path / "one")
    run_merge_cli(runner, tmp_path / "inbox", tmp_path / "two")
    one = openpyxl.load_workbook(tmp_path / "one" / "tong-hop-2025.xlsx")
    two = openpyxl.load_workbook(tmp_path / "two" / "tong-hop-2025.xlsx")
    for sheet in ("a_HCM", "b_CCHC", "c_CDS", "Tình hình nộp", "Lỗi"):
        assert list(one[sheet].values) == list(two[sheet].values)


def test_formula_looking_input_is_text_in_every_output(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    hostile = '=HYPERLINK("http://evil.example","bấm")'

    def as_text(wb: Workbook) -> None:
        for column, value in ((18, hostile), (3, "@SUM(A1)"), (5, "+1985")):
            cell = wb["a_HCM"].cell(row=FIRST_DATA_ROW, column=column)
            cell.value, cell.data_type = value, "s"

    # One mistake (no giới tính) so that a feedback copy is written too.
    make_workbook(
        name="inbox/th.xlsx",
        edit=as_text,
        rows={"a_HCM": [valid_row(), valid_row(ho_ten="Lê C", gioi_tinh=None)]},
    )
    manifest = run_merge_cli(runner, tmp_path / "inbox", tmp_path / "out")
    wb = openpyxl.load_workbook(tmp_path / "out" / "tong-hop-2025.xlsx")
    cell = wb["a_HCM"].cell(row=CONSOLIDATED_HEADER_ROW + 1, column=18)
    assert (cell.value, cell.data_type) == (hostile, "s")
    name = wb["a_HCM"].cell(row=CONSOLIDATED_HEADER_ROW + 1, column=3)
    assert (name.value, name.data_type) == ("@SUM(A1)", "s")
    for row in wb["Lỗi"].iter_rows():
        for c in row:
            assert c.data_type != "f"
    feedback = openpyxl.load_workbook(tmp_path / "out" / "feedback" / "th-phan-hoi.xlsx")
    for ws in feedback.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert not (c.data_type == "f" and "HYPERLINK" in str(c.value))
    assert by_name(manifest)["th.xlsx"]["rows_rejected"] == 1
    source = feedback["a_HCM"].cell(row=FIRST_DATA_ROW, column=18)
    assert (source.value, source.data_type) == (hostile, "s")


def test_second_merge_into_a_locked_outdir_exits_3(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(name="inbox/a.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    with FileLock(str(out / LOCK_NAME)):
        result = runner.invoke(cli, ["merge", str(tmp_path / "inbox"), "-o", str(out)])
    assert result.exit_code == 3
    assert (
        f"Lỗi: Một lần tổng hợp khác đang ghi vào {out}; hãy chờ xong rồi chạy lại."
        in result.output
    )


def test_merge_killed_while_writing_leaves_previous_outputs(
    make_workbook: Make, campaign: Campaign, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(name="inbox/a.xlsx")
    out = tmp_path / "out"
    run_merge_cli(runner, tmp_path / "inbox", out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    make_workbook(
        name="inbox/b.xlsx",
        unit="KT",
        info=info_for(campaign, "KT"),
        rows={"a_HCM": [valid_row(ho_ten="Lê Văn Mới")]},
    )
    # Die half-way through saving the consolidated workbook, as a power cut or kill -9 would.
    script = (
        "import os, signal, sys\n"
        "from dhtt_batch.xlsx.stream import Workbook\n"
        "def dying_save(self, target):\n"
        "    handle = target if hasattr(target, 'write') else open(target, 'wb')\n"
        "    handle.write(b'PK\\x03\\x04 half a workbook'); handle.flush()\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "Workbook.save = dying_save\n"
        "from dhtt_batch.cli import main\n"
        "sys.argv = ['dhtt-batch', 'merge', sys.argv[1], '-o', sys.argv[2]]\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "inbox"), str(out)],
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL
    after = {
        p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.endswith(".tmp")
    }
    assert after == before
    manifest = run_merge_cli(runner, tmp_path / "inbox", out)
    assert manifest["totals"]["rows_accepted"] == 2
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


KINDS = ["valid", "invalid", "resubmitted", "unreadable", "foreign", "unknown"]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kinds=st.lists(
        st.tuples(st.sampled_from(KINDS), st.sampled_from(["HCTC", "TH", "NC"]), st.integers(0, 3)),
        min_size=1,
        max_size=5,
    )
)
def test_accounting_identity_over_random_inboxes(
    make_workbook: Make,
    campaign: Campaign,
    specs: SpecSet,
    tmp_path_factory: pytest.TempPathFactory,
    kinds: list,
) -> None:
    inbox = tmp_path_factory.mktemp("inbox")
    for number, (kind, code, rows) in enumerate(kinds):
        name = f"{inbox.name}/f{number}.xlsx"
        records = [valid_row(ho_ten=f"Người Số {number} {i}") for i in range(rows)]
        if kind == "unreadable":
            (inbox / f"f{number}.xlsx").write_bytes(b"\0" * number)
            continue
        if kind == "foreign":
            Workbook().save(inbox / f"f{number}.xlsx")
            continue
        if kind == "invalid":
            records.append(valid_row(ho_ten="Sai", gioi_tinh="?"))
        info = {**VALID_INFO, "don_vi": None} if kind == "unknown" else info_for(campaign, code)
        path = make_workbook(
            name=name, unit=None if kind == "unknown" else code, info=info, rows={"b_CCHC": records}
        )
        path.rename(inbox / path.name)
        if kind == "resubmitted":
            sidecar(inbox / path.name, "x@y.vn", f"2025-12-0{number + 1}T08:00:00")
    result = merge_inbox(
        inbox, campaign, specs, today=TODAY, now=NOW.replace(tzinfo=campaign.period.tz)
    )
    totals = result.totals()
    assert (
        totals["rows_read"]
        == totals["rows_accepted"] + totals["rows_rejected"] + totals["rows_superseded"]
    )
    for outcome in result.files:
        assert (
            outcome.rows_read
            == outcome.rows_accepted + outcome.rows_rejected + outcome.rows_superseded
        )
        assert outcome.status in {
            "accepted",
            "partially_accepted",
            "rejected",
            "superseded",
            "unreadable",
        }
    assert sum(len(f) for f in result.rows.values()) == totals["rows_accepted"]
    assert {u.status for u in result.units} <= {"valid", "needs_fixes", "missing", "late"}


def test_outputs_inside_the_inbox_are_not_read_back(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(name="inbox/th.xlsx", rows={"a_HCM": [valid_row(gioi_tinh=None)]})
    out = tmp_path / "inbox" / "ket-qua"
    first = run_merge_cli(runner, tmp_path / "inbox", out)
    second = run_merge_cli(runner, tmp_path / "inbox", out)
    assert (out / "feedback" / "th-phan-hoi.xlsx").exists()
    assert [Path(f["path"]).name for f in second["files"]] == ["th.xlsx"]
    assert second["totals"] == first["totals"]


def test_the_summary_names_files_that_count_for_no_unit(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    """An attachment that is no spreadsheet is named, with its reason, and gets no feedback
    copy (there is nothing of the unit's to mark)."""
    make_workbook(name="inbox/th.xlsx")
    (tmp_path / "inbox" / "cong-van.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    result = runner.invoke(
        cli, ["merge", str(tmp_path / "inbox"), "-o", str(tmp_path / "out")], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert (
        "  Tệp không đọc được: cong-van.pdf — Tệp không phải bảng tính Excel hoặc LibreOffice "
        "(nội dung là tệp PDF). Hãy gửi biểu mẫu .xlsx đã điền.\n" in result.stderr
    )
    assert "Tệp phản hồi gửi đơn vị" not in result.stderr
    assert not (tmp_path / "out" / "feedback").exists() or not any(
        (tmp_path / "out" / "feedback").iterdir()
    )
