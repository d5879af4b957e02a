"""The exemplar register (`dhtt-batch register …`) on SQLite and on a real PostgreSQL server:
idempotent adds, replacing a period, identity across years, review / link / unlink, list and
the history workbook."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, select, text

from dhtt_batch.campaign import Campaign
from dhtt_batch.cli import cli
from dhtt_batch.register.address import resolve_url
from dhtt_batch.register.export import NO_TITLE
from dhtt_batch.register.schema import decisions, entries, entry_data
from dhtt_batch.spec import SpecSet

from .conftest import REPO, campaign_in_year, valid_row, write_consolidated_of

AWARD = {
    "danh_hieu": "Chiến sĩ thi đua cơ sở",
    "so_quyet_dinh": "10/QĐ-VPUBND",
    "ngay_quyet_dinh": date(2022, 1, 5),
}


def person(name: str, born: int, sheet: str = "a_HCM", **extra: object) -> dict[str, object]:
    no_award = {"danh_hieu": None, "so_quyet_dinh": None, "ngay_quyet_dinh": None}
    return early(valid_row(sheet, ho_ten=name, nam_sinh=born, **{**no_award, **extra}))


def early(row: dict[str, object]) -> dict[str, object]:
    """Models in use since 2020, so every year from 2021 accepts the row."""
    for key in ("nam_ap_dung", "nam_su_dung"):
        if key in row:
            row[key] = 2020
    return row


def collective(name: str, sheet: str = "b_CCHC") -> dict[str, object]:
    return early(valid_row(sheet, doi_tuong="Tập thể", ho_ten=name, gioi_tinh=None,
                           nam_sinh=None, danh_hieu=None, so_quyet_dinh=None,
                           ngay_quyet_dinh=None))  # fmt: skip


# Three years of a small office. An: 2021 and 2023 (not 2022). Bích: typed "Bich" in 2022.
# Cường: TH in 2021, PVHCC in 2023 (moved). "Tổ Một cửa": registered by HCTC, then by KT.
YEARS: dict[int, dict[str, dict[str, list[dict[str, object]]]]] = {
    2021: {
        "HCTC": {"a_HCM": [person("Nguyễn Văn An", 1980)], "b_CCHC": [collective("Tổ Một cửa")]},
        "TH": {"a_HCM": [person("Trần Thị Bích", 1990), person("Lê Văn Cường", 1985)]},
    },
    2022: {
        "HCTC": {"b_CCHC": [collective("Tổ Một cửa")]},
        "TH": {"a_HCM": [person("Trần Thị Bich", 1990, **AWARD)]},
        "KT": {"a_HCM": [person("Phạm Thị Dung", 1992), person("Nguyễn Văn An", 1975)]},
    },
    2023: {
        "HCTC": {
            "a_HCM": [person("Nguyễn  văn An", 1980)],
            "c_CDS": [person("Nguyễn Văn An", 1980, sheet="c_CDS", **AWARD)],
        },
        "TH": {"a_HCM": [person("Trần Thị Bích", 1990, **AWARD)]},
        "KT": {"b_CCHC": [collective("tổ một cửa")]},
        "PVHCC": {"a_HCM": [person("Lê Văn Cường", 1985)]},
    },
}


@pytest.fixture(scope="module")
def workbooks(
    tmp_path_factory: pytest.TempPathFactory, campaign: Campaign, specs: SpecSet
) -> dict[Any, Path]:
    folder = tmp_path_factory.mktemp("consolidated")
    made = {
        year: write_consolidated_of(
            campaign_in_year(campaign, year), specs, rows, folder / f"tong-hop-{year}.xlsx"
        )
        for year, rows in YEARS.items()
    }
    # 2022 again, merged a week later with one more row: it replaces 2022's rows.
    later = {**YEARS[2022], "NC": {"a_HCM": [person("Võ Thị Em", 1988)]}}
    made["2022-later"] = write_consolidated_of(
        campaign_in_year(campaign, 2022), specs, later, folder / "later" / "tong-hop-2022.xlsx",
        made=(12, 30),
    )  # fmt: skip
    # 2022 once more, a day later: TH's and HCTC's rows are gone (Bich, Tổ Một cửa lose 2022).
    fewer = {unit: rows for unit, rows in later.items() if unit not in ("TH", "HCTC")}
    made["2022-fewer"] = write_consolidated_of(
        campaign_in_year(campaign, 2022), specs, fewer, folder / "fewer" / "tong-hop-2022.xlsx",
        made=(12, 31),
    )  # fmt: skip
    return made


def run(runner: CliRunner, db: str, *args: str, ok: bool = True) -> Result:
    result = runner.invoke(cli, ["register", *args, "--db", db], catch_exceptions=not ok)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def listed(runner: CliRunner, db: str, *args: str) -> list[dict[str, Any]]:
    return json.loads(run(runner, db, "list", "--json", *args).stdout)  # type: ignore[no-any-return]


def add_all(runner: CliRunner, db: str, workbooks: dict[Any, Path]) -> None:
    run(runner, db, "add", *(str(workbooks[y]) for y in (2021, 2022, 2023)))


def by_name(found: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e for e in found if e["name"].casefold().split() == name.casefold().split()]


def query(db: str, statement: Any) -> list[Any]:
    engine = create_engine(resolve_url_for_test(db))
    try:
        with engine.connect() as conn:
            return list(conn.execute(statement))
    finally:
        engine.dispose()


def resolve_url_for_test(db: str) -> str:
    from dhtt_batch.campaign import load_campaign

    return resolve_url(db, load_campaign())


def test_add_records_every_accepted_row_with_its_period_and_every_column(
    runner: CliRunner, register_db: str, workbooks: dict[Any, Path], specs: SpecSet
) -> None:
    result = run(runner, register_db, "add", str(workbooks[2021]))
    assert "tong-hop-2021.xlsx: đã ghi Năm 2021 vào sổ: 4 dòng (a_HCM 3, b_CCHC 1, c_CDS 0)." in (
        result.output
    )
    rows = query(
        register_db,
        select(
            entries.c.year, entries.c.sheet, entries.c.kind, entries.c.unit_code, entry_data.c.data
        ).join_from(entries, entry_data, entries.c.id == entry_data.c.entry_id),
    )
    assert sorted((r.year, r.sheet, r.kind, r.unit_code) for r in rows) == [
        (2021, "a_HCM", "individual", "HCTC"),
        (2021, "a_HCM", "individual", "TH"),
        (2021, "a_HCM", "individual", "TH"),
        (2021, "b_CCHC", "collective", "HCTC"),
    ]
    for row in rows:  # every spec column of the row is kept
        spec = specs.criterion(row.sheet)
        assert set(row.data) == set(spec.keys)
    an = next(r.data for r in rows if r.data["ho_ten"] == "Nguyễn Văn An")
    assert an["nam_sinh"] == 1980 and an["tom_tat_thanh_tich"] == valid_row()["tom_tat_thanh_tich"]


def test_adding_the_same_workbook_twice_changes_nothing(
    runner: CliRunner, register_db: str, workbooks: dict[Any, Path]
) -> None:
    run(runner, register_db, "add", str(workbooks[2021]))
    before = query(register_db, select(entries))
    data = query(register_db, select(entry_data))
    again = run(runner, register_db, "add", str(workbooks[2021]))
    assert (
        "tong-hop-2021.xlsx: Năm 2021 đã có trong sổ với đúng nội dung này; không thay đổi gì."
        in again.output
    )
    assert query(register_db, select(entries)) == before
    assert query(register_db, select(entry_data)) == data


def test_a_newer_workbook_of_a_period_replaces_its_rows_and_says_so(
    runner: CliRunner, register_db: str, workbooks: dict[Any, Path]
) -> None:
    add_all(runner, register_db, workbooks)
    result = run(runner, register_db, "add", str(workbooks["2022-later"]))
    assert (
        "tong-hop-2022.xlsx: thay thế bảng tổng hợp Năm 2022 đã ghi trước đó (4 dòng) bằng "
        "bảng mới hơn: 5 dòng (a_HCM 4, b_CCHC 1, c_CDS 0)." in result.output
    )
    years = query(register_db, select(entries.c.year))
    assert sorted(y for (y,) in years) == [2021] * 4 + [2022] * 5 + [2023] * 5
    assert len(query(register_db, select(entry_data))) == 14  # the old rows' data went too
    assert by_name(listed(runner, register_db), "Võ Thị Em")[0]["years"] == [2022]


def test_an_older_workbook_of_a_recorded_period_is_refused(
    runner: CliRunner, register_db: str, workbooks: dict[Any, Path]
) -> None:
    run(runner, register_db, "add", str(workbooks["2022-later"]))
    result = run(runner, register_db, "add", str(workbooks[2022]), ok=False)
    assert result.exit_code == 2
    assert (
        "Lỗi: tong-hop-2022.xlsx (lập lúc 09:00 ngày 23/12/2022) cũ hơn bảng tổng hợp Năm 2022 "
        "đã ghi trong sổ (lập lúc 09:00 ngày 30/12/2022): không ghi đè." in result.output
    )
    assert len(query(register_db, select(entries))) == 5


def test_a_file_that_is_not_a_consolidated_workbook_is_reported_and_the_others_added(
    runner: CliRunner, register_db: str, workbooks: dict[Any, Path], make_workbook: Any
) -> None:
    unit_file = make_workbook()
    result = run(runner, register_db, "add", str(unit_file), str(workbooks[2021]), ok=False)
    assert result.exit_code == 2
    assert "Lỗi: HCTC.xlsx không phải bảng tổng hợp do dhtt-batch merge tạo ra." in result.output
    assert "Traceback" not in result.output
    assert len(query(register_db, select(entries))) == 4


def test_list_gives_each_exemplar_the_years_it_was_registered(
    runner: CliRunner, register_db: str, workbooks: dict[Any, Path]
) -> None:
    add_all(runner, register_db, workbooks)
    found = listed(runner, register_db)
    an = by_name(found, "Nguyễn Văn An")
    # Same unit, name (spacing and case differ) and birth year: one exemplar, 2021 and 2023;
    # the KT colleague of the same name born in 1975 is another.
    assert sorted((e["unit_code"], e["birth_year"], e["years"]) for e in an) == [
        ("HCTC", 1980, [2021, 2023]),
        ("KT", 1975, [2022]),
    ]
    an = sorted(an, key=lambda e: e["birth_year"])
    assert an[1]["kind"] == "individual" and an[1]["kind_label"] == "Cá nhân"
    assert an[1]["criteria"] == ["a", "c"]
    assert an[1]["titles"] == [
        {
            "year": 2022,
            "title": "Chiến sĩ thi đua cơ sở",
            "decision_number": "10/QĐ-VPUBND",
            "decision_date": "2022-01-05",
            "issuer": "Văn phòng UBND tỉnh Quảng Bình",
        }
    ]
    assert an[1]["spread"] == [
        {"year": 2021, "criterion": "a", "spread": "Toàn cơ quan"},
        {"year": 2023, "criterion": "a", "spread": "Toàn cơ quan"},
    ]
    # A collective is one exemplar by its name, whichever unit registers it.
    (one_stop,) = by_name(found, "Tổ Một cửa")
    assert one_stop["years"] == [2021, 2022, 2023] and one_stop["kind"] == "collective"
    assert one_stop["units"] == ["Phòng Hành chính - Tổ chức", "Phòng Kinh tế"]
    assert [e["years"] for e in by_name(found, "Phạm Thị Dung")] == [[2022]]
    three = listed(runner, register_db, "--min-years", "3")
    assert [e["name"] for e in three] == ["tổ một cửa"]
    only_c = listed(runner, register_db, "--criterion", "c_CDS")
    assert [(e["name"], e["years"]) for e in only_c] == [("Nguyễn Văn An", [2023])]


def test_review_lists_probable_matches_and_link_joins_them_recording_who_and_when(
    runner: CliRunner, register_db: str, workbooks: dict[Any, Path]
) -> None:
    add_all(runner, register_db, workbooks)
    matches = json.loads(run(runner, register_db, "review", "--json").stdout)
    pairs = {(m["first"]["name"], m["second"]["name"], m["reason"]) for m in matches}
    assert pairs == {
        ("Lê Văn Cường", "Lê Văn Cường", "moved"),
        ("Trần Thị Bích", "Trần Thị Bich", "similar_name"),
    }
    typo = next(m for m in matches if m["reason"] == "similar_name")
    assert typo["message"] == "Tên gần giống (có thể gõ sai)"
    # Nothing is merged until an officer says so.
    assert len(by_name(listed(runner, register_db), "Trần Thị Bích")) == 1
    first, second = typo["first"]["id"], typo["second"]["id"]
    result = run(runner, register_db, "link", f"#{first}", str(second), "--by", "Thu Hà")
    assert f"Đã liên kết #{first} với #{second}: từ nay là một điển hình." in result.output
    (bich,) = [e for e in listed(runner, register_db) if e["id"] == min(first, second)]
    assert bich["years"] == [2021, 2022, 2023] and bich["ids"] == sorted([first, second])
    assert bich["name"] == "Trần Thị Bích"  # the latest spelling
    (decision,) = query(register_db, select(decisions))
    assert (decision.verdict, decision.decided_by) == ("same", "Thu Hà")
    when = decision.decided_at  # SQLite keeps the UTC time without its zone
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - when).total_seconds()) < 120
    remaining = json.loads(run(runner, register_db, "review", "--json").stdout)
    assert [m["reason"] for m in remaining] == ["moved"]


def test_unlink_records_different_exemplars_and_review_stops_suggesting_them(
    runner: CliRunner, register_db: str, workbooks: dict[Any, Path]
) -> None:
    add_all(runner, register_db, workbooks)
    moved = json.loads(run(runner, register_db, "review", "--json").stdout)
    pair = next(m for m in moved if m["reason"] == "moved")
    a, b = str(pair["first"]["id"]), str(pair["second"]["id"])
    run(runner, register_db, "link", a, b)
    assert len(by_name(listed(runner, register_db), "Lê Văn Cường")) == 1
    result = run(runner, register_db, "unlink", a, b)
    assert f"Đã ghi #{a} và #{b} là hai điển hình khác nhau." in result.output
    assert len(by_name(listed(runner, register_db), "Lê Văn Cường")) == 2
    reviewed = json.loads(run(runner, register_db, "review", "--json").stdout)
    assert all(m["reason"] != "moved" for m in reviewed)
    verdicts = query(register_db, select(decisions.c.verdict, decisions.c.decided_by))
    import getpass

    assert verdicts == [("same", getpass.getuser()), ("different", getpass.getuser())]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["link", "1", "999"], "Lỗi: Không có điển hình #999 trong sổ"),
        (["link", "3", "#3"], "Lỗi: Cần hai mã điển hình khác nhau."),
        (["list", "--criterion", "z"], "Lỗi: Không có tiêu chí 'z' (dùng: a (a_HCM), b (b_CCHC)"),
    ],
)
def test_bad_register_arguments_exit_2(
    runner: CliRunner, register_db: str, workbooks: dict[Any, Path], args: list[str], message: str
) -> None:
    run(runner, register_db, "add", str(workbooks[2021]))
    result = run(runner, register_db, *args, ok=False)
    assert result.exit_code == 2 and message in result.output, result.output


def test_export_writes_the_history_table_of_each_exemplar(
    runner: CliRunner,
    register_db: str,
    workbooks: dict[Any, Path],
    tmp_path: Path,
    office_check: Any,
) -> None:
    add_all(runner, register_db, workbooks)
    target = tmp_path / "lich-su.xlsx"
    result = run(runner, register_db, "export", "-o", str(target))
    assert f"Đã xuất 8 điển hình vào {target}" in result.output
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["Điển hình", "Lịch sử khen thưởng"]
    listing = [[c.value for c in row] for row in wb["Điển hình"].iter_rows(min_row=3)]
    an = next(r for r in listing if r[2] == "Nguyễn Văn An" and r[4] == 1980)
    assert an[6:8] == [2, "2021, 2023"]
    history = [[c.value for c in row] for row in wb["Lịch sử khen thưởng"].iter_rows()]
    start = next(
        i for i, r in enumerate(history) if r[0] and str(r[0]).endswith("đăng ký điển hình các "
                                                                          "năm 2021, 2023")
    )  # fmt: skip
    assert "Nguyễn Văn An (1980) - Phòng Hành chính - Tổ chức" in history[start][0]
    assert history[start + 1] == [
        "Năm",
        "Danh hiệu thi đua / hình thức khen thưởng",
        "Số, ngày tháng năm của quyết định; cơ quan ban hành",
    ]
    assert history[start + 2] == [
        2022,
        "Chiến sĩ thi đua cơ sở",
        "Quyết định số 10/QĐ-VPUBND ngày 05/01/2022; Văn phòng UBND tỉnh Quảng Bình",
    ]
    # Printed as tables: the list fitted to its paper with its header on every page; every
    # cell of each small history table bordered, empty ones included.
    assert wb["Điển hình"].print_title_rows == "$2:$2"
    assert wb["Điển hình"].page_setup.fitToWidth == 1
    sheet = wb["Lịch sử khen thưởng"]
    table_rows = [row for row in sheet.iter_rows(min_row=2) if row[1].value]
    assert any(row[1].value == NO_TITLE for row in table_rows)
    assert all(cell.border.left.style == "thin" for row in table_rows for cell in row[:3])
    office_check(target)


def test_migrations_build_exactly_the_tables_of_the_schema(
    runner: CliRunner, register_db: str
) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from dhtt_batch.register.db import MIGRATIONS
    from dhtt_batch.register.migrations import HEAD
    from dhtt_batch.register.schema import VERSION_TABLE, metadata

    run(runner, register_db, "list", "--min-years", "2")  # opening creates the tables (and
    # makes the kept list: a SQLite register is then read through sqlite3, after its checks)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD
    engine = create_engine(resolve_url_for_test(register_db))
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            assert context.get_current_revision() == HEAD
            assert compare_metadata(context, metadata) == []
            conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
            conn.commit()
    finally:
        engine.dispose()
    for kept in ([], ["--min-years", "2", "--json"]):  # from the rows; the kept list (sqlite3)
        newer = run(runner, register_db, "list", *kept, ok=False)
        assert newer.exit_code == 2
        assert "Lỗi: Sổ điển hình được tạo bằng phiên bản dhtt-batch mới hơn" in newer.output


def test_where_the_register_lives(tmp_path: Path, campaign: Campaign) -> None:
    import dataclasses

    from dhtt_batch.campaign import load_campaign
    from dhtt_batch.campaign_settings import RegisterSettings

    assert resolve_url(None, campaign) == f"sqlite:///{Path.cwd() / 'dhtt-register.sqlite'}"
    own = tmp_path / "work" / "campaign.toml"
    own.parent.mkdir()
    own.write_text((REPO / "dhtt_batch/defaults/campaign.toml").read_text(encoding="utf-8"))
    mine = load_campaign(own)
    assert resolve_url(None, mine) == f"sqlite:///{own.parent / 'dhtt-register.sqlite'}"
    relative = dataclasses.replace(mine, register=RegisterSettings(db="so/dhtt.sqlite"))
    assert resolve_url(None, relative) == f"sqlite:///{own.parent / 'so' / 'dhtt.sqlite'}"
    assert resolve_url("postgresql://hctc@may-chu/dhtt", mine) == (
        "postgresql+psycopg://hctc@may-chu/dhtt"
    )


def test_an_unreachable_server_is_exit_2_with_the_password_hidden(runner: CliRunner) -> None:
    from tests.conftest import _free_port

    url = f"postgresql://hctc:bi-mat@127.0.0.1:{_free_port()}/dhtt"
    result = runner.invoke(cli, ["register", "list", "--db", url])
    assert result.exit_code == 2
    assert "Lỗi: Không kết nối được sổ điển hình postgresql://hctc:***@127.0.0.1" in result.output
    assert "bi-mat" not in result.output and "Traceback" not in result.output


def test_every_register_command_has_help_with_an_example_and_is_in_the_readme(
    runner: CliRunner,
) -> None:
    from dhtt_batch.cli import register

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert register.commands
    for name in register.commands:
        result = runner.invoke(cli, ["register", name, "--help"], catch_exceptions=False)
        assert result.exit_code == 0 and "Ví dụ:" in result.output, name
        assert f"dhtt-batch register {name}" in readme, name


def test_review_of_the_samples_finds_the_typo_the_move_and_the_renamed_unit(
    runner: CliRunner, register_db: str
) -> None:
    from .conftest import SAMPLE_REGISTER

    run(runner, register_db, "add", *map(str, sorted(SAMPLE_REGISTER.glob("tong-hop-*.xlsx"))))
    matches = json.loads(run(runner, register_db, "review", "--json").stdout)
    found = sorted(
        (m["reason"], m["first"]["name"], m["first"]["unit_code"], m["second"]["unit_code"])
        for m in matches
    )
    assert found == [
        ("moved", "Hoàng Văn Đức", "HCTC", "PVHCC"),
        ("similar_name", "Đặng Thị Anh", "TH", "TH"),  # 2022, before Ánh (2023)
        ("unit_renamed", "Phòng Kiểm soát TTHC", "KSTTHC", "KSTT"),
        ("unit_renamed", "Phạm Văn Khánh", "KSTTHC", "KSTT"),
    ]
    renamed = next(m for m in matches if m["reason"] == "unit_renamed")
    assert renamed["message"] == (
        "Đơn vị có thể đã đổi tên hoặc sáp nhập: Phòng Kiểm soát TTHC → "
        "Phòng Kiểm soát thủ tục hành chính"
    )


# --- `register list` kept ready by the register (summary.py) ------------------------------


def stored_and_fresh(db: str, scope: str, min_years: int) -> tuple[list[str], list[str]]:
    """The list's entries as the register keeps them (read straight from its table, nothing
    remade on the way), and as computed afresh from the rows by the same builder."""
    from dhtt_batch.campaign import load_campaign
    from dhtt_batch.register.kept import STATE, fingerprint
    from dhtt_batch.register.query import list_exemplars
    from dhtt_batch.register.schema import summaries, summary_state
    from dhtt_batch.register.summary import to_json

    issuers = dict(load_campaign().register.issuers)
    engine = create_engine(resolve_url_for_test(db))
    try:
        with engine.connect() as conn:
            state = conn.execute(
                select(summary_state.c.value).where(summary_state.c.name == STATE)
            ).scalar()
            assert state == fingerprint(issuers)  # made for these issuers: nothing to remake
            rows = conn.execute(
                select(summaries.c.sort_key, summaries.c.body).where(
                    summaries.c.scope == scope, summaries.c.year_count >= min_years
                )
            )
            stored = [body for _key, body in sorted((key, body) for key, body in rows)]
            fresh = list_exemplars(conn, issuers, scope or None, min_years)
    finally:
        engine.dispose()
    return stored, [to_json(e.as_json()) for e in fresh]


def assert_list_kept_up(runner: CliRunner, db: str) -> list[dict[str, Any]]:
    """Every scope's kept entries equal a fresh computation; none is kept below KEPT years;
    `register list --json` gives the same. The kept entries of every criterion, parsed."""
    from dhtt_batch.register.kept import KEPT
    from dhtt_batch.register.schema import summaries

    assert query(db, select(summaries).where(summaries.c.year_count < KEPT)) == []
    for scope in ("", "a", "b", "c"):
        for years in (KEPT, KEPT + 1):
            stored, fresh = stored_and_fresh(db, scope, years)
            assert stored == fresh, (scope, years)
            args = ["--criterion", scope] if scope else []
            assert listed(runner, db, "--min-years", str(years), *args) == [
                json.loads(text) for text in fresh
            ]
    return [json.loads(text) for text in stored_and_fresh(db, "", KEPT)[0]]


def test_the_kept_list_follows_every_add_replacement_link_and_unlink(
    runner: CliRunner, register_db: str, workbooks: dict[Any, Path]
) -> None:
    run(runner, register_db, "add", str(workbooks[2021]))
    assert assert_list_kept_up(runner, register_db) == []  # one year: nobody yet
    run(runner, register_db, "add", str(workbooks[2022]), str(workbooks[2023]))
    kept = assert_list_kept_up(runner, register_db)
    assert sorted((e["name"], e["years"]) for e in kept) == [
        ("Nguyễn Văn An", [2021, 2023]),
        ("Trần Thị Bích", [2021, 2023]),
        ("tổ một cửa", [2021, 2022, 2023]),
    ]
    run(runner, register_db, "add", str(workbooks[2022]))  # the same again: nothing changes
    assert assert_list_kept_up(runner, register_db) == kept
    typo = next(
        m
        for m in json.loads(run(runner, register_db, "review", "--json").stdout)
        if m["reason"] == "similar_name"
    )
    run(runner, register_db, "link", str(typo["first"]["id"]), str(typo["second"]["id"]))
    bich = by_name(assert_list_kept_up(runner, register_db), "Trần Thị Bích")
    assert [e["years"] for e in bich] == [[2021, 2022, 2023]]
    run(runner, register_db, "add", str(workbooks["2022-later"]))  # replaces 2022
    assert_list_kept_up(runner, register_db)
    run(runner, register_db, "add", str(workbooks["2022-fewer"]))  # Bich, Tổ Một cửa lose 2022
    kept = assert_list_kept_up(runner, register_db)
    assert [e["years"] for e in by_name(kept, "Trần Thị Bích")] == [[2021, 2023]]
    assert [e["years"] for e in by_name(kept, "Tổ Một cửa")] == [[2021, 2023]]
    moved = next(
        m
        for m in json.loads(run(runner, register_db, "review", "--json").stdout)
        if m["reason"] == "moved"
    )
    pair = str(moved["first"]["id"]), str(moved["second"]["id"])
    run(runner, register_db, "link", *pair)  # Cường: 2021 at TH, 2023 at PVHCC
    cuong = by_name(assert_list_kept_up(runner, register_db), "Lê Văn Cường")
    assert [(e["years"], e["units"]) for e in cuong] == [
        ([2021, 2023], ["Phòng Tổng hợp", "Trung tâm Phục vụ hành chính công"])
    ]
    run(runner, register_db, "unlink", *pair)  # one year each again: no longer kept
    assert by_name(assert_list_kept_up(runner, register_db), "Lê Văn Cường") == []
    run(runner, register_db, "unlink", str(typo["first"]["id"]), str(typo["second"]["id"]))
    bich = by_name(assert_list_kept_up(runner, register_db), "Trần Thị Bích")
    assert [(e["ids"], e["years"]) for e in bich] == [([typo["first"]["id"]], [2021, 2023])]


def test_list_and_export_filter_on_criterion_and_years_from_the_kept_list(
    runner: CliRunner, register_db: str, workbooks: dict[Any, Path], tmp_path: Path
) -> None:
    add_all(runner, register_db, workbooks)
    assert [(e["name"], e["years"]) for e in listed(runner, register_db, "--min-years", "2")] == [
        ("tổ một cửa", [2021, 2022, 2023]),
        ("Nguyễn Văn An", [2021, 2023]),  # people by given name: An before Bích
        ("Trần Thị Bích", [2021, 2023]),
    ]
    a_only = listed(runner, register_db, "--criterion", "a_HCM", "--min-years", "2")
    assert [(e["name"], e["criteria"]) for e in a_only] == [
        ("Nguyễn văn An", ["a"]),
        ("Trần Thị Bích", ["a"]),
    ]
    # Within criterion a: An's name as written on its a_HCM rows; its title came under c.
    an = a_only[0]
    assert an["titles"] == [] and an["spread"][-1]["year"] == 2023
    assert listed(runner, register_db, "--criterion", "c", "--min-years", "2") == []
    assert [e["name"] for e in listed(runner, register_db, "--min-years", "3")] == ["tổ một cửa"]
    target = tmp_path / "lich-su.xlsx"
    result = run(runner, register_db, "export", "-o", str(target), "--min-years", "2")
    assert f"Đã xuất 3 điển hình vào {target}" in result.output
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(target)["Điển hình"]]
    assert [r[2] for r in rows[2:]] == ["tổ một cửa", "Nguyễn Văn An", "Trần Thị Bích"]
    an_row = rows[3]
    assert an_row[6:10] == [
        2,
        "2021, 2023",
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; Công nghệ thông tin, "
        "truyền thông và chuyển đổi số",
        "2022: Chiến sĩ thi đua cơ sở (Quyết định số 10/QĐ-VPUBND ngày 05/01/2022; Văn phòng "
        "UBND tỉnh Quảng Bình)",
    ]


def test_a_register_of_the_previous_revision_is_upgraded_and_its_list_made(
    runner: CliRunner, register_db: str, workbooks: dict[Any, Path]
) -> None:
    from alembic import command
    from alembic.config import Config

    from dhtt_batch.register.db import MIGRATIONS
    from dhtt_batch.register.schema import VERSION_TABLE

    add_all(runner, register_db, workbooks)
    engine = create_engine(resolve_url_for_test(register_db))
    try:  # back to the first revision: the tables as the previous release left them
        with engine.begin() as conn:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = conn
            command.downgrade(config, "0001")
        with engine.connect() as conn:
            assert conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar() == "0001"
            assert "dhtt_summaries" not in sa_tables(conn)
    finally:
        engine.dispose()
    three = listed(runner, register_db, "--min-years", "3")
    assert [(e["name"], e["years"]) for e in three] == [("tổ một cửa", [2021, 2022, 2023])]
    assert_list_kept_up(runner, register_db)


def sa_tables(conn: Any) -> list[str]:
    from sqlalchemy import inspect

    return inspect(conn).get_table_names()


def test_the_kept_list_follows_the_campaigns_issuer_names(
    runner: CliRunner, register_db: str, workbooks: dict[Any, Path], tmp_path: Path
) -> None:
    add_all(runner, register_db, workbooks)
    own = tmp_path / "campaign.toml"
    default = (REPO / "dhtt_batch/defaults/campaign.toml").read_text(encoding="utf-8")
    own.write_text(
        default.replace('VPUBND = "Văn phòng UBND tỉnh Quảng Bình"', 'VPUBND = "VP UBND tỉnh"'),
        encoding="utf-8",
    )

    def issuers_of_an(*campaign: str) -> list[str]:
        found = listed(runner, register_db, "--min-years", "2", *campaign)
        return [t["issuer"] for t in by_name(found, "Nguyễn Văn An")[0]["titles"]]

    assert issuers_of_an() == ["Văn phòng UBND tỉnh Quảng Bình"]
    assert issuers_of_an("-c", str(own)) == ["VP UBND tỉnh"]  # made again for these names
    assert issuers_of_an() == ["Văn phòng UBND tỉnh Quảng Bình"]


def test_list_of_an_up_to_date_sqlite_register_does_not_import_sqlalchemy(
    runner: CliRunner, tmp_path: Path, workbooks: dict[Any, Path]
) -> None:
    import subprocess
    import sys

    db = str(tmp_path / "register.sqlite")
    add_all(runner, db, workbooks)
    program = (
        "import json, sys\n"
        "from dhtt_batch.cli import cli\n"
        "cli(sys.argv[1:], standalone_mode=False)\n"
        "heavy = {'sqlalchemy', 'alembic', 'psycopg', 'pandas', 'pandera', 'openpyxl'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, "register", "list", "--db", db, "--min-years", "2",
         "--json"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.stderr.strip().splitlines()[-1] == "[]"
    _stored, fresh = stored_and_fresh(db, "", 2)
    assert done.stdout == "[" + ", ".join(fresh) + "]\n"
    assert [e["name"] for e in json.loads(done.stdout)] == [
        "tổ một cửa",
        "Nguyễn Văn An",
        "Trần Thị Bích",
    ]


def test_the_kept_order_is_the_collation_order() -> None:
    import random

    from dhtt_batch.collation import exemplar_key
    from dhtt_batch.register.summary import sort_text

    names = ["An", "Ánh", "Ân", "Bình", "Đào", "Dũng", "Zoe", "Ơn", "", "Ả", "ab", "a b", "1", "Ω"]
    keys = [
        (*exemplar_key(collective, f"{family} {name}".strip()), number)
        for collective in (True, False)
        for family in ("", "Nguyễn", "Lê Văn")
        for name in names
        for number in (1, 57_000, 2**31 - 1)
    ]
    random.Random(7).shuffle(keys)
    assert sorted(keys, key=sort_text) == sorted(keys)
    assert len({sort_text(k) for k in keys}) == len(keys)


def test_an_officer_who_may_only_read_gets_the_list_of_other_issuer_names_from_the_rows(
    runner: CliRunner, postgres_server: str, workbooks: dict[Any, Path], tmp_path: Path
) -> None:
    import uuid

    import psycopg

    name, reader = f"register_{uuid.uuid4().hex[:12]}", f"reader_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        conn.execute(f'CREATE ROLE "{reader}" LOGIN')
    db = f"{postgres_server}/{name}"
    add_all(runner, db, workbooks)
    listed(runner, db, "--min-years", "2")  # kept for the default campaign's issuer names
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{reader}"')
    own = tmp_path / "campaign.toml"
    default = (REPO / "dhtt_batch/defaults/campaign.toml").read_text(encoding="utf-8")
    own.write_text(
        default.replace('VPUBND = "Văn phòng UBND tỉnh Quảng Bình"', 'VPUBND = "VP UBND tỉnh"'),
        encoding="utf-8",
    )
    as_reader = db.replace("//postgres@", f"//{reader}@")
    found = listed(runner, as_reader, "--min-years", "2", "-c", str(own))
    (an,) = by_name(found, "Nguyễn Văn An")
    assert [t["issuer"] for t in an["titles"]] == ["VP UBND tỉnh"]
    assert [e["name"] for e in found] == ["tổ một cửa", "Nguyễn Văn An", "Trần Thị Bích"]
    denied = run(runner, as_reader, "link", str(an["id"]), str(found[2]["id"]), ok=False)
    assert denied.exit_code == 3  # writing is what it may not do
