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
``ts_rank`` (how often the query's words occur) divided by 1 + the log of the passage's
length, as bm25 on SQLite favours short passages: on the benchmark library the best 50
share 56 % of their passages with SQLite's, where ``ts_rank_cd`` without a length
normalisation shared 30 %; cover density (``ts_rank_cd``) with it shared 65 % but costs
three times as much per match, and a common word has 60,000 matches at a million
passages. The rank is negated so that lower is better, as the shared SQL expects.
Snippets are cut from the original text in Python, as on SQLite.

Tags: as on SQLite, each row also holds its passage's tag words
(``briefer.store.search.tag_tokens``: themes with their parents, countries with their
groups, and top-level-theme × place pairs) in a second vector, ``tags``, and its part
word (``part_word``). One GIN index covers both vectors: theme and country filters become
a second ``@@`` answered in the same index scan as the text, where checking each text
match against the tag tables costs a join per matching passage; a theme-and-place filter
is one pair word.
Triggers on the tag tables, the theme tree and the group memberships keep ``tags`` right
whatever code changes them; bulk re-tagging turns them off for its transaction
(``SET LOCAL briefer.tag_sync = 'off'``, no lock taken) and refreshes the passages it
changed.

Searches run with a larger ``work_mem`` (``prepare_search``): with the default 4 MB the
bitmap of a common word's 200,000 matches goes lossy, and every row of a lossy page is
read and re-checked (200,000 more rows for one query half).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, and_, column, func, literal, table, text
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.sql import cast

from briefer.domain.folding import fold_tokens
from briefer.store.search import Filters, PassageTagIds, TextMatch
from briefer.store.search.query import And, Node, Not, Or, Term
from briefer.store.search.tag_tokens import (
    REFRESH_CHUNK,
    TAG_WORD_INITIAL,
    TagTree,
    active_links,
    country_tokens,
    pair_tokens,
    theme_tokens,
)

SEARCH_TABLE = "passage_search"
INDEX_NAME = "ix_passage_search_words"  # GIN over (body, tags): one scan for text and tags
OLD_INDEX_NAMES = ("ix_passage_search_body", "ix_passage_search_tags")  # before 0004

# PostgreSQL limits: a lexeme < 2 KiB, positions 1..16383 (larger ones are clamped), at
# most 256 positions kept per lexeme. Words longer than this are not searchable.
MAX_LEXEME_BYTES = 2000
MAX_POSITION = 16383
BATCH = 20_000

SEARCH_WORK_MEM = "64MB"
SYNC_SETTING = "briefer.tag_sync"


RANK_NORMALISATION = 1  # ts_rank divided by 1 + log(number of words)
PARTS = 2  # a big library is ranked in this many parts at once, one per core
PART_WORDS = tuple(f"{TAG_WORD_INITIAL}h{i}" for i in range(PARTS))


def part_word(passage_id: int) -> str:
    """The word naming the part a passage is ranked in (``zh0``, ``zh1``).

    Ranking a common word scores every match; two connections score half each. A part
    named by a word of the index is answered by the same GIN scan as the text and the
    filters, where a range of ids ANDs a bitmap of half the primary key (500,000
    entries, 20-35 ms) into every half. Parity keeps the parts even as ids grow.
    """
    return PART_WORDS[passage_id % PARTS]


def tag_words(tree: TagTree, passage_id: int, links: PassageTagIds) -> str:
    """The ``tags`` vector of a passage as text: its tag words and its part word."""
    return f"{tree.tokens(*links)} {part_word(passage_id)}".lstrip()


def _hex(expression: str) -> str:
    """SQL for the hex of a text's UTF-8 bytes (SQLite's ``lower(hex(x))``)."""
    return f"encode(convert_to({expression}, 'UTF8'), 'hex')"


# The words of ``briefer.store.search.tag_tokens`` for passage ``pid``: its themes with
# their parent and grandparent, its countries with their groups, and the pairs of its
# top-level themes with its countries and groups (``TagTree.tokens``, tested equal); and
# its part word (``part_word``).
_TAGS_OF = f"""
    WITH themes AS (
        SELECT t.id, p.id AS parent, g.id AS grandparent,
               CASE WHEN t.parent_id IS NULL THEN t.id WHEN p.parent_id IS NULL THEN p.id
                    WHEN g.parent_id IS NULL THEN g.id END AS top
        FROM passage_theme l JOIN theme t ON t.id = l.theme_id
        LEFT JOIN theme p ON p.id = t.parent_id LEFT JOIN theme g ON g.id = p.parent_id
        WHERE l.passage_id = pid AND NOT l.excluded),
    codes AS (
        SELECT country_code AS code FROM passage_country WHERE passage_id = pid AND NOT excluded),
    groups AS (
        SELECT DISTINCT m.group_id FROM country_group_member m JOIN codes ON codes.code = m.country_code),
    places AS (
        SELECT 'c' || {_hex("code")} AS term FROM codes
        UNION SELECT 'g' || {_hex("group_id")} FROM groups)
    SELECT coalesce(array_to_tsvector(array_agg(tok)), ''::tsvector) FROM (
        SELECT 'zt' || {_hex("id")} AS tok FROM themes
        UNION SELECT 'zt' || {_hex("parent")} FROM themes WHERE parent IS NOT NULL
        UNION SELECT 'zt' || {_hex("grandparent")} FROM themes WHERE grandparent IS NOT NULL
        UNION SELECT 'zc' || {_hex("code")} FROM codes
        UNION SELECT 'zg' || {_hex("group_id")} FROM groups
        UNION SELECT 'zp' || {_hex("top")} || 'x' || term FROM themes, places
              WHERE top IS NOT NULL
        UNION SELECT 'zh' || (pid % {PARTS})) AS tokens
"""
_SYNC_OFF = f"coalesce(current_setting('{SYNC_SETTING}', true), '') = 'off'"
_RETAG = f"UPDATE {SEARCH_TABLE} SET tags = briefer_passage_tags(passage_id) WHERE passage_id"
# passages whose words name a theme: its own, its children's (grandparent word) and its
# grandchildren's (their top theme); deeper ones have no word naming it (ANCESTOR_LEVELS)
_UNDER_THEME = (
    "SELECT passage_id FROM passage_theme WHERE theme_id = NEW.id "
    "OR theme_id IN (SELECT id FROM theme WHERE parent_id = NEW.id) "
    "OR theme_id IN (SELECT id FROM theme WHERE parent_id IN "
    "(SELECT id FROM theme WHERE parent_id = NEW.id))"
)

_CREATE_TABLE = [
    f"CREATE TABLE IF NOT EXISTS {SEARCH_TABLE} ("
    "passage_id INTEGER PRIMARY KEY REFERENCES passage(id) ON DELETE CASCADE, "
    "body TSVECTOR NOT NULL, tags TSVECTOR NOT NULL DEFAULT ''::tsvector)",
    "CREATE OR REPLACE FUNCTION briefer_passage_tags(pid integer) RETURNS tsvector "
    f"LANGUAGE sql STABLE AS $${_TAGS_OF}$$",
    "CREATE OR REPLACE FUNCTION briefer_tags_changed() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    f"  IF {_SYNC_OFF} THEN RETURN NULL; END IF;\n"
    "  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n"
    f"    {_RETAG} = OLD.passage_id;\n"
    "  END IF;\n"
    "  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n"
    f"    {_RETAG} = NEW.passage_id;\n"
    "  END IF;\n"
    "  RETURN NULL;\n"
    "END $$",
    *[
        f"CREATE OR REPLACE TRIGGER {SEARCH_TABLE}_{tag_table} "
        f"AFTER INSERT OR UPDATE OR DELETE ON {tag_table} "
        "FOR EACH ROW EXECUTE FUNCTION briefer_tags_changed()"
        for tag_table in ("passage_theme", "passage_country")
    ],
    # Writing the taxonomy or the groups pauses these and refreshes what moved once; they
    # serve other changes (SQL by hand, one theme moved).
    "CREATE OR REPLACE FUNCTION briefer_theme_moved() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    f"  IF {_SYNC_OFF} THEN RETURN NULL; END IF;\n"
    f"  {_RETAG} IN ({_UNDER_THEME});\n"
    "  RETURN NULL;\n"
    "END $$",
    f"CREATE OR REPLACE TRIGGER {SEARCH_TABLE}_theme_parent AFTER UPDATE OF parent_id ON theme "
    "FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id) "
    "EXECUTE FUNCTION briefer_theme_moved()",
    "CREATE OR REPLACE FUNCTION briefer_group_changed() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "DECLARE code text;\n"
    "BEGIN\n"
    f"  IF {_SYNC_OFF} THEN RETURN NULL; END IF;\n"
    "  IF TG_OP = 'DELETE' THEN code := OLD.country_code; ELSE code := NEW.country_code; END IF;\n"
    f"  {_RETAG} IN (SELECT passage_id FROM passage_country WHERE country_code = code);\n"
    "  RETURN NULL;\n"
    "END $$",
    f"CREATE OR REPLACE TRIGGER {SEARCH_TABLE}_group_member "
    "AFTER INSERT OR DELETE ON country_group_member "
    "FOR EACH ROW EXECUTE FUNCTION briefer_group_changed()",
]
_CREATE_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON {SEARCH_TABLE} USING gin (body, tags)",
]
_CREATE = _CREATE_TABLE + _CREATE_INDEXES

