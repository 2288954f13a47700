"""SQLite FTS5 over a folded shadow of each passage, with its tags as tokens.

The FTS table ``passage_fts`` holds, under the passage id as rowid:

- ``body``: the folded text (``briefer.domain.folding``). Python's sqlite3 cannot register a
  tokenizer that folds Đ or transliterates Cyrillic, so we fold before indexing and fold
  queries the same way. Snippets never come from here: they are cut from the original.
- ``tags``: one token per theme (``zt`` + hex of the id) and country (``zc`` + hex of the
  code) linked to the passage and not excluded. Theme and country filters then become part
  of the MATCH, where FTS5 intersects sorted doclists: at a million passages that is tens of
  milliseconds, where checking each text match against the tag tables (``EXISTS``) costs
  about a second for a common word.

SQL triggers keep ``tags`` right whatever code changes a tag row (tagger, curation, raw
SQL), and delete the FTS row with its passage. The body needs Python (folding), so
``index`` is called by the importer, in its transaction; call it after the passage's tags
are inserted (before works too, but each tag insert then rewrites the FTS row).

A one-row table ``passage_search_stamp`` counts changes that facet counts depend on (tag
links, passages, a document's meeting or date, a meeting's date), bumped by triggers in
the changing transaction: ``briefer.store.search.facet_index`` keeps a columnar copy of
that data per process and reloads it when the stamp moves.

It is an ordinary FTS5 table (it stores the folded copy): SQLite 3.40 has no
``contentless_delete``, the triggers need the stored body to rewrite ``tags``, and deletes
stay correct whatever the folding rules become.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import numpy as np
from sqlalchemy import Connection, column, func, literal, literal_column, table, text

from briefer.domain.folding import fold
from briefer.store.queries import all_meeting_labels
from briefer.store.search import Apart, Filters, PassageTagIds, TextMatch
from briefer.store.search.bm25 import Bm25Input
from briefer.store.search.facet_index import FacetIndex, IdArray, Mask, TagLinks, parse_ids
from briefer.store.search.fts5_records import read_varints, row_sizes
from briefer.store.search.query import And, Node, Not, Term, to_fts5
from briefer.store.search.tag_tokens import (
    REFRESH_CHUNK,
    TAG_WORD_INITIAL,
    TagTree,
    TreeRows,
    active_links,
    country_tokens,
    pair_tokens,
    read_tree_rows,
    theme_tokens,
)

FTS_TABLE = "passage_fts"
FTS_COLUMNS = 2  # body, tags
AVERAGES_ROW = 1  # the row of ``passage_fts_data`` holding the index's totals
# Every instance of every word, read by bm25_input: a per-connection table (temp schema),
# so nothing is written to the library.
INSTANCES_TABLE = "temp.passage_fts_instances"
_CREATE_INSTANCES = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {INSTANCES_TABLE} "
    f"USING fts5vocab(main, {FTS_TABLE}, instance)"
)
STAMP_TABLE = "passage_search_stamp"
_BUMP = f"UPDATE {STAMP_TABLE} SET version = version + 1;"
_NOT_SUSPENDED = f"(SELECT suspended FROM {STAMP_TABLE}) = 0"
# (table, trigger event) pairs whose changes move the facet stamp
_STAMPED = (
    ("passage_theme", "INSERT"),
    ("passage_theme", "DELETE"),
    ("passage_theme", "UPDATE"),
    ("passage_country", "INSERT"),
    ("passage_country", "DELETE"),
    ("passage_country", "UPDATE"),
    ("passage", "INSERT"),
    ("passage", "DELETE"),
    ("document", "UPDATE OF meeting_id, published"),
    ("document", "DELETE"),
    ("meeting", "UPDATE"),  # the date, and the title and city of its facet label
    ("meeting", "DELETE"),
    ("theme", "INSERT"),  # the tree that parent themes' counts roll up
    ("theme", "UPDATE OF parent_id"),
    ("theme", "DELETE"),
)
# days from SQLite's julianday() epoch to Python's date.toordinal() epoch
_JULIAN_TO_ORDINAL = 1721424
SEARCH_PAGE_CACHE_KIB = 65536  # the page cache of a searching connection
MERGE_FROM_SHARE = 10  # merge the index once 1 in this many passages changed their tags
SEARCH_MMAP_BYTES = 2_147_418_112  # the most Python's SQLite maps (SQLITE_MAX_MMAP_SIZE)

# No prefix indexes (``prefix='2 3'`` until migration 0006): they added a 2- and a
# 3-letter entry for every word of both columns, tag words included, 15 % of an
# import's writer time, and sped up only queries whose prefix has 2 or 3 letters (on
# the window's ranked path not even those: it reads a prefix's words as a term range).
FTS_DEFINITION = "body, tags, tokenize='unicode61 remove_diacritics 2'"
_CREATE = f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({FTS_DEFINITION})"


def _tags_of(passage_id: str) -> str:
    """SQL for the tag tokens of one passage (``passage_id`` is an SQL expression).

    Besides its own themes and countries, a passage carries a token for each theme's
    parent and grandparent (``zt``, like the themes) and for each group its countries
    belong to (``zg``): a filter on a parent theme or a group is then one term of the
    MATCH instead of an OR of its members, half the cost for a common word.

    It also carries a **pair** token (``zp``) for each top-level theme above its themes
    (within ``ANCESTOR_LEVELS``) and each of its countries and groups: the commonest
    filter, a theme and a country or region, is then one term whose list of passages is
    their intersection. bm25 reads the whole list of every term of a query to weigh it;
    for a broad theme (half the library) and a region that was 20–23 ms per query half
    at a million passages, about a third of the query (docs/benchmarks.md).
    """
    links = f"passage_id = {passage_id} AND excluded = 0"
    themes = f"(SELECT theme_id FROM passage_theme WHERE {links})"
    codes = f"(SELECT country_code FROM passage_country WHERE {links})"
    tops = (
        "SELECT DISTINCT CASE WHEN t.parent_id IS NULL THEN t.id "
        "WHEN p.parent_id IS NULL THEN p.id WHEN g.parent_id IS NULL THEN g.id END AS top "
        "FROM theme t LEFT JOIN theme p ON p.id = t.parent_id "
        f"LEFT JOIN theme g ON g.id = p.parent_id WHERE t.id IN {themes}"
    )
    places = (
        f"SELECT 'c' || lower(hex(country_code)) AS term FROM passage_country WHERE {links} "
        "UNION SELECT 'g' || lower(hex(m.group_id)) FROM country_group_member m "
        f"WHERE m.country_code IN {codes}"
    )
    return (
        "(SELECT coalesce(group_concat(tok, ' '), '') FROM ("
        f"SELECT 'zt' || lower(hex(theme_id)) AS tok FROM passage_theme WHERE {links} "
        "UNION "
        f"SELECT 'zt' || lower(hex(t.parent_id)) FROM theme t "
        f"WHERE t.id IN {themes} AND t.parent_id IS NOT NULL "
        "UNION "
        "SELECT 'zt' || lower(hex(g.parent_id)) FROM theme t JOIN theme g ON g.id = t.parent_id "
        f"WHERE t.id IN {themes} AND g.parent_id IS NOT NULL "
        "UNION "
        f"SELECT 'zc' || lower(hex(country_code)) FROM passage_country WHERE {links} "
        "UNION "
        "SELECT 'zg' || lower(hex(m.group_id)) FROM country_group_member m "
        f"WHERE m.country_code IN {codes} "
        "UNION "
        f"SELECT 'zp' || lower(hex(r.top)) || 'x' || c.term FROM ({tops}) r, ({places}) c "
        "WHERE r.top IS NOT NULL))"
    )


def _refresh_where(condition: str) -> str:
    return (
        f"UPDATE {FTS_TABLE} SET tags = {_tags_of(f'{FTS_TABLE}.rowid')} "
        f"WHERE rowid IN ({condition});"
    )


def _tree_triggers() -> list[str]:
    """Tokens of parents, groups and pairs follow the theme tree and group memberships.

    Writing the taxonomy and the gazetteer's groups pause these triggers and refresh the
    passages they moved once each; the triggers serve other changes (SQL by hand, a
    single theme moved). A theme's parent set to the same value changes nothing. A moved
    theme changes the ancestor tokens of its own passages, the grandparent token of its
    children's and the top theme of its grandchildren's (their pair tokens); deeper
    passages have no tokens that name it (``ANCESTOR_LEVELS`` is 2).
    """
    children = "SELECT id FROM theme WHERE parent_id = new.id"
    under = (
        "SELECT passage_id FROM passage_theme WHERE theme_id = new.id "
        f"OR theme_id IN ({children}) "
        f"OR theme_id IN (SELECT id FROM theme WHERE parent_id IN ({children}))"
    )
    statements = [
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_theme_parent AFTER UPDATE OF parent_id "
        f"ON theme WHEN old.parent_id IS NOT new.parent_id AND {_NOT_SUSPENDED} "
        f"BEGIN {_refresh_where(under)} END"
    ]
    for event, row in (("ai", "new"), ("ad", "old")):
        members = f"SELECT passage_id FROM passage_country WHERE country_code = {row}.country_code"
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_group_member_{event} "
            f"AFTER {'INSERT' if event == 'ai' else 'DELETE'} ON country_group_member "
            f"WHEN {_NOT_SUSPENDED} BEGIN {_refresh_where(members)} END"
        )
    return statements


def _retag(passage_id: str) -> str:
    return f"UPDATE {FTS_TABLE} SET tags = {_tags_of(passage_id)} WHERE rowid = {passage_id};"


FTS_TREE_TRIGGERS = (
    f"{FTS_TABLE}_theme_parent",
    f"{FTS_TABLE}_group_member_ai",
    f"{FTS_TABLE}_group_member_ad",
)


def _stamp_trigger_name(table_name: str, event: str) -> str:
    return f"{STAMP_TABLE}_{table_name}_{event.split()[0].lower()}"


_TAG_TABLES = ("passage_theme", "passage_country")
# the full-text index's tag triggers (the 0002 migration recreates them with a WHEN clause)
FTS_TAG_TRIGGERS = tuple(
    f"{FTS_TABLE}_{tag_table}_{suffix}"
    for tag_table in _TAG_TABLES
    for suffix in ("ai", "ad", "au")
)


def _stamp_statements() -> list[str]:
    """The stamp table, its row, and a trigger per change that moves it.

    ``suspended`` is set only inside a bulk re-tag's own transaction (``tag_sync_suspended``),
    so no other connection ever sees it set.
    """
    statements = [
        f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), "
        "version INTEGER NOT NULL, suspended INTEGER NOT NULL DEFAULT 0)",
        f"INSERT OR IGNORE INTO {STAMP_TABLE} (id, version, suspended) VALUES (1, 0, 0)",
    ]
    for table_name, event in _STAMPED:
        when = f"WHEN {_NOT_SUSPENDED} " if table_name in _TAG_TABLES else ""
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {_stamp_trigger_name(table_name, event)} "
            f"AFTER {event} ON {table_name} {when}BEGIN {_BUMP} END"
        )
    return statements


def _triggers() -> list[str]:
    statements = []
    for tag_table in ("passage_theme", "passage_country"):
        name = f"{FTS_TABLE}_{tag_table}"
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS {name}_ai AFTER INSERT ON {tag_table} "
            f"WHEN {_NOT_SUSPENDED} BEGIN {_retag('new.passage_id')} END",
            f"CREATE TRIGGER IF NOT EXISTS {name}_ad AFTER DELETE ON {tag_table} "
            f"WHEN {_NOT_SUSPENDED} BEGIN {_retag('old.passage_id')} END",
            f"CREATE TRIGGER IF NOT EXISTS {name}_au AFTER UPDATE ON {tag_table} "
            f"WHEN {_NOT_SUSPENDED} BEGIN {_retag('old.passage_id')} {_retag('new.passage_id')} END",
        ]
    statements.append(
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_passage_ad AFTER DELETE ON passage "
        f"BEGIN DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END"
    )
    return statements


_fts = table(FTS_TABLE, column("rowid"), column(FTS_TABLE))


class SqliteFtsBackend:
    name = "sqlite-fts5"

    def __init__(self) -> None:
        # the last tag tree ``index`` built, with the rows it was built from
        self._tree: tuple[TreeRows, TagTree] | None = None

    def install(self, connection: Connection) -> None:
        connection.execute(text(_CREATE))
        for statement in _stamp_statements() + _triggers() + _tree_triggers():
            connection.execute(text(statement))

    def index(
        self,
        connection: Connection,
        rows: Iterable[tuple[int, str]],
        tags: Mapping[int, PassageTagIds] | None = None,
    ) -> None:
        """Index passages; with ``tags`` their tokens are computed here, not read back.

        The SQL of ``_tags_of`` reads each passage's links, the theme tree and the groups
        back (about 0.2 ms a passage with its pair tokens, a quarter of an import); the
        importer knows the links it just wrote, and the tree and groups are read once
        per call, in the caller's transaction, so the tokens are the same. The tree is
        rebuilt only when those rows differ from the last call's (``_current_tree``).
        """
        if tags is None:
            params = [{"id": pid, "body": fold(body)} for pid, body in rows]
            if params:
                connection.execute(
                    text(
                        f"INSERT INTO {FTS_TABLE}(rowid, body, tags) "
                        f"VALUES (:id, :body, {_tags_of(':id')})"
                    ),
                    params,
                )
            return
        tree = self._current_tree(connection)
        values = [(pid, fold(body), tree.tokens(*tags.get(pid, ((), ())))) for pid, body in rows]
        if values:
            connection.exec_driver_sql(
                f"INSERT INTO {FTS_TABLE}(rowid, body, tags) VALUES (?, ?, ?)", values
            )

    def _current_tree(self, connection: Connection) -> TagTree:
        """The tag tree as the caller's transaction sees it, reusing the last one built
        from the same rows: the words it has computed (``TagTree.tokens``) are kept from
        one imported document to the next."""
        rows = read_tree_rows(connection)
        last = self._tree
        if last is not None and last[0] == rows:
            return last[1]
        tree = TagTree.from_rows(rows)
        self._tree = (rows, tree)
        return tree

    def unindex(self, connection: Connection, passage_ids: Iterable[int]) -> None:
        params = [{"id": i} for i in passage_ids]
        if params:
            connection.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), params)

    @contextmanager
    def tag_sync_suspended(self, connection: Connection) -> Iterator[None]:
        """Bulk tag changes without the per-row triggers; the caller refreshes what it changed.

        Re-tagging deletes and re-inserts millions of tag rows; with the triggers each row
        would rewrite its passage's FTS row. Inside this block (use it within ONE
        transaction) the tag triggers are paused by a flag in the stamp table, set and
        cleared in that transaction: other connections never see it, and no schema
        change disturbs readers (dropping the triggers did, mid-query). Call
        ``refresh_tags`` for the passages changed before leaving the block.
        """
        connection.execute(text(f"UPDATE {STAMP_TABLE} SET suspended = 1"))
        try:
            yield
        finally:
            connection.execute(text(f"UPDATE {STAMP_TABLE} SET suspended = 0"))

    def refresh_tags(self, connection: Connection, first_id: int, last_id: int) -> None:
        """Recompute the tag tokens of passages ``first_id..last_id`` (inclusive)."""
        tree = TagTree.read(connection)
        for start in range(first_id, last_id + 1, REFRESH_CHUNK):
            end = min(start + REFRESH_CHUNK - 1, last_id)
            ids = connection.execute(
                text("SELECT id FROM passage WHERE id BETWEEN :first AND :last"),
                {"first": start, "last": end},
            ).scalars()
            self._write_tokens(connection, tree, list(ids))
        connection.execute(text(_BUMP))

    def refresh_passages(self, connection: Connection, passage_ids: Iterable[int]) -> None:
        """Recompute the tag tokens of the given passages."""
        tree = TagTree.read(connection)
        ids = sorted(set(passage_ids))
        for start in range(0, len(ids), REFRESH_CHUNK):
            self._write_tokens(connection, tree, ids[start : start + REFRESH_CHUNK])
        connection.execute(text(_BUMP))

    @staticmethod
    def _write_tokens(connection: Connection, tree: TagTree, ids: list[int]) -> None:
        """Set the tokens of ``ids`` (sorted) from their links, computed in Python.

        The same tokens as ``_tags_of`` (tested), at a fraction of its cost: the SQL reads
        the theme tree and the groups again for every passage (165 µs a passage with the
        pair tokens, three minutes for a re-tag of a million).
        """
        if not ids:
            return
        links = active_links(connection, ids[0], ids[-1])
        values = [(tree.tokens(*links.get(pid, ((), ()))), pid) for pid in ids]
        connection.exec_driver_sql(f"UPDATE {FTS_TABLE} SET tags = ? WHERE rowid = ?", values)

    def rebuild(self, connection: Connection) -> None:
        """Drop and refill the index from the tables, in chunks of passages.

        Dropping is much faster than deleting a million rows one by one from FTS5, and
        ``optimize`` merges the index into one b-tree so the first queries are fast too.
        """
        connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))
        self.install(connection)
        highest = connection.execute(text("SELECT max(id) FROM passage")).scalar() or 0
        for start in range(0, highest + 1, REFRESH_CHUNK):
            bounds = {"first": start, "last": start + REFRESH_CHUNK - 1}
            passages = connection.execute(
                text("SELECT id, text FROM passage WHERE id BETWEEN :first AND :last ORDER BY id"),
                bounds,
            ).all()
            links = active_links(connection, bounds["first"], bounds["last"])
            self.index(connection, [(pid, body) for pid, body in passages], links)
        self.merge_index(connection)
        connection.execute(text(_BUMP))

    # --- facet counts from a columnar copy (briefer.store.search.facet_index) -----------

    def facet_stamp(self, connection: Connection) -> int | None:
        """The library's change stamp, read in the caller's snapshot."""
        return connection.execute(text(f"SELECT version FROM {STAMP_TABLE}")).scalar_one()

    def load_facet_index(self, connection: Connection, stamp: int) -> FacetIndex:
        """Read the columns facet counts need, each as one concatenated string per key.

        ``stamp`` must have been read in the same transaction, so the arrays and the stamp
        describe the same snapshot.
        """
        passages, documents, positions = connection.execute(
            text(
                "SELECT group_concat(id), group_concat(document_id), group_concat(position) "
                "FROM passage"
            )
        ).one()
        passage_ids, document_ids = parse_ids(passages), parse_ids(documents)
        size = int(passage_ids.max()) + 1 if len(passage_ids) else 0
        present = np.zeros(size, dtype=bool)
        present[passage_ids] = True
        document_of = np.zeros(size, dtype=np.int64)
        document_of[passage_ids] = document_ids
        position_of = np.zeros(size, dtype=np.int32)
        position_of[passage_ids] = parse_ids(positions)
        ids, meetings, days = connection.execute(
            text(
                "SELECT group_concat(d.id), group_concat(coalesce(d.meeting_id, 0)), "
                "group_concat(coalesce(CAST(julianday(coalesce(m.start_date, d.published)) "
                f"AS INTEGER) - {_JULIAN_TO_ORDINAL}, 0)) "
                "FROM document d LEFT JOIN meeting m ON m.id = d.meeting_id"
            )
        ).one()
        document_ids = parse_ids(ids)
        documents_size = int(document_ids.max()) + 1 if len(document_ids) else 1
        meeting_of_document = np.zeros(documents_size, dtype=np.int64)
        meeting_of_document[document_ids] = parse_ids(meetings)
        day_of_document = np.zeros(documents_size, dtype=np.int64)
        day_of_document[document_ids] = parse_ids(days)
        themes = self._links(connection, "passage_theme", "theme_id")
        parents = dict(connection.execute(text("SELECT id, parent_id FROM theme")).all())
        return FacetIndex(
            stamp=stamp,
            present=present,
            document_of=document_of,
            position_of=position_of,
            meeting_of_document=meeting_of_document,
            day_of_document=day_of_document,
            themes=themes,
            theme_tops=themes.rolled_up(parents),
            parents=parents,
            countries=self._links(connection, "passage_country", "country_code"),
            meeting_labels=all_meeting_labels(connection),
            row_tokens=self._row_tokens(connection, size),
        )

    @staticmethod
    def _row_tokens(connection: Connection, size: int) -> IdArray | None:
        """Each passage's size in tokens (body and tags), from FTS5's docsize records.

        About 0.6 s at a million passages, once per stamp, with the rest of the copy.
        None if the records do not read as expected (ranking then stays with FTS5).
        """
        ids, records = connection.execute(
            text(f"SELECT group_concat(id), group_concat(hex(sz), '') FROM {FTS_TABLE}_docsize")
        ).one()
        row_ids = parse_ids(ids)
        try:
            sizes = row_sizes(row_ids, bytes.fromhex(records or ""), FTS_COLUMNS)
        except ValueError:
            return None
        tokens = np.zeros(max(size, int(row_ids.max()) + 1 if len(row_ids) else 0), dtype=np.int64)
        tokens[row_ids] = sizes
        return tokens

    @staticmethod
    def _links(connection: Connection, table_name: str, key: str) -> TagLinks:
        rows = connection.execute(
            text(
                f"SELECT {key}, group_concat(passage_id) FROM {table_name} "
                f"WHERE excluded = 0 GROUP BY {key}"
            )
        ).all()
        return TagLinks.from_groups([(k, ids) for k, ids in rows])

    def matching_ids(
        self, connection: Connection, query: Node | None
    ) -> tuple[IdArray, bool] | None:
        """Ids of the passages a query's text matches, and whether the query negates them.

        None when the query has no text condition (every passage matches).
        """
        compiled = to_fts5(query)
        if compiled is None:
            return None
        joined = connection.execute(
            text(f"SELECT group_concat(rowid) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match"),
            {"match": f"body : ({compiled.expression})"},
        ).scalar_one()
        return parse_ids(joined), compiled.negated

    def merge_after_bulk_change(self, connection: Connection, changed: int) -> bool:
        """Merge when ``changed`` passages are a tenth of the library or more: a few
        changed rows cost searches nothing, and merging a million passages takes ~16 s."""
        if changed <= 0:
            return False
        total = connection.execute(text("SELECT count(*) FROM passage")).scalar_one()
        if changed * MERGE_FROM_SHARE < total:
            return False
        self.merge_index(connection)
        return True

    def merge_index(self, connection: Connection) -> None:
        """Merge the FTS5 index into one b-tree ('optimize').

        Rewriting a row's tags leaves its old version in an older segment and a delete
        marker beside the new one; after every passage's tags changed (a re-tag, a synced
        taxonomy) each word's list is spread over a dozen segments full of markers, and a
        search for a common word at a million passages took 600 ms instead of 177 ms.
        Merging takes about 16 s at a million passages, once, after the bulk change.
        """
        connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('optimize')"))

    def definition(self, connection: Connection) -> str:
        """The index's SQL as the library stores it (its options are fixed at creation)."""
        return str(
            connection.execute(
                text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
                {"name": FTS_TABLE},
            ).scalar_one()
        )

    def rebuild_index(self, connection: Connection, definition: str = FTS_DEFINITION) -> None:
        """Recreate the index with ``definition`` (columns and options), every row kept.

        FTS5 fixes a table's options when it is created, so changing one (such as
        dropping the prefix indexes) means a new table. The rows (id, folded body, tag
        words) are kept aside in a temporary table as they are, so every search gives
        what it gave; the old index is dropped first, so the new one is written into the
        pages it freed and the library file does not grow by a second index. Then the
        triggers that keep the index in step are created again and the index merged.
        About a minute at a million passages, in the caller's transaction.
        """
        kept = "passage_fts_rows"
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{kept}")
        connection.exec_driver_sql(
            f"CREATE TEMP TABLE {kept} AS SELECT rowid AS id, body, tags FROM {FTS_TABLE}"
        )
        # the triggers name the index; ``install`` creates them again
        triggers = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND instr(sql, ?) > 0",
            (FTS_TABLE,),
        ).scalars()
        for name in list(triggers):
            connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
        connection.exec_driver_sql(f"DROP TABLE {FTS_TABLE}")
        connection.exec_driver_sql(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({definition})")
        self.install(connection)
        connection.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, body, tags) "
            f"SELECT id, body, tags FROM temp.{kept} ORDER BY id"
        )
        connection.exec_driver_sql(f"DROP TABLE temp.{kept}")
        self.merge_index(connection)

    def prepare_search(self, connection: Connection) -> None:
        """Give the connection a 64 MB page cache (SQLite's default: 2 MB) and memory-map
        the library file.

        Facet counts and ranking look up tag links and passages by id all over a library
        of a million passages; with the default cache each lookup is a read from the OS
        cache, about half the CPU time of a facet count. A search's first run reads
        thousands of pages the cache does not hold yet (a query's doclists, the row sizes
        bm25 needs): mapped, each is a memory access instead of a read call, and a new
        query at a million passages is ~1.5x faster (181 -> 97 ms for "migrant
        smuggling"; docs/benchmarks.md). The library is local anyway (WAL mode needs it);
        mapped pages are the OS's file cache, shared and reclaimable, not Briefer's heap.
        The settings last for the pooled connection.
        """
        connection.exec_driver_sql(f"PRAGMA cache_size=-{SEARCH_PAGE_CACHE_KIB}")
        connection.exec_driver_sql(f"PRAGMA mmap_size={SEARCH_MMAP_BYTES}")

    def bm25_input(
        self, connection: Connection, query: Node | None, apart: Apart | None = None
    ) -> Bm25Input | None:
        """The instances of the query's words and the index's totals, for ranking the
        query's matches in numpy (``briefer.store.search.bm25``).

        With ``apart``, every second word is read on another connection at the same time
        (each word is a pass over its list in the index: 20 ms for a word in 200,000
        passages of a million). None when a phrase is not a single plain word (a quoted
        phrase, or a word the tokenizer might split differently than ``str.lower``):
        FTS5 ranks those itself.
        """
        compiled = to_fts5(query)
        if compiled is None or compiled.negated or not compiled.terms:
            return None
        if not all(_rankable(term) for term in compiled.terms):
            return None
        distinct = list(dict.fromkeys(compiled.terms))
        later = distinct[1::2] if apart is not None else []
        reading = apart(functools.partial(_read_instances, terms=later)) if later else None
        totals = _index_totals(connection)
        read = _read_instances(connection, [term for term in distinct if term not in later])
        if reading is not None:
            read.update(reading.result())
        if totals is None:
            return None
        return Bm25Input(
            row_count=totals[0],
            token_count=totals[1],
            phrases=tuple(read[term] for term in compiled.terms),
            matched=_matched(query, read) if _without_not(query) else None,
        )

    def text_match(self, query: Node | None, filters: Filters | None = None) -> TextMatch | None:
        compiled = to_fts5(query)
        tag_parts: list[str] = []
        absorbs: set[str] = set()
        pairs = pair_tokens(filters) if filters is not None else None
        if pairs is not None:
            tag_parts.append(" OR ".join(f'"{token}"' for token in pairs))
            absorbs.update(("themes", "countries"))
        elif filters is not None and filters.themes:
            tag_parts.append(" OR ".join(f'"{token}"' for token in theme_tokens(filters)))
            absorbs.add("themes")
        if pairs is None and filters is not None and filters.countries:
            tag_parts.append(" OR ".join(f'"{token}"' for token in country_tokens(filters)))
            absorbs.add("countries")
        tags = " AND ".join(f"tags : ({part})" for part in tag_parts)
        if compiled is None and not tags:
            return None
        negated = False
        rank = func.bm25(literal_column(FTS_TABLE), literal(1.0), literal(0.0))
        if compiled is None:
            expression, rank = tags, None
        elif compiled.negated and tags:
            expression, rank = f"({tags}) NOT (body : ({compiled.expression}))", None
        elif compiled.negated:
            expression, rank, negated = f"body : ({compiled.expression})", None, True
        else:
            body = f"body : ({compiled.expression})"
            expression = f"({body}) AND {tags}" if tags else body
        return TextMatch(
            source=_fts,
            passage_id=_fts.c.rowid,
            condition=literal_column(FTS_TABLE).op("MATCH")(expression),
            rank=rank,
            negated=negated,
            absorbs=frozenset(absorbs),
        )


