"""Opening a library: create a new one at the current schema, or back up and upgrade an old one.

New library: ``create_all`` plus the search index, then stamp the Alembic head.
Older library: copy the SQLite file to a backup beside it, then run the migrations.
Newer library (made by a newer Briefer): refuse rather than risk damaging it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from briefer.domain.errors import LibraryError
from briefer.paths import migrations_dir
from briefer.store.engine import make_engine, resolve_url, sqlite_path
from briefer.store.schema import metadata
from briefer.store.search import SearchBackend, backend_for
from briefer.store.search.facet_index import FacetCache

if TYPE_CHECKING:
    from alembic.config import Config

LIBRARY_ID_KEY = "library_id"  # library_info: a UUID naming this library in its exports
SCHEMA_LOCK_KEY = 0x42726965  # any constant shared by every Briefer ("Brie")
UNSUPPORTED_URL = "unsupported library URL (use a SQLite file path or postgresql+psycopg://…)"

# Alembic costs about a second of CPU to import: opening a library that is already at the
# head revision reads the revision ids from the migration files instead (see head_revision).
_REVISION_LINE = re.compile(
    r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:\(\s*)?([\"'][^\n]*)$", re.MULTILINE
)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    """The newest migration's id, read from the files in ``db/versions`` without Alembic.

    Falls back to Alembic's own answer when the files do not give exactly one head.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((migrations_dir() / "versions").glob("*.py")):
        for key, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            ids = _QUOTED.findall(value)
            (revisions if key == "revision" else parents).update(
                ids[:1] if key == "revision" else ids
            )
    heads = revisions - parents
    if len(heads) == 1:
        return heads.pop()
    return _alembic_head_revision()


def _alembic_head_revision() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return ScriptDirectory.from_config(config).get_current_head()


@dataclass
class Library:
    """An open library: the engine, a session factory and the matching search backend."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    search: SearchBackend
    facets: FacetCache = field(default_factory=FacetCache)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_library(db: str | None = None) -> Library:
    """Open (creating or upgrading as needed) the library named by ``db``, env or default."""
    url = resolve_url(db)
    try:
        engine = make_engine(url)
        _prepare_schema(engine, url)
    except LibraryError:
        raise
    except (NoSuchModuleError, ImportError, ArgumentError) as exc:
        # an unknown scheme (foo://) or a database whose driver is not installed (mysql://)
        raise LibraryError(f"{_display_safely(url)}: {UNSUPPORTED_URL}") from exc
    except OSError as exc:
        raise LibraryError(
            f"{_display(url)}: cannot open the library ({exc.strerror or exc})"
        ) from exc
    except (OperationalError, DBAPIError) as exc:
        raise LibraryError(
            f"{_display(url)}: cannot open the library ({_first_line(exc)})"
        ) from exc
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Library(url=url, engine=engine, sessions=sessions, search=backend_for(engine))


@contextmanager
def _schema_lock(engine: Engine) -> Iterator[None]:
    """On PostgreSQL, one process at a time creates or upgrades the schema.

    Two analysts opening a new team library at the same moment would otherwise both see
    no tables and both try to create them. SQLite needs no lock: its file lock serialises.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK_KEY})
            connection.commit()


def _prepare_schema(engine: Engine, url: str) -> None:
    with _schema_lock(engine):
        _prepare_schema_locked(engine, url)


def _prepare_schema_locked(engine: Engine, url: str) -> None:
    head = head_revision()
    with engine.connect() as connection:
        current = _current_revision(connection)
        has_tables = current is not None or inspect(connection).has_table("document")
    if current is None and not has_tables:
        _create_new(engine)
        return
    if current == head:
        return
    from alembic import command

    if current is not None and not _known_revision(engine, current):
        raise LibraryError(
            f"{_display(url)}: this library was made by a newer Briefer (schema {current}); "
            "update Briefer to open it"
        )
    if current is not None and not _pending_for_dialect(engine, current):
        # Every pending migration is for another database (0004 changes PostgreSQL only):
        # record the new revision without copying a large SQLite file for nothing.
        command.stamp(alembic_config(engine), "head")
        return
    backup = _backup(url, current)
    try:
        command.upgrade(alembic_config(engine), "head")
    except Exception as exc:
        where = f"; the original is kept at {backup}" if backup else ""
        raise LibraryError(f"{_display(url)}: upgrading the library failed{where}: {exc}") from exc


def _current_revision(connection) -> str | None:  # type: ignore[no-untyped-def]
    """The revision stamped in ``alembic_version`` (plain SQL: no Alembic import needed)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def _known_revision(engine: Engine, revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.script.revision import ResolutionError
    from alembic.util.exc import CommandError

    script = ScriptDirectory.from_config(alembic_config(engine))
    try:
        return script.get_revision(revision) is not None
    except (ResolutionError, CommandError):
        return False


def _create_new(engine: Engine) -> None:
    from alembic import command

    metadata.create_all(engine)
    with engine.begin() as connection:
        backend_for(engine).install(connection)
        _insert_library_id(connection)
    command.stamp(alembic_config(engine), "head")


def library_id(library: Library) -> str | None:
    """The UUID naming this library (exports record it, ``verify`` compares it).

    Libraries made before it existed get one on first use; None when the library cannot
    be written (read-only), so exporting from it still works, just without the id.
    """
    query = text("SELECT value FROM library_info WHERE key = :key")
    with library.engine.connect() as connection:
        found = connection.execute(query, {"key": LIBRARY_ID_KEY}).scalar()
    if found:
        return str(found)
    try:
        with library.engine.begin() as connection:
            _insert_library_id(connection)
    except (DBAPIError, LibraryError):
        pass  # read-only, or another process stored one at the same moment: read again
    with library.engine.connect() as connection:
        found = connection.execute(query, {"key": LIBRARY_ID_KEY}).scalar()
    return str(found) if found else None


def _insert_library_id(connection) -> None:  # type: ignore[no-untyped-def]
    connection.execute(
        text("INSERT INTO library_info (key, value) VALUES (:key, :value)"),
        {"key": LIBRARY_ID_KEY, "value": str(uuid.uuid4())},
    )


def _pending_for_dialect(engine: Engine, current: str) -> bool:
    """Whether a migration after ``current`` changes this engine's kind of database.

    A migration module may name the dialects it changes in ``DIALECTS``; without it, it
    changes every one.
    """
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine))
    for revision in script.iterate_revisions("head", current):
        dialects = getattr(revision.module, "DIALECTS", None)
        if dialects is None or engine.dialect.name in dialects:
            return True
    return False


def _backup(url: str, revision: str | None) -> Path | None:
    path = sqlite_path(url)
    if path is None or not path.exists():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.stem}.backup-{revision or 'unversioned'}-{stamp}{path.suffix}")
    shutil.copy2(path, backup)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            shutil.copy2(side, backup.with_name(backup.name + suffix))
    return backup


def _display(url: str) -> str:
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _display_safely(url: str) -> str:
    """The library as typed when it is not even a URL SQLAlchemy can parse."""
    try:
        return _display(url)
    except Exception:
        return url


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", exc)).splitlines()[0] if str(exc) else type(exc).__name__
