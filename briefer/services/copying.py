"""Copying a whole library between SQLite and PostgreSQL, then checking the copy.

The copy goes table by table in foreign-key order, streaming rows from the source.
Into PostgreSQL it loads with ``COPY … FROM STDIN`` (psycopg), into SQLite with batched
inserts and foreign keys checked at commit. Everything lands in ONE target transaction:
if anything fails, the target is left as it was. Ids are kept (briefings quote passages
by id, corrections and exports name them), PostgreSQL's id sequences are moved past the
copied ids, and the full-text index is rebuilt on the target from the copied passages.

JSON columns travel as their stored text, never decoded and re-encoded, so evidence and
corrections arrive byte for byte.

The check reads both libraries afresh: the row count of every table, and a SHA-256 over
every passage's id and exact text in id order. A target that already holds documents,
briefings or corrections is refused unless ``replace`` is given (then it is emptied
first, in the same transaction).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Engine,
    Integer,
    Table,
    Text,
    cast,
    column,
    func,
    inspect,
    select,
    table,
    text,
    type_coerce,
)
from sqlalchemy.exc import SQLAlchemyError

from briefer.domain.errors import BrieferError, LibraryError
from briefer.store.engine import display_url as describe_url
from briefer.store.engine import make_engine, resolve_url, sqlite_path
from briefer.store.library import Library, open_library
from briefer.store.schema import metadata
from briefer.store.search import backend_for

BATCH = 10_000

# Reference data a library is seeded with when first opened; a target holding only these
# counts as empty (the source's copy, with its user's own edits, replaces them).
REFERENCE_TABLES = frozenset(
    {"country", "country_group", "country_group_member", "theme", "theme_cue", "library_info"}
)


class CopyError(BrieferError):
    """The copy was refused or failed; the target is as it was."""


@dataclass
class CopyReport:
    """What was copied and what the check found on both sides."""

    source: str
    target: str
    source_counts: dict[str, int] = field(default_factory=dict)
    target_counts: dict[str, int] = field(default_factory=dict)
    source_checksum: str = ""
    target_checksum: str = ""

    @property
    def mismatches(self) -> list[str]:
        """One line per difference the check found (empty when the copy is exact)."""
        lines = [
            f"table {name}: {count} rows in the source, {self.target_counts.get(name)} in the copy"
            for name, count in self.source_counts.items()
            if self.target_counts.get(name) != count
        ]
        if self.source_checksum != self.target_checksum:
            lines.append("passage texts differ (checksums do not match)")
        return lines

    @property
    def ok(self) -> bool:
        return not self.mismatches


Report = Callable[[str], None]


def copy_library(
    source_db: str, target_db: str, *, replace: bool = False, report: Report | None = None
) -> CopyReport:
    """Copy every table of ``source_db`` into ``target_db``, then check the copy."""
    say = report or (lambda _line: None)
    _require_library(source_db)
    source = open_library(source_db)
    try:
        target = open_library(target_db)
        try:
            if describe_url(source.url) == describe_url(target.url):
                raise CopyError(f"{describe_url(source.url)}: the source and the target are one")
            _copy(source, target, replace=replace, say=say)
            _vacuum(target, say)
            say("checking the copy")
            result = CopyReport(describe_url(source.url), describe_url(target.url))
            result.source_counts = table_counts(source.engine)
            result.target_counts = table_counts(target.engine)
            result.source_checksum = passage_checksum(source.engine)
            result.target_checksum = passage_checksum(target.engine)
            return result
        finally:
            target.close()
    finally:
        source.close()


def _vacuum(library: Library, say: Report) -> None:
    """On PostgreSQL, VACUUM the copied library once it is committed.

    Freshly loaded rows carry no hint bits and no page is marked all-visible: until a
    vacuum, the first searches write hint bits to every page they read, and counts
    cannot skip the heap. VACUUM cannot run inside the copy's transaction.
    """
    if library.engine.dialect.name != "postgresql":
        return
    say("vacuuming")
    with library.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM"))


def _require_library(db: str) -> None:
    """Refuse a source that holds no library (a mistyped path would otherwise be created)."""
    url = resolve_url(db)
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        raise CopyError(f"{path}: no library there (check the --from path)")
    if path is not None:
        return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            found = inspect(connection).has_table("document")
    finally:
        engine.dispose()
    if not found:
        raise CopyError(f"{describe_url(url)}: this database holds no Briefer library")


def _copy(source: Library, target: Library, *, replace: bool, say: Report) -> None:
    where = describe_url(target.url)
    current = "the target"
    try:
        with source.engine.connect() as reading, target.engine.begin() as writing:
            held = _user_rows(writing)
            if held and not replace:
                listed = ", ".join(f"{n} {t}" for t, n in held.items())
                raise CopyError(
                    f"{where}: the target library is not empty ({listed}); "
                    "copy into an empty library, or pass --replace to overwrite it"
                )
            _empty(writing)
            for source_table in metadata.sorted_tables:
                current = f"table {source_table.name}"
                copied = _copy_table(reading, writing, source_table)
                say(f"{source_table.name}: {copied} rows")
            if writing.dialect.name == "postgresql":
                _advance_sequences(writing)
            current = "the search index"
            say("rebuilding the search index")
            backend_for(writing).rebuild(writing)
            if writing.dialect.name == "postgresql":
                # Fresh statistics: the planner would otherwise guess at a bulk-loaded library.
                writing.execute(text("ANALYZE"))
    except BrieferError:
        raise
    except Exception as exc:  # the transaction is rolled back whatever failed
        # psycopg refuses some values before they reach the server (a NUL in text).
        orig = getattr(exc, "orig", None) if isinstance(exc, SQLAlchemyError) else exc
        reason = (str(orig or exc).strip().splitlines() or [type(exc).__name__])[0]
        raise CopyError(
            f"{where}: the copy failed at {current}, nothing was changed ({reason})"
        ) from exc


def _user_rows(connection: Connection) -> dict[str, int]:
    counts = {
        t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
        for t in metadata.sorted_tables
        if t.name not in REFERENCE_TABLES
    }
    return {name: count for name, count in counts.items() if count}


def _empty(connection: Connection) -> None:
    tables = list(reversed(metadata.sorted_tables))
    if connection.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        connection.execute(text(f"TRUNCATE {names} CASCADE"))
        return
    connection.execute(text("PRAGMA defer_foreign_keys = ON"))
    for each in tables:
        connection.execute(each.delete())


def _is_json(col: Any) -> bool:
    return isinstance(col.type, JSON)


def _read(
    connection: Connection, source_table: Table, *, raw: bool = False
) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of rows in primary-key order; JSON columns as their stored text.

    ``raw`` (SQLite into PostgreSQL's COPY): the driver's own values, without SQLAlchemy's
    per-value processing. SQLite stores dates and times as ISO text and booleans as 0/1,
    which is exactly what COPY's text format reads; it halves the time of a large copy.
    """
    if raw and connection.dialect.name == "sqlite":
        names = ", ".join(f'"{c.name}"' for c in source_table.columns)
        keys = ", ".join(f'"{c.name}"' for c in source_table.primary_key.columns)
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(f'SELECT {names} FROM "{source_table.name}" ORDER BY {keys}')
            while batch := cursor.fetchmany(BATCH):
                yield batch
        finally:
            cursor.close()
        return
    columns = []
    for col in source_table.columns:
        if not _is_json(col):
            columns.append(col)
        elif connection.dialect.name == "postgresql":
            columns.append(cast(col, Text).label(col.name))
        else:
            columns.append(type_coerce(col, Text).label(col.name))
    statement = select(*columns).order_by(*source_table.primary_key.columns)
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(statement)
    for batch in result.partitions(BATCH):
        yield [tuple(row) for row in batch]


