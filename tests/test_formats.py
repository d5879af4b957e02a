"""Each file format has one home that writes and reads it; what is written reads back."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from dhtt_batch.campaign import Campaign
from dhtt_batch.formats.consolidated import read_consolidated, write_consolidated
from dhtt_batch.formats.manifest import manifest
from dhtt_batch.formats.sidecar import (
    MAX_SIDECAR_BYTES,
    Sidecar,
    read_sidecar,
    sidecar_path,
    write_sidecar,
)
from dhtt_batch.merge import merge_inbox
from dhtt_batch.spec import SpecSet
from dhtt_batch.states import UNIT, UNIT_NAME, UnitStatus

from .conftest import SAMPLE_INBOX


def test_sidecar_round_trip_keeps_every_field_and_unknown_keys(tmp_path: Path) -> None:
    target = tmp_path / "tep.xlsx"
    written = Sidecar(
        sender="Phòng Tổng hợp <tonghop@example.gov.vn>",
        recipients=("hctc@example.gov.vn",),
        subject="Đăng ký điển hình",
        date="2025-12-10T09:00:00+07:00",
        received="2025-12-10T09:01:00+07:00",
        message_id="<a@b>",
        original_name="tep.xlsx",
        sha256="0" * 64,
        source="imaps://hctc@mail/INBOX",
        unit="TH",
        extra={"note": "sửa tay"},
    )
    assert write_sidecar(target, written) == sidecar_path(target)
    assert read_sidecar(target) == written


def test_a_hand_written_sidecar_with_the_old_from_key_still_reads(tmp_path: Path) -> None:
    target = tmp_path / "tep.xlsx"
    sidecar_path(target).write_text(json.dumps({"from": "a@b.vn", "received": 5}), "utf-8")
    assert read_sidecar(target) == Sidecar(sender="a@b.vn")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs exist on POSIX only")
def test_sidecars_that_are_not_small_regular_files_are_never_read(tmp_path: Path) -> None:
    fifo, big = tmp_path / "fifo.xlsx", tmp_path / "big.xlsx"
    os.mkfifo(sidecar_path(fifo))  # opening it for reading would block forever
    sidecar_path(big).write_text(json.dumps({"x": "y" * MAX_SIDECAR_BYTES}), "utf-8")
    assert read_sidecar(fifo) is None
    assert read_sidecar(big) is None
    assert read_sidecar(tmp_path / "absent.xlsx") is None


def test_consolidated_workbook_reads_back_what_merge_wrote(
    tmp_path: Path, campaign: Campaign, specs: SpecSet
) -> None:
    result = merge_inbox(
        SAMPLE_INBOX, campaign, specs, now=datetime(2025, 12, 30, tzinfo=campaign.period.tz)
    )
    path = write_consolidated(result, tmp_path / "tong-hop.xlsx")
    data = read_consolidated(path, specs)
    assert data.meta["kind"] == "dhtt-batch-consolidated"
    assert data.meta["period_id"] == campaign.period.id
    assert data.inputs == len(result.files)
    assert [(u.code, u.status, u.late, u.accepted) for u in data.units] == [
        (
            u.unit.code,
            u.status,
            u.late,
            u.counted.rows_accepted if u.counted else 0,
        )
        for u in result.units
    ]
    assert any(u.status == UnitStatus.MISSING for u in data.units)
    for spec in specs.criteria:
        frame = result.rows[spec.name]
        keys = [c.key for c in spec.data_columns]
        expected = [
            {k: v for k, v in zip([*keys, UNIT, UNIT_NAME], values, strict=True) if v is not None}
            for values in frame[[*keys, UNIT, UNIT_NAME]].itertuples(index=False)
        ]
        read_back = [
            {k: v for k, v in r.items() if k in (*keys, UNIT, UNIT_NAME) and v is not None}
            for r in data.rows[spec.name]
        ]
        assert read_back == expected


def test_manifest_is_json_with_row_accounting(campaign: Campaign, specs: SpecSet) -> None:
    result = merge_inbox(SAMPLE_INBOX, campaign, specs)
    document = json.loads(json.dumps(manifest(result), ensure_ascii=False))
    for entry in document["files"]:
        assert entry["rows_read"] == (
            entry["rows_accepted"] + entry["rows_rejected"] + entry["rows_superseded"]
        )
    cells = [d[which]["cell"] for d in document["duplicates"] for which in ("first", "second")]
    assert cells and all(isinstance(cell, str) and cell[0].isalpha() for cell in cells)
