"""Where the register lives: `--db` (or `[register] db` in campaign.toml) as a URL.

A file path means SQLite; `sqlite:///path` and `postgresql://user@host/db` (psycopg 3; the
password may come from PGPASSWORD like any libpq client) are taken as given. Empty:
`dhtt-register.sqlite` beside the campaign file, or in the current folder with the packaged
default campaign. Kept apart from db.py so that finding the register imports no database
toolkit.
"""

from __future__ import annotations

from pathlib import Path

from ..campaign import Campaign, default_campaign_path

DEFAULT_FILE = "dhtt-register.sqlite"
SQLITE_PREFIX = "sqlite:///"


def resolve_url(option: str | None, campaign: Campaign) -> str:
    """The register's URL from `--db`, else `[register] db`, else the default file."""
    if option:
        return _as_url(option, Path.cwd())
    base = (
        Path.cwd()
        if campaign.source.resolve() == default_campaign_path().resolve()
        else campaign.source.resolve().parent
    )
    return _as_url(campaign.register.db or DEFAULT_FILE, base)


def _as_url(value: str, base: Path) -> str:
    if "://" in value:
        scheme, rest = value.split("://", 1)
        if scheme in ("postgresql", "postgres"):
            return f"postgresql+psycopg://{rest}"
        return value
    path = Path(value).expanduser()
    return f"{SQLITE_PREFIX}{path if path.is_absolute() else (base / path).resolve()}"


def sqlite_file(url: str) -> Path | None:
    """The file of a plain SQLite URL (`sqlite:///path`, nothing after the path), else None."""
    if not url.startswith(SQLITE_PREFIX) or any(c in url for c in "?#%"):
        return None
    path = url[len(SQLITE_PREFIX) :]
    return Path(path) if path and path != ":memory:" else None
