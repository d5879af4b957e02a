from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from dhtt_batch.campaign import Campaign, load_campaign
from dhtt_batch.spec import SpecSet, load_specs
from dhtt_batch.template import build_template
from dhtt_batch.testing import fill_template
from dhtt_batch.validate import ValidationResult, validate_paths

REPO = Path(__file__).resolve().parent.parent
SAMPLE_INBOX = REPO / "samples" / "inbox"


@pytest.fixture(scope="session")
def campaign() -> Campaign:
    return load_campaign()


@pytest.fixture(scope="session")
def specs() -> SpecSet:
    return load_specs()


@pytest.fixture(scope="session")
def template_file(
    tmp_path_factory: pytest.TempPathFactory, campaign: Campaign, specs: SpecSet
) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.xlsx"
    build_template(campaign, specs).save(path)
    return path


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def schemas_copy(tmp_path: Path) -> Path:
    """An editable copy of the spec folder, for tests that break it on purpose."""
    target = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", target)
    return target


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# --- filled workbooks -----------------------------------------------------------------------

VALID_INFO = {
    "don_vi": "Phòng Tổng hợp",
    "nguoi_lap": "Lê Thị Hoa",
    "dien_thoai": "0232 3822 123",
    "email": "hoa.le@example.gov.vn",
    "ngay_lap": date(2025, 12, 10),
    "thu_truong": "Nguyễn Văn Nam",
}
_COMMON = {
    "doi_tuong": "Cá nhân",
    "ho_ten": "Trần Văn Bình",
    "gioi_tinh": "Nam",
    "nam_sinh": 1984,
    "chuc_vu": "Chuyên viên",
    "don_vi_cong_tac": "Phòng Tổng hợp",
    "giai_doan": "Đang bồi dưỡng",
    "tom_tat_thanh_tich": "Hoàn thành xuất sắc nhiệm vụ hai năm liền, có hai sáng kiến.",
    "danh_hieu": "Chiến sĩ thi đua cơ sở",
    "so_quyet_dinh": "45/QĐ-VPUBND",
    "ngay_quyet_dinh": date(2024, 1, 15),
    "hinh_thuc_de_nghi": "Biểu dương",
}
VALID_ROWS: dict[str, dict[str, object]] = {
    "a_HCM": {
        **_COMMON,
        "noi_dung_dot_pha": "Số hóa quy trình trình ký văn bản điện tử",
        "muc_do_hoan_thanh": "Hoàn thành xuất sắc nhiệm vụ",
        "pham_vi_lan_toa": "Toàn cơ quan",
    },
    "b_CCHC": {
        **_COMMON,
        "ten_mo_hinh": "Tiếp nhận hồ sơ trực tuyến toàn trình",
        "linh_vuc_cai_cach": "Cải cách thủ tục hành chính",
        "nam_ap_dung": 2023,
        "hieu_qua_hai_long": "Rút ngắn 30% thời gian, 97% người dân hài lòng",
    },
    "c_CDS": {
        **_COMMON,
        "ten_san_pham": "Phần mềm theo dõi nhiệm vụ",
        "phuc_vu": "Quản lý, điều hành",
        "nam_su_dung": 2022,
        "hieu_qua_nang_suat": "Giảm 40% thời gian tổng hợp báo cáo định kỳ",
        "duong_dan": "https://example.gov.vn/nhiem-vu",
    },
}


def valid_row(sheet: str = "a_HCM", **changes: object) -> dict[str, object]:
    return {**VALID_ROWS[sheet], **changes}


@pytest.fixture()
def make_workbook(campaign: Campaign, specs: SpecSet, tmp_path: Path) -> Callable[..., Path]:
    """Build a filled template in tmp_path; `edit(wb)` may change it before it is saved."""

    def make(
        name: str = "HCTC.xlsx",
        rows: dict[str, list[dict[str, object]]] | None = None,
        info: dict[str, object] | None = None,
        unit: str | None = None,
        edit: Callable[[Workbook], None] | None = None,
        of_campaign: Campaign | None = None,
    ) -> Path:
        source = of_campaign or campaign
        wb = build_template(source, specs, source.unit(unit) if unit else None)
        fill_template(
            wb,
            specs,
            VALID_INFO if info is None else info,
            {"a_HCM": [valid_row()]} if rows is None else rows,
        )
        if edit:
            edit(wb)
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
        return path

    return make


