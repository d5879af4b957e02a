"""Generated inboxes and mailboxes thrown at `collect` and `merge` through the CLI.

Whatever the names, sidecars, workbooks and mail: the exit code is 0, 2 or 3, there is no
traceback, every input file is in the manifest once under its own identity, every row is
accounted for, and OUTDIR holds exactly the set the manifest describes. Bounded: a fixed
number of examples, derandomised so CI runs the same ones (a minute or so in all).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import unicodedata
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dhtt_batch.cli import cli
from dhtt_batch.naming import MAX_NAME_BYTES

from .conftest import VALID_INFO, assert_consistent_set, valid_row

Make = Callable[..., Path]
FUZZ = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NAMES = st.sampled_from(
    [
        "th.xlsx",
        "Phòng Kinh tế.xlsx",
        "a\nb\x1b[31m [bold].xlsx",
        "~$khoa.xlsx",
        "x.ods",
        "bao-cao.xls",
        "không-đuôi",
        ("Danh sách điển hình tiên tiến Phòng Khoa giáo Văn xã " * 5)[:150] + ".xlsx",
        "LEGACY",  # bytes in CP1258
        "dup/ds.xlsx",
        "DUP/ds.xlsx",
        "sâu/thư mục/ds.xlsx",
    ]
)
CONTENTS = st.sampled_from(
    ["valid", "errors", "random_cells", "truncated", "empty", "foreign", "other_unit", "huge_ods"]
)
SIDECARS = st.sampled_from(["none", "valid", "late", "invalid_json", "wrong_types", "huge", "fifo"])
ENTRIES = st.lists(st.tuples(NAMES, CONTENTS, SIDECARS), min_size=1, max_size=5)
CELL_VALUES = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.integers(-(10**9), 10**9),
    st.sampled_from(["=1+1", "#N/A", "Tập thể", "05/01/2025", "\t=cmd"]),
)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The workbook contents examples draw from, built once."""
    from dhtt_batch.campaign import load_campaign
    from dhtt_batch.spec_loader import load_specs
    from dhtt_batch.template import build_template
    from dhtt_batch.testing import fill_template

    campaign, specs = load_campaign(), load_specs()
    folder = tmp_path_factory.mktemp("fuzz-workbooks")

    def build(code: str, rows: list[dict[str, object]]) -> bytes:
        unit = campaign.unit(code)
        assert unit is not None
        wb = build_template(campaign, specs, unit)
        fill_template(wb, specs, {**VALID_INFO, "don_vi": unit.name}, {"a_HCM": rows})
        path = folder / f"{code}-{len(rows)}.xlsx"
        wb.save(path)
        return path.read_bytes()

    valid = build("TH", [valid_row()])
    from .test_limits import HOSTILE_ODS, ods

    return {
        "valid": valid,
        "errors": build("KT", [valid_row(gioi_tinh=None), valid_row(ho_ten="An", nam_sinh=1)]),
        "other_unit": build("NC", [valid_row(ho_ten="Trần Thị Nội")]),
        "truncated": valid[: len(valid) // 2],
        "empty": b"",
        "foreign": b"%PDF-1.7\n" + bytes(range(256)),
        "huge_ods": ods(HOSTILE_ODS),
    }


def random_cells(data: bytes, values: list[object]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for number, value in enumerate(values):
        wb["a_HCM"].cell(row=8 + number % 3, column=2 + number).value = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_entry(
    inbox: Path, name: str, content: bytes, sidecar: str, fifos: list[Path]
) -> Path | None:
    if name == "LEGACY":
        raw = unicodedata.normalize("NFD", "Phòng Tài chính.xlsx").encode("cp1258")
        path = Path(os.fsdecode(os.path.join(os.fsencode(inbox), raw)))
    else:
        path = inbox / name
    if os.path.lexists(path):
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    meta = path.with_name(path.name + ".meta.json")
    if sidecar == "valid":
        meta.write_text(json.dumps({"sender": "a@b.vn", "received": "2025-12-10T08:00:00+07:00"}))
    elif sidecar == "late":
        meta.write_text(json.dumps({"received": "2025-12-30T08:00:00+07:00"}))
    elif sidecar == "invalid_json":
        meta.write_text("{không")
    elif sidecar == "wrong_types":
        meta.write_text(json.dumps({"sender": 5, "received": ["x"], "recipients": "a"}))
    elif sidecar == "huge":
        meta.write_text(json.dumps({"pad": "x" * 300_000}))
    elif sidecar == "fifo":
        os.mkfifo(meta)
        fifos.append(meta)
    return path


def check_merge(runner: CliRunner, inbox: Path, out: Path, inputs: list[Path], *extra: str) -> None:
    result = runner.invoke(cli, ["merge", str(inbox), "-o", str(out), *extra])
    assert result.exit_code in (0, 2, 3), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    event(f"merge exit {result.exit_code}")
    if result.exit_code != 0:
        return
    manifest = assert_consistent_set(out)
    paths = [f["path"] for f in manifest["files"]]
    assert len(paths) == len(set(paths)) == len(inputs)  # one identity per input file
    totals = manifest["totals"]
    for entry in manifest["files"]:
        assert entry["rows_read"] == (
            entry["rows_accepted"] + entry["rows_rejected"] + entry["rows_superseded"]
        )
    assert totals["rows_read"] == sum(f["rows_read"] for f in manifest["files"])
    for duplicate in manifest["duplicates"]:
        assert {duplicate["first"]["file"], duplicate["second"]["file"]} <= set(paths)
    for output in manifest["outputs"]["files"]:
        assert len(Path(output["path"]).name.encode("utf-8")) <= MAX_NAME_BYTES


@FUZZ
@given(entries=ENTRIES, cells=st.lists(CELL_VALUES, max_size=4), drafts=st.booleans())
def test_merge_holds_its_invariants_on_generated_inboxes(
    workbooks: dict[str, bytes],
    runner: CliRunner,
    tmp_path_factory: pytest.TempPathFactory,
    entries: list[tuple[str, str, str]],
    cells: list[object],
    drafts: bool,
) -> None:
    root = tmp_path_factory.mktemp("fuzz-merge")
    inbox = root / "inbox"
    inbox.mkdir()
    fifos: list[Path] = []
    inputs = []
    for name, kind, sidecar in entries:
        if kind == "random_cells":
            content = random_cells(workbooks["valid"], cells)
        else:
            content = workbooks[kind]
        path = write_entry(inbox, name, content, sidecar, fifos)
        if path is not None:
            inputs.append(path)
    try:
        extra = ["--reply-drafts"] if drafts else []
        check_merge(runner, inbox, root / "out", inputs, *extra)
        check_merge(runner, inbox, root / "out", inputs)  # a rerun over the previous set
    finally:
        for fifo in fifos:
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def encoded(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


HEADERS = st.sampled_from(
    [
        "Phòng Kinh tế",
        encoded("Phòng\r\nBcc: x@y.vn"),
        encoded("A, B: <c@d.vn>"),
        "",
        "x" * 300,
    ]
)
ATTACHMENT_NAMES = st.sampled_from(
    ["bieu-mau.xlsx", "../../x.xlsx", "~$bieu-mau.xlsx", "CON.xlsx", "a\r\nb.xlsx", "ghi-chu.txt"]
)
DATES = st.sampled_from(
    ["Fri, 12 Dec 2025 09:30:00 +0700", "Fri, 12 Dec 2025 09:30:00 -0000", "hôm qua", ""]
)


@FUZZ
@given(
    mails=st.lists(
        st.tuples(
            HEADERS,
            HEADERS,
            DATES,
            st.lists(
                st.tuples(ATTACHMENT_NAMES, st.sampled_from(["valid", "errors", "foreign"])),
                max_size=3,
            ),
            st.booleans(),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_collect_then_merge_hold_their_invariants_on_generated_mail(
    workbooks: dict[str, bytes],
    runner: CliRunner,
    tmp_path_factory: pytest.TempPathFactory,
    mails: list[tuple[str, str, str, list[tuple[str, str]], bool]],
) -> None:
    root = tmp_path_factory.mktemp("fuzz-mail")
    source = root / "mails"
    source.mkdir()
    for number, (sender, subject, date, attachments, zipped) in enumerate(mails):
        msg = EmailMessage()
        msg["To"] = "hctc.vpubnd@quangbinh.gov.vn"
        msg["Message-ID"] = f"<m{number}@x>"
        msg.set_content("Kính gửi.")
        parts = [(name, workbooks[kind]) for name, kind in attachments]
        if zipped and parts:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                for name, data in parts:
                    archive.writestr(name.replace("\r\n", "_"), data)
            parts = [("goi.zip", buffer.getvalue())]
        for _, data in parts:
            msg.add_attachment(data, maintype="application", subtype="octet-stream", filename="F")
        raw = msg.as_bytes()
        for name, _ in parts:
            raw = raw.replace(b'filename="F"', b'filename="' + encoded(name).encode() + b'"', 1)
        head = f"From: {sender} <a{number}@b.vn>\nSubject: {subject}\n"
        head += f"Date: {date}\n" if date else ""
        (source / f"{number}.eml").write_bytes(head.encode().replace(b"\n", b"\r\n") + raw)
    inbox = root / "inbox"
    first = runner.invoke(cli, ["collect", str(source), "-o", str(inbox)])
    assert first.exit_code in (0, 2, 3) and "Traceback" not in first.output, first.output
    event(f"collect exit {first.exit_code}")
    if first.exit_code != 0:
        return
    saved = sorted(
        p for p in inbox.iterdir() if not p.name.startswith(".") and ".meta" not in p.name
    )
    for path in saved:
        sidecar = json.loads(path.with_name(path.name + ".meta.json").read_text(encoding="utf-8"))
        assert sidecar["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert "\n" not in sidecar["sender"] and "\n" not in sidecar["subject"]
        assert not path.name.startswith("~$")
    assert len({p.read_bytes() for p in saved}) == len(saved)  # identical content stored once
    again = runner.invoke(cli, ["collect", str(source), "-o", str(inbox)])
    assert again.exit_code == 0 and "lưu 0 tệp" in again.output
    event(f"{len(saved)} files collected")
    check_merge(runner, inbox, root / "out", saved)
