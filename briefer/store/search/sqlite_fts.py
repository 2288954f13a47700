"""SQLite FTS5 over a folded shadow of each passage (see ``briefer.domain.folding``).

The FTS table ``passage_fts`` holds, under the passage id as rowid, the folded text of the
passage: Python's sqlite3 cannot register a tokenizer that folds Đ or transliterates
Cyrillic, so we fold before indexing and fold queries the same way. It is an ordinary
FTS5 table (it stores the folded copy) because SQLite 3.40 has no ``contentless_delete``
and an external-content or contentless delete would have to re-fold the old text exactly;
storing it makes deletes safe whatever the folding rules become. Snippets are never taken
from it: they come from the original passage text.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, column, func, literal_column, table, text

from briefer.domain.folding import fold
from briefer.store.search import TextMatch
from briefer.store.search.query import Node, to_fts5

FTS_TABLE = "passage_fts"

_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "body, tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
)

_fts = table(FTS_TABLE, column("rowid"), column(FTS_TABLE))


class SqliteFtsBackend:
    name = "sqlite-fts5"

    def install(self, connection: Connection) -> None:
        connection.execute(text(_CREATE))

    def index(self, connection: Connection, rows: Iterable[tuple[int, str]]) -> None:
        params = [{"id": pid, "body": fold(body)} for pid, body in rows]
        if params:
            connection.execute(
                text(f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (:id, :body)"), params
            )

    def unindex(self, connection: Connection, passage_ids: Iterable[int]) -> None:
        params = [{"id": i} for i in passage_ids]
        if params:
            connection.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), params)

    def rebuild(self, connection: Connection) -> None:
        """Drop and refill the index from ``passage`` (one statement; fold runs in SQLite).

        Dropping is much faster than deleting a million rows one by one from FTS5, and
        ``optimize`` merges the index into one b-tree so the first queries are fast too.
        """
        raw = connection.connection.driver_connection
        raw.create_function("briefer_fold", 1, fold, deterministic=True)  # type: ignore[union-attr]
        connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))
        connection.execute(text(_CREATE))
        connection.execute(
            text(
                f"INSERT INTO {FTS_TABLE}(rowid, body) "
                "SELECT id, briefer_fold(text) FROM passage ORDER BY id"
            )
        )
        connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))

    def text_match(self, query: Node) -> TextMatch | None:
        compiled = to_fts5(query)
        if compiled is None:
            return None
        condition = literal_column(FTS_TABLE).op("MATCH")(compiled.expression)
        return TextMatch(
            source=_fts,
            passage_id=_fts.c.rowid,
            condition=condition,
            rank=None if compiled.negated else func.bm25(literal_column(FTS_TABLE)),
            negated=compiled.negated,
        )
