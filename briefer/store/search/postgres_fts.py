"""PostgreSQL full-text search over the same folded words as SQLite, in a GIN-indexed tsvector.

The table ``passage_search`` holds one ``tsvector`` per passage (``passage_id`` is the key
and references ``passage`` with ``ON DELETE CASCADE``). The vector is NOT made by
``to_tsvector``: Python folds the text (``briefer.domain.folding``: case, diacritics, đ,
Cyrillic→Latin) and splits it with ``fold_tokens``, exactly as for SQLite's FTS5 index,
and writes the words with their positions as a tsvector literal. Queries come from the
same parser (``briefer.store.search.query``) and are written as tsquery literals. So the
two backends see the same words at the same positions and find the same passages:

- no stemming and no stop words (the ``simple`` behaviour): ``border`` does not find
  ``borders`` on either backend; ``border*`` finds both. An English stemmer would make
  PostgreSQL find more than SQLite for the same library, and would stem Serbian names;
- PostgreSQL's own parser would keep ``co-operation`` or ``3.2`` as one token and may
  drop non-ASCII letters under a C locale; the Python tokenizer does neither;
- ``unaccent`` is not needed (folding is done before PostgreSQL sees the text), so a
  team library needs no extension and no superuser.

Phrases become ``<->`` chains, AND/OR/NOT become ``& | !``, a prefix ``:*``. Ranking is
``ts_rank_cd`` (cover density: terms close together rank higher), negated so that lower
is better as the shared SQL expects. Snippets are cut from the original text in Python,
as on SQLite. Tags are not in the index: theme and country filters stay with the shared
SQL (``EXISTS`` on the tag tables, which PostgreSQL turns into hash semi-joins).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, column, func, literal, table, text
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.sql import cast

from briefer.domain.folding import fold_tokens
from briefer.store.search import Filters, TextMatch
from briefer.store.search.query import And, Node, Not, Or, Term

SEARCH_TABLE = "passage_search"
INDEX_NAME = "ix_passage_search_body"

# PostgreSQL limits: a lexeme < 2 KiB, positions 1..16383 (larger ones are clamped), at
# most 256 positions kept per lexeme. Words longer than this are not searchable.
MAX_LEXEME_BYTES = 2000
MAX_POSITION = 16383
BATCH = 20_000

_CREATE = [
    f"CREATE TABLE IF NOT EXISTS {SEARCH_TABLE} ("
    "passage_id INTEGER PRIMARY KEY REFERENCES passage(id) ON DELETE CASCADE, "
    "body TSVECTOR NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON {SEARCH_TABLE} USING gin (body)",
]

_search = table(SEARCH_TABLE, column("passage_id"), column("body", TSVECTOR))


def _quote(word: str) -> str:
    """A lexeme as a tsvector/tsquery literal (our words are letters and digits only)."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(passage_text: str) -> str:
    """The text of a tsvector holding the folded words of a passage with their positions."""
    positions: dict[str, list[int]] = {}
    for position, word in enumerate(fold_tokens(passage_text), start=1):
        if len(word.encode()) > MAX_LEXEME_BYTES:
            continue
        positions.setdefault(word, []).append(min(position, MAX_POSITION))
    return " ".join(
        f"{_quote(word)}:{','.join(map(str, dict.fromkeys(spots)))}"
        for word, spots in positions.items()
    )


def _term(term: Term) -> str:
    words = [_quote(w) for w in term.words]
    if term.prefix:
        words[-1] += ":*"
    return " <-> ".join(words) if len(words) > 1 else words[0]


def to_tsquery(node: Node | None) -> str | None:
    """The tree as a tsquery literal (None: no text condition)."""
    if node is None:
        return None
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Not):
        inner = to_tsquery(node.child)
        return None if inner is None else f"!({inner})"
    parts = [p for p in (to_tsquery(child) for child in node.children) if p is not None]
    if not parts:
        return None
    joiner = " & " if isinstance(node, And) else " | "
    assert isinstance(node, And | Or)
    return "(" + joiner.join(f"({p})" for p in parts) + ")"


class PostgresFtsBackend:
    name = "postgresql-tsvector"

    def install(self, connection: Connection) -> None:
        for statement in _CREATE:
            connection.execute(text(statement))

    def index(self, connection: Connection, rows: Iterable[tuple[int, str]]) -> None:
        params = [{"id": pid, "body": tsvector_literal(body)} for pid, body in rows]
        if params:
            connection.execute(
                text(
                    f"INSERT INTO {SEARCH_TABLE} (passage_id, body) "
                    "VALUES (:id, CAST(:body AS tsvector)) "
                    "ON CONFLICT (passage_id) DO UPDATE SET body = excluded.body"
                ),
                params,
            )

    def unindex(self, connection: Connection, passage_ids: Iterable[int]) -> None:
        params = [{"id": i} for i in passage_ids]
        if params:
            connection.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE passage_id = :id"), params)

    @contextmanager
    def tag_sync_suspended(self, connection: Connection) -> Iterator[None]:
        """Nothing to suspend: tags are not part of this index."""
        yield

    def refresh_tags(self, connection: Connection, first_id: int, last_id: int) -> None:
        """Nothing to refresh: tags are not part of this index."""

    def rebuild(self, connection: Connection) -> None:
        """Refill the index from the passage table: batches folded in Python, loaded by COPY.

        The GIN index is dropped during the load and built once at the end (far faster
        than maintaining it row by row), all in the caller's transaction.
        """
        connection.execute(text(f"DROP INDEX IF EXISTS {INDEX_NAME}"))
        self.install(connection)
        connection.execute(text(f"DROP INDEX IF EXISTS {INDEX_NAME}"))
        connection.execute(text(f"TRUNCATE {SEARCH_TABLE}"))
        raw: Any = connection.connection.driver_connection
        last = 0
        while True:
            rows = connection.execute(
                text("SELECT id, text FROM passage WHERE id > :last ORDER BY id LIMIT :n"),
                {"last": last, "n": BATCH},
            ).all()
            if not rows:
                break
            with raw.cursor() as cursor:
                copy_sql = f"COPY {SEARCH_TABLE} (passage_id, body) FROM STDIN"
                with cursor.copy(copy_sql) as copy:
                    for pid, body in rows:
                        copy.write_row((pid, tsvector_literal(body)))
            last = rows[-1][0]
        self.install(connection)
        connection.execute(text(f"ANALYZE {SEARCH_TABLE}"))

    def text_match(self, query: Node | None, filters: Filters | None = None) -> TextMatch | None:
        compiled = to_tsquery(query)
        if compiled is None:
            return None
        tsquery = cast(literal(compiled), TSQUERY)
        return TextMatch(
            source=_search,
            passage_id=_search.c.passage_id,
            condition=_search.c.body.op("@@")(tsquery),
            rank=-func.ts_rank_cd(_search.c.body, tsquery),
        )
