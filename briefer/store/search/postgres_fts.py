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
as on SQLite.

Tags: as on SQLite, each row also holds its passage's (non-excluded) themes and countries
as lexemes (``zt`` + hex of the theme id, ``zc`` + hex of the country code) in a second
vector, ``tags``, GIN-indexed too. Theme and country filters then become a second
``@@`` that PostgreSQL answers from the index (a bitmap AND with the text match), where
checking each text match against the tag tables costs a join per matching passage. A
trigger on the tag tables keeps ``tags`` right whatever code changes a tag row; bulk
re-tagging turns it off for its transaction (``SET LOCAL briefer.tag_sync = 'off'``,
no lock taken) and refreshes the passages it changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, column, func, literal, table, text
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.sql import cast

from briefer.domain.folding import fold_tokens
from briefer.store.search import Filters, PassageTagIds, TextMatch
from briefer.store.search.query import And, Node, Not, Or, Term

SEARCH_TABLE = "passage_search"
INDEX_NAME = "ix_passage_search_body"

# PostgreSQL limits: a lexeme < 2 KiB, positions 1..16383 (larger ones are clamped), at
# most 256 positions kept per lexeme. Words longer than this are not searchable.
MAX_LEXEME_BYTES = 2000
MAX_POSITION = 16383
BATCH = 20_000

TAGS_INDEX_NAME = "ix_passage_search_tags"
SYNC_SETTING = "briefer.tag_sync"

_TAGS_OF = """
    SELECT coalesce(array_to_tsvector(array_agg(tok)), ''::tsvector) FROM (
        SELECT 'zt' || encode(convert_to(theme_id, 'UTF8'), 'hex') AS tok FROM passage_theme
        WHERE passage_id = pid AND NOT excluded
        UNION ALL
        SELECT 'zc' || encode(convert_to(country_code, 'UTF8'), 'hex') FROM passage_country
        WHERE passage_id = pid AND NOT excluded) AS tokens
"""

_CREATE_TABLE = [
    f"CREATE TABLE IF NOT EXISTS {SEARCH_TABLE} ("
    "passage_id INTEGER PRIMARY KEY REFERENCES passage(id) ON DELETE CASCADE, "
    "body TSVECTOR NOT NULL, tags TSVECTOR NOT NULL DEFAULT ''::tsvector)",
    "CREATE OR REPLACE FUNCTION briefer_passage_tags(pid integer) RETURNS tsvector "
    f"LANGUAGE sql STABLE AS $${_TAGS_OF}$$",
    "CREATE OR REPLACE FUNCTION briefer_tags_changed() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    f"  IF coalesce(current_setting('{SYNC_SETTING}', true), '') = 'off' THEN RETURN NULL; END IF;\n"
    "  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n"
    f"    UPDATE {SEARCH_TABLE} SET tags = briefer_passage_tags(OLD.passage_id)\n"
    "    WHERE passage_id = OLD.passage_id;\n"
    "  END IF;\n"
    "  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n"
    f"    UPDATE {SEARCH_TABLE} SET tags = briefer_passage_tags(NEW.passage_id)\n"
    "    WHERE passage_id = NEW.passage_id;\n"
    "  END IF;\n"
    "  RETURN NULL;\n"
    "END $$",
    *[
        f"CREATE OR REPLACE TRIGGER {SEARCH_TABLE}_{tag_table} "
        f"AFTER INSERT OR UPDATE OR DELETE ON {tag_table} "
        "FOR EACH ROW EXECUTE FUNCTION briefer_tags_changed()"
        for tag_table in ("passage_theme", "passage_country")
    ],
]
_CREATE_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON {SEARCH_TABLE} USING gin (body)",
    f"CREATE INDEX IF NOT EXISTS {TAGS_INDEX_NAME} ON {SEARCH_TABLE} USING gin (tags)",
]
_CREATE = _CREATE_TABLE + _CREATE_INDEXES

_search = table(
    SEARCH_TABLE, column("passage_id"), column("body", TSVECTOR), column("tags", TSVECTOR)
)