def _copy_table(reading: Connection, writing: Connection, source_table: Table) -> int:
    names = [c.name for c in source_table.columns]
    copied = 0
    if writing.dialect.name == "postgresql":
        raw: Any = writing.connection.driver_connection
        quoted = ", ".join(f'"{n}"' for n in names)
        statement = f'COPY "{source_table.name}" ({quoted}) FROM STDIN'
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for batch in _read(reading, source_table, raw=True):
                for row in batch:
                    copy.write_row(row)
                copied += len(batch)
        return copied
    # SQLite: JSON text goes in as it is (an untyped column), other columns keep their type.
    into = table(
        source_table.name,
        *[column(c.name, Text() if _is_json(c) else c.type) for c in source_table.columns],
    )
    insert = into.insert()
    for batch in _read(reading, source_table):
        writing.execute(insert, [dict(zip(names, row, strict=True)) for row in batch])
        copied += len(batch)
    return copied


def _advance_sequences(connection: Connection) -> None:
    """Move each serial id sequence past the copied ids, so new rows do not collide."""
    for each in metadata.sorted_tables:
        keys = list(each.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        name = keys[0].name
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": each.name, "c": name}
        ).scalar()
        if sequence is None:
            continue
        connection.execute(
            text(
                f'SELECT setval(:s, coalesce(max("{name}"), 1), max("{name}") IS NOT NULL) '
                f'FROM "{each.name}"'
            ),
            {"s": sequence},
        )


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table the models describe."""
    with engine.connect() as connection:
        return {
            t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def passage_checksum(engine: Engine) -> str:
    """SHA-256 over every passage's id and exact text, in id order."""
    passage = metadata.tables["passage"]
    digest = hashlib.sha256()
    with engine.connect() as connection:
        statement = select(passage.c.id, passage.c.text).order_by(passage.c.id)
        result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
            statement
        )
        for pid, body in result:
            digest.update(f"{pid}\x1f{body}\x1e".encode())
    return digest.hexdigest()


__all__ = ["CopyError", "CopyReport", "LibraryError", "copy_library", "passage_checksum"]