_search = table(
    SEARCH_TABLE, column("passage_id"), column("body", TSVECTOR), column("tags", TSVECTOR)
)


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
        """With ``tags`` the words are computed here (``TagTree``), else by the SQL function.

        The importer knows the links it just wrote; reading them, the theme tree and the
        groups back for every passage is most of the cost of the server-side function.
        """
        if tags is None:
            params = [{"id": pid, "body": tsvector_literal(body)} for pid, body in rows]
            statement = (
                f"INSERT INTO {SEARCH_TABLE} (passage_id, body, tags) "
                "VALUES (:id, CAST(:body AS tsvector), briefer_passage_tags(:id)) "
            )
        else:
            tree = TagTree.read(connection)
            params = [
                {
                    "id": pid,
                    "body": tsvector_literal(body),
                    "tags": tag_words(tree, pid, tags.get(pid, ((), ()))),
                }
                for pid, body in rows
            ]
            statement = (
                f"INSERT INTO {SEARCH_TABLE} (passage_id, body, tags) "
                "VALUES (:id, CAST(:body AS tsvector), CAST(:tags AS tsvector)) "
            )
        if params:
            connection.execute(
                text(
                    statement + "ON CONFLICT (passage_id) DO UPDATE "
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
        """Bulk tag changes without the per-row triggers, in this transaction only.

        The setting is transaction-local (other analysts' changes keep their trigger) and
        takes no lock; call ``refresh_tags`` for the passages changed before leaving.
        """
        connection.execute(text(f"SELECT set_config('{SYNC_SETTING}', 'off', true)"))
        try:
            yield
        finally:
            connection.execute(text(f"SELECT set_config('{SYNC_SETTING}', 'on', true)"))

    def refresh_tags(self, connection: Connection, first_id: int, last_id: int) -> None:
        """Recompute the tag words of passages ``first_id..last_id`` (inclusive)."""
        tree = TagTree.read(connection)
        for start in range(first_id, last_id + 1, REFRESH_CHUNK):
            end = min(start + REFRESH_CHUNK - 1, last_id)
            ids = connection.execute(
                text(
                    f"SELECT passage_id FROM {SEARCH_TABLE} "
                    "WHERE passage_id BETWEEN :a AND :b ORDER BY passage_id"
                ),
                {"a": start, "b": end},
            ).scalars()
            _write_tags(connection, tree, list(ids))

    def refresh_passages(self, connection: Connection, passage_ids: Iterable[int]) -> None:
        """Recompute the tag words of the given passages."""
        tree = TagTree.read(connection)
        ids = sorted(set(passage_ids))
        for start in range(0, len(ids), REFRESH_CHUNK):
            _write_tags(connection, tree, ids[start : start + REFRESH_CHUNK])

    def recompute_tags(self, connection: Connection) -> None:
        """Every passage's tag words anew, and the GIN index built once after (upgrades).

        Maintaining the GIN index through a million updated rows costs several times
        building it at the end, so it is dropped first (with the indexes of older
        libraries), in the caller's transaction.
        """
        for statement in _CREATE_TABLE:
            connection.execute(text(statement))
        for name in (INDEX_NAME, *OLD_INDEX_NAMES):
            connection.execute(text(f"DROP INDEX IF EXISTS {name}"))
        highest = connection.execute(text("SELECT max(id) FROM passage")).scalar()
        if highest is not None:
            self.refresh_tags(connection, 0, highest)
        _build_indexes(connection)

    def rebuild(self, connection: Connection) -> None:
        """Refill the index from the passage table: batches folded in Python, loaded by COPY.

        The GIN index is dropped during the load and built once at the end (far faster
        than maintaining it row by row), all in the caller's transaction.
        """
        for statement in _CREATE_TABLE:
            connection.execute(text(statement))
        for name in (INDEX_NAME, *OLD_INDEX_NAMES):
            connection.execute(text(f"DROP INDEX IF EXISTS {name}"))
        connection.execute(text(f"TRUNCATE {SEARCH_TABLE}"))
        raw: Any = connection.connection.driver_connection
        tree = TagTree.read(connection)
        last = 0
        copy_sql = f"COPY {SEARCH_TABLE} (passage_id, body, tags) FROM STDIN"
        while True:
            rows = connection.execute(
                text("SELECT id, text FROM passage WHERE id > :last ORDER BY id LIMIT :n"),
                {"last": last, "n": BATCH},
            ).all()
            if not rows:
                break
            links = active_links(connection, rows[0][0], rows[-1][0])
            with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
                for pid, body in rows:
                    tags = tag_words(tree, pid, links.get(pid, ((), ())))
                    copy.write_row((pid, tsvector_literal(body), tags))
            last = rows[-1][0]
        _build_indexes(connection)

    def merge_after_bulk_change(self, connection: Connection, changed: int) -> bool:
        """Nothing to do in the transaction: PostgreSQL's autovacuum reclaims the old row
        versions and flushes the GIN index's pending entries."""
        return False

    def prepare_search(self, connection: Connection) -> None:
        """Settings for this search transaction only (``SET LOCAL``).

        ``work_mem``: exact bitmaps for common words (see the module notes); memory is
        only taken as a query needs it. ``jit`` off: compiling the ranking query costs
        20-25 ms and saves nothing on queries that take tens of milliseconds.
        """
        connection.execute(text(f"SET LOCAL work_mem = '{SEARCH_WORK_MEM}'"))
        connection.execute(text("SET LOCAL jit = off"))

    def facet_stamp(self, connection: Connection) -> int | None:
        """No stamp on PostgreSQL yet: facets are counted in SQL."""
        return None

    def load_facet_index(self, connection: Connection, stamp: int) -> Any:
        raise NotImplementedError("PostgreSQL counts facets in SQL")

    def matching_ids(self, connection: Connection, query: Node | None) -> tuple[Any, bool] | None:
        raise NotImplementedError("PostgreSQL counts facets in SQL")

    def bm25_input(self, connection: Connection, query: Node | None, apart: Any = None) -> None:
        """None: PostgreSQL ranks with ``ts_rank`` in SQL."""
        return None

    def text_match(self, query: Node | None, filters: Filters | None = None) -> TextMatch | None:
        compiled = to_tsquery(query)
        tag_parts: list[str] = []
        absorbs: set[str] = set()
        pairs = pair_tokens(filters) if filters is not None else None
        if pairs is not None:
            tag_parts.append(" | ".join(_quote(token) for token in pairs))
            absorbs.update(("themes", "countries"))
        elif filters is not None and filters.themes:
            tag_parts.append(" | ".join(_quote(token) for token in theme_tokens(filters)))
            absorbs.add("themes")
        if pairs is None and filters is not None and filters.countries:
            tag_parts.append(" | ".join(_quote(token) for token in country_tokens(filters)))
            absorbs.add("countries")
        if compiled is None and not tag_parts:
            return None
        rank = None
        body = None
        if compiled is not None:
            tsquery = cast(literal(compiled), TSQUERY)
            body = _search.c.body.op("@@")(tsquery)
            rank = -func.ts_rank(_search.c.body, tsquery, RANK_NORMALISATION)

        def matching(tag_query: list[str]) -> TextMatch:
            conditions = [body] if body is not None else []
            if tag_query:
                tags = " & ".join(f"({part})" for part in tag_query)
                conditions.append(_search.c.tags.op("@@")(cast(literal(tags), TSQUERY)))
            return TextMatch(
                source=_search,
                passage_id=_search.c.passage_id,
                condition=and_(*conditions),
                rank=rank,
                absorbs=frozenset(absorbs),
            )

        whole = matching(tag_parts)
        if rank is None:
            return whole
        parts = tuple(matching([*tag_parts, _quote(word)]) for word in PART_WORDS)
        return replace(whole, parts=parts)


def _build_indexes(connection: Connection) -> None:
    # GIN builds far faster when its pending lists fit in memory (this transaction only).
    connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    for statement in _CREATE_INDEXES:
        connection.execute(text(statement))
    connection.execute(text(f"ANALYZE {SEARCH_TABLE}"))


def _write_tags(connection: Connection, tree: TagTree, ids: list[int]) -> None:
    """Set the tag words of ``ids`` (sorted) from their links, in one statement."""
    if not ids:
        return
    links = active_links(connection, ids[0], ids[-1])
    tokens = [tag_words(tree, pid, links.get(pid, ((), ()))) for pid in ids]
    connection.execute(
        text(
            f"UPDATE {SEARCH_TABLE} AS s SET tags = CAST(v.tags AS tsvector) "
            "FROM unnest(CAST(:ids AS integer[]), CAST(:tags AS text[])) AS v(id, tags) "
            "WHERE s.passage_id = v.id"
        ),
        {"ids": ids, "tags": tokens},
    )
