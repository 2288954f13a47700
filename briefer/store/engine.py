"""Finding and connecting to a library: a SQLite file by default, any SQLAlchemy URL otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from briefer.domain.errors import LibraryError

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


def display_url(url: str) -> str:
    """The library as a user should see it: a SQLite file's path, else the URL without password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return make_url(url).render_as_string(hide_password=True)


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
    if make_url(url).get_backend_name() == "postgresql":
        # pre-ping replaces connections a server restart killed; a short connect timeout
        # makes "server down" a prompt, clear error instead of a long hang.
        engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
        event.listen(engine, "handle_error", _connection_error_for(display_url(url)))
        return engine
    return create_engine(url, pool_pre_ping=True)


def _connection_error_for(where: str):  # type: ignore[no-untyped-def]
    """A ``handle_error`` hook: a lost or refused server connection becomes one clear line.

    The line names the server (password hidden) and says the work was not stored; the
    transaction was rolled back, so nothing is half-written. Pre-ping checks are left
    alone (SQLAlchemy replaces the dead connection and carries on).
    """

    def handle(context) -> None:  # type: ignore[no-untyped-def]
        if context.is_pre_ping:
            return
        original = context.original_exception
        dbapi = context.dialect.dbapi if context.dialect is not None else None
        if not context.is_disconnect and not (
            dbapi is not None and isinstance(original, dbapi.OperationalError)
        ):
            return
        reason = (str(original).strip().splitlines() or [type(original).__name__])[0]
        if context.connection is None:  # connecting failed: down, wrong password, no database
            raise LibraryError(f"{where}: cannot connect to the library's server ({reason})")
        if context.is_disconnect:
            raise LibraryError(
                f"{where}: lost the connection to the library's server ({reason}); "
                "the last change was not stored, try it again when the server is back"
            ) from original
        # The server is there but gave up on this transaction (deadlock, cancelled query).
        raise LibraryError(
            f"{where}: the library's server could not complete this ({reason}); "
            "nothing of it was stored, try it again"
        ) from original

    return handle


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