@pytest.fixture()
def check(campaign: Campaign, specs: SpecSet) -> Callable[..., ValidationResult]:
    def run(*paths: Path) -> ValidationResult:
        return validate_paths(list(paths), campaign, specs, today=TODAY)

    return run


TODAY = date(2026, 1, 5)


@pytest.fixture(scope="session")
def merged_samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OUTDIR of `dhtt-batch merge samples/inbox --report --json`, run once per session;
    the JSON printed on stdout is kept beside the outputs as stdout.json."""
    from dhtt_batch.cli import cli

    out = tmp_path_factory.mktemp("merged-samples")
    result = CliRunner().invoke(
        cli,
        ["merge", str(SAMPLE_INBOX), "-o", str(out), "--report", "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    (out / "stdout.json").write_text(result.stdout, encoding="utf-8")
    return out


# --- the exemplar register: consolidated workbooks of several years, SQLite and PostgreSQL ----

SAMPLE_REGISTER = REPO / "samples" / "register"


def campaign_of_year(base: Campaign, year: int) -> Campaign:
    """The campaign as it was in `year` (its period and deadline moved, nothing else)."""
    import dataclasses
    from datetime import datetime

    period = dataclasses.replace(base.period, year=year, deadline=datetime(year, 12, 20, 17, 0))
    return dataclasses.replace(base, period=period)


def write_consolidated_of(
    campaign: Campaign,
    specs: SpecSet,
    rows_by_unit: dict[str, dict[str, list[dict[str, object]]]],
    target: Path,
    made: tuple[int, int] = (12, 23),
) -> Path:
    """Fill each unit's template of the campaign's year, merge them, write the consolidated
    workbook (the library functions `dhtt-batch merge` runs); `made` is its (month, day)."""
    import tempfile
    from datetime import datetime

    from dhtt_batch.formats.consolidated import write_consolidated
    from dhtt_batch.merge import merge_inbox

    year = campaign.period.year
    with tempfile.TemporaryDirectory() as tmp:
        for code, rows in rows_by_unit.items():
            unit = campaign.unit(code)
            assert unit is not None, code
            wb = build_template(campaign, specs, unit, today=date(year, 11, 20))
            info = {**VALID_INFO, "don_vi": unit.name, "ngay_lap": date(year, 12, 10)}
            fill_template(wb, specs, info, rows)
            wb.save(Path(tmp) / f"{code}.xlsx")
        now = datetime(year, *made, 9, 0, tzinfo=campaign.period.tz)
        result = merge_inbox(Path(tmp), campaign, specs, now=now)
        assert not [f for f in result.findings if f.severity == "error"], result.findings
        write_consolidated(result, target)
    return target


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return candidates[-1].parent if candidates else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL server on 127.0.0.1 for the test session (initdb + pg_ctl in a
    temporary folder, as the `postgres` user when the tests run as root); yields its URL
    without a database name. Skipped, with the reason, only where no server can be started."""
    import os
    import subprocess
    import tempfile

    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server is not installed (apt-get install postgresql)")
    as_user: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="dhtt-pg-"))
    if os.geteuid() == 0:  # the server refuses to run as root
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL as postgres")
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to start the server")
        shutil.chown(base, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", _free_port()

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)

    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
        "--locale=C", "--no-sync")  # fmt: skip
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-o", options, "-w",
        "start")  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def register_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The `--db` of a new, empty register: a SQLite file, or a new database on the session's
    PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "register.sqlite")
    import uuid

    import psycopg

    server = request.getfixturevalue("postgres_server")
    name = f"register_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"