def _index_totals(connection: Connection) -> tuple[int, int] | None:
    """(rows, tokens in every column) from the index's averages record, or None."""
    record = connection.execute(
        text(f"SELECT block FROM {FTS_TABLE}_data WHERE id = {AVERAGES_ROW}")
    ).scalar_one_or_none()
    totals = read_varints(record) if record else []
    if len(totals) != 1 + FTS_COLUMNS or totals[0] <= 0:
        return None
    return totals[0], sum(totals[1:])


def _read_instances(connection: Connection, terms: Sequence[Term]) -> dict[Term, IdArray]:
    connection.exec_driver_sql(_CREATE_INSTANCES)
    return {term: _instances(connection, term) for term in terms}


def _rankable(term: Term) -> bool:
    """A single word the tokenizer keeps as it is (ASCII letters and digits)."""
    return len(term.words) == 1 and term.words[0].isascii() and term.words[0].isalnum()


def _instances(connection: Connection, term: Term) -> IdArray:
    """The row id of each instance of ``term`` in the body, one per instance.

    Tag words all begin with ``TAG_WORD_INITIAL``; only a word that does too needs the
    column checked (a third of the cost of the read).
    """
    word = term.words[0]
    if term.prefix:
        condition, params = "term >= ? AND term < ?", (word, word[:-1] + chr(ord(word[-1]) + 1))
    else:
        condition, params = "term = ?", (word,)
    if word.startswith(TAG_WORD_INITIAL):
        condition += " AND col = 'body'"
    joined = connection.exec_driver_sql(
        f"SELECT group_concat(doc) FROM {INSTANCES_TABLE} WHERE {condition}", params
    ).scalar_one()
    return parse_ids(joined)


def _without_not(node: Node) -> bool:
    if isinstance(node, Term):
        return True
    if isinstance(node, Not):
        return False
    return all(_without_not(child) for child in node.children)


def _matched(node: Node, instances: Mapping[Term, IdArray]) -> IdArray:
    """The rows a query of words, AND and OR matches, from its words' instances: the
    index has already been read for ranking, so matching needs no second pass."""
    size = 1 + max((int(ids.max()) for ids in instances.values() if len(ids)), default=0)

    def rows(node: Node) -> Mask:
        if isinstance(node, Term):
            mask = np.zeros(size, dtype=bool)
            mask[instances[node]] = True
            return mask
        masks = [rows(child) for child in node.children]  # type: ignore[union-attr]
        combine = np.logical_and if isinstance(node, And) else np.logical_or
        return functools.reduce(combine, masks)

    return np.flatnonzero(rows(node))
