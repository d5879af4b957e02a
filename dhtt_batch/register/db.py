"""Opening the register: engine, migrations to head (its URL comes from address.py).

Every command opens the register through `open_register`, which creates it or upgrades its
tables to the version this release needs (Alembic, run in-process), so an office never runs a
migration by hand. (`register list` on an up-to-date SQLite file reads it without opening it
here: listing.py.)
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from . import RegisterError
from .migrations import HEAD
from .schema import VERSION_TABLE

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def display_url(url: str) -> str:
    """The URL as shown to users: the password hidden, a SQLite file as its path."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)


def open_register(url: str) -> Engine:
    """An engine on the register, its tables created or upgraded to this release's version."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise RegisterError(f"Địa chỉ sổ điển hình '{url}' không hợp lệ.") from exc
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise RegisterError(
            f"Sổ điển hình chỉ dùng SQLite (tệp) hoặc PostgreSQL (postgresql://…), không dùng "
            f"'{backend}'."
        )
    if backend == "sqlite":
        _check_sqlite_folder(parsed)
    try:
        engine = create_engine(parsed, **_engine_options(backend))
    except (ArgumentError, ImportError) as exc:
        raise RegisterError(f"Không mở được sổ điển hình {display_url(url)}: {exc}") from exc
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        _upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        raise RegisterError(
            f"Không kết nối được sổ điển hình {display_url(url)}: {_reason(exc)}"
        ) from exc
    except SQLAlchemyError as exc:
        engine.dispose()
        raise RegisterError(f"Sổ điển hình {display_url(url)} có lỗi: {_reason(exc)}") from exc
    return engine


def _check_sqlite_folder(url: URL) -> None:
    if url.database and url.database != ":memory:":
        folder = Path(url.database).parent
        if not folder.is_dir():
            raise RegisterError(f"Không có thư mục {folder} để đặt sổ điển hình.")


def _engine_options(backend: str) -> dict[str, object]:
    if backend == "postgresql":
        return {"connect_args": {"connect_timeout": 10}, "pool_pre_ping": True}
    return {}


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")  # another officer's add: wait, don't fail
    cursor.close()


def _reason(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None) or exc
    return " ".join(str(original).split())[:300]


def _upgrade(engine: Engine) -> None:
    """Bring the tables to HEAD. The usual case (already there) costs one small query and no
    Alembic import; a register made by a newer release is refused rather than damaged."""
    with engine.begin() as conn:
        current = None
        if inspect(conn).has_table(VERSION_TABLE):
            current = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
        if current == HEAD:
            return
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        known = {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}
        if current is not None and current not in known:
            raise RegisterError(
                "Sổ điển hình được tạo bằng phiên bản dhtt-batch mới hơn; hãy cập nhật "
                "dhtt-batch trước khi dùng sổ này."
            )
        command.upgrade(config, "head")
