"""Finding and connecting to a library: a SQLite file by default, any SQLAlchemy URL otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

ENV_VAR = "BRIEFER_DB"
DEFAULT_FILE_NAME = "library.sqlite"


def default_library_path() -> Path:
    """The embedded default library in the platform's user data folder."""
    return Path(user_data_dir("Briefer", appauthor=False)) / DEFAULT_FILE_NAME


def resolve_url(db: str | None = None) -> str:
    """``--db`` wins over ``BRIEFER_DB``, which wins over the default; a bare path means SQLite."""
    value = db or os.environ.get(ENV_VAR) or str(default_library_path())
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _configure_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine with the pragmas the library relies on (foreign keys, WAL) on SQLite."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