def theme_token(theme_id: str) -> str:
    return "zt" + theme_id.encode().hex()


def country_token(code: str) -> str:
    return "zc" + code.encode().hex()


def _quote(word: str) -> str:
    """A lexeme as a tsvector/tsquery literal (our words are letters and digits only)."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(passage_text: str) -> str:
    """The text of a tsvector holding the folded words of a passage with their positions.

    Words are runs of letters and digits (``fold_tokens``), so they never hold a quote or a
    backslash and need no escaping. This runs once per passage in a bulk rebuild: it is
    written for speed (about 40 µs for a 270-character passage).
    """
    words = fold_tokens(passage_text)
    if len(words) > MAX_POSITION:
        return _tsvector_literal_long(words)
    positions: dict[str, list[str]] = {}
    for position, word in enumerate(words, start=1):
        spots = positions.get(word)
        if spots is None:
            positions[word] = [str(position)]
        else:
            spots.append(str(position))
    return " ".join(
        f"'{word}':{','.join(spots)}"
        for word, spots in positions.items()
        if len(word) * 4 <= MAX_LEXEME_BYTES or len(word.encode()) <= MAX_LEXEME_BYTES
    )


def _tsvector_literal_long(words: list[str]) -> str:
    """Positions past PostgreSQL's last (16383) are clamped to it, as PostgreSQL does."""
    positions: dict[str, list[int]] = {}
    for position, word in enumerate(words, start=1):
        if len(word.encode()) <= MAX_LEXEME_BYTES:
            positions.setdefault(word, []).append(min(position, MAX_POSITION))
    return " ".join(
        f"'{word}':{','.join(map(str, dict.fromkeys(spots)))}" for word, spots in positions.items()
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

    def index(
        self,
        connection: Connection,
        rows: Iterable[tuple[int, str]],
        tags: Mapping[int, PassageTagIds] | None = None,
    ) -> None:
        """Tag lexemes come from the tag tables (``briefer_passage_tags``) either way."""
        params = [{"id": pid, "body": tsvector_literal(body)} for pid, body in rows]
        if params:
            connection.execute(
                text(
                    f"INSERT INTO {SEARCH_TABLE} (passage_id, body, tags) "
                    "VALUES (:id, CAST(:body AS tsvector), briefer_passage_tags(:id)) "
                    "ON CONFLICT (passage_id) DO UPDATE "
                    "SET body = excluded.body, tags = excluded.tags"
                ),
                params,
            )

    def unindex(self, connection: Connection, passage_ids: Iterable[int]) -> None:
        params = [{"id": i} for i in passage_ids]
        if params:
            connection.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE passage_id = :id"), params)

    @contextmanager
    def tag_sync_suspended(self, connection: Connection) -> Iterator[None]:
        """Bulk tag changes without the per-row trigger, in this transaction only.

        The setting is transaction-local (other analysts' changes keep their trigger) and
        takes no lock; call ``refresh_tags`` for the passages changed before leaving.
        """
        connection.execute(text(f"SELECT set_config('{SYNC_SETTING}', 'off', true)"))
        try:
            yield
        finally:
            connection.execute(text(f"SELECT set_config('{SYNC_SETTING}', 'on', true)"))

    def refresh_tags(self, connection: Connection, first_id: int, last_id: int) -> None:
        """Recompute the tag lexemes of passages ``first_id..last_id`` (inclusive)."""
        connection.execute(
            text(
                f"UPDATE {SEARCH_TABLE} SET tags = briefer_passage_tags(passage_id) "
                "WHERE passage_id BETWEEN :first AND :last"
            ),
            {"first": first_id, "last": last_id},
        )

    def refresh_passages(self, connection: Connection, passage_ids: Iterable[int]) -> None:
        """Recompute the tag lexemes of the given passages."""
        params = [{"id": pid} for pid in passage_ids]
        if params:
            connection.execute(
                text(
                    f"UPDATE {SEARCH_TABLE} SET tags = briefer_passage_tags(passage_id) "
                    "WHERE passage_id = :id"
                ),
                params,
            )

    def rebuild(self, connection: Connection) -> None:
        """Refill the index from the passage table: batches folded in Python, loaded by COPY.

        The GIN index is dropped during the load and built once at the end (far faster
        than maintaining it row by row), all in the caller's transaction.
        """
        for statement in _CREATE_TABLE:
            connection.execute(text(statement))
        for name in (INDEX_NAME, TAGS_INDEX_NAME):
            connection.execute(text(f"DROP INDEX IF EXISTS {name}"))
        connection.execute(text(f"TRUNCATE {SEARCH_TABLE}"))
        raw: Any = connection.connection.driver_connection
        last = 0
        copy_sql = f"COPY {SEARCH_TABLE} (passage_id, body, tags) FROM STDIN"
        while True:
            rows = connection.execute(
                text("SELECT id, text FROM passage WHERE id > :last ORDER BY id LIMIT :n"),
                {"last": last, "n": BATCH},
            ).all()
            if not rows:
                break
            tags = _tag_tokens(connection, rows[0][0], rows[-1][0])
            with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
                for pid, body in rows:
                    tokens = sorted(tags.get(pid, ()))
                    copy.write_row((pid, tsvector_literal(body), " ".join(tokens)))
            last = rows[-1][0]
        # GIN builds far faster when its pending lists fit in memory (this transaction only).
        connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        for statement in _CREATE_INDEXES:
            connection.execute(text(statement))
        connection.execute(text(f"ANALYZE {SEARCH_TABLE}"))

    def facet_stamp(self, connection: Connection) -> int | None:
        """No stamp on PostgreSQL yet: facets are counted in SQL."""
        return None

    def load_facet_index(self, connection: Connection, stamp: int) -> Any:
        raise NotImplementedError("PostgreSQL counts facets in SQL")

    def matching_ids(self, connection: Connection, query: Node | None) -> tuple[Any, bool] | None:
        raise NotImplementedError("PostgreSQL counts facets in SQL")

    def text_match(self, query: Node | None, filters: Filters | None = None) -> TextMatch | None:
        compiled = to_tsquery(query)
        tag_parts: list[str] = []
        absorbs: set[str] = set()
        if filters is not None and filters.themes:
            tag_parts.append(" | ".join(_quote(theme_token(t)) for t in filters.themes))
            absorbs.add("themes")
        if filters is not None and filters.countries:
            tag_parts.append(" | ".join(_quote(country_token(c)) for c in filters.countries))
            absorbs.add("countries")
        if compiled is None and not tag_parts:
            return None
        conditions: list[ColumnElement[bool]] = []
        rank = None
        if compiled is not None:
            tsquery = cast(literal(compiled), TSQUERY)
            conditions.append(_search.c.body.op("@@")(tsquery))
            rank = -func.ts_rank_cd(_search.c.body, tsquery)
        if tag_parts:
            tags = " & ".join(f"({part})" for part in tag_parts)
            conditions.append(_search.c.tags.op("@@")(cast(literal(tags), TSQUERY)))
        return TextMatch(
            source=_search,
            passage_id=_search.c.passage_id,
            condition=and_(*conditions),
            rank=rank,
            absorbs=frozenset(absorbs),
        )


def _tag_tokens(connection: Connection, first: int, last: int) -> dict[int, set[str]]:
    """The tag lexemes of passages ``first..last`` (for the bulk rebuild)."""
    tokens: dict[int, set[str]] = {}
    statement = text(
        "SELECT passage_id, 'zt' || encode(convert_to(theme_id, 'UTF8'), 'hex') "
        "FROM passage_theme WHERE passage_id BETWEEN :first AND :last AND NOT excluded "
        "UNION ALL "
        "SELECT passage_id, 'zc' || encode(convert_to(country_code, 'UTF8'), 'hex') "
        "FROM passage_country WHERE passage_id BETWEEN :first AND :last AND NOT excluded"
    )
    for pid, token in connection.execute(statement, {"first": first, "last": last}):
        tokens.setdefault(pid, set()).add(token)
    return tokens
