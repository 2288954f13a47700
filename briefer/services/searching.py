"""Searching the library: a ``SearchRequest`` in, a ``SearchPage`` out.

The text query is parsed and folded here (never raises), matched by the library's search
backend, and combined with the facet filters of ``briefer.store.queries``. Snippets are
cut from the original passage text, so the marked words are the passage's own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import Connection, Select, func, select
from sqlalchemy.orm import Session

from briefer.domain.errors import NotFound
from briefer.domain.search import FacetCount, MeetingRef, SearchHit, SearchPage, SearchRequest
from briefer.store import queries
from briefer.store.library import Library
from briefer.store.models import Country, Meeting, Passage, Theme
from briefer.store.search import Filters, TextMatch
from briefer.store.search.bm25 import bm25_ranks
from briefer.store.search.facet_index import FacetIndex
from briefer.store.search.query import Node, Term, parse_query, positive_terms
from briefer.store.search.snippets import make_snippet

K = TypeVar("K", str, int)
T = TypeVar("T")


def search(library: Library, request: SearchRequest) -> SearchPage:
    """One page of hits, the total and (unless ``with_facets`` is off) the facet counts."""
    node = parse_query(request.query)
    terms = positive_terms(node)
    limit, offset = max(request.limit, 0), max(request.offset, 0)
    with library.sessions() as session:
        _prepare(session, library)
        filters = resolve_filters(session, request)
        match = library.search.text_match(node, filters)
        total: int | None = None
        page_match = match
        from_copy = _page_from_copy(session, library, node, filters, request.sort, limit, offset)
        if from_copy is not None:
            page, total = from_copy
            hits = _hits(session, page, terms)
            facets = _facets(session, library, node, filters) if request.with_facets else {}
            return SearchPage(hits=hits, total=total, facets=facets)
        if node is None and match is not None and request.sort != "date" and limit > 0:
            total = session.execute(queries.count_statement(match, filters)).scalar_one()
            if _walk_in_document_order(session, total, limit + offset):
                page_match = None
        page_ids = _page(session, library, page_match, filters, request.sort, limit, offset)
        short_page = len(page_ids) < request.limit and (page_ids or request.offset <= 0)
        if total is None and page_ids and page_ids[0][2] is not None:
            total = page_ids[0][2]  # the statement counted for free
        elif total is None and short_page:  # the page holds the last hits: no need to count
            total = offset + len(page_ids)
        elif total is None:
            total = session.execute(queries.count_statement(match, filters)).scalar_one()
        hits = _hits(session, [(pid, rank) for pid, rank, _total in page_ids], terms)
        facets = _facets(session, library, node, filters) if request.with_facets else {}
    return SearchPage(hits=hits, total=total, facets=facets)


PageRows = list[tuple[int, float | None, int | None]]  # (passage id, rank, total or None)
RANK_IN_PARTS_FROM = 200_000  # passages; below this one connection ranks as fast as two
# Ranking from the copy reads every instance of the query's words (~0.15 µs each);
# FTS5 joins theme and country filters into its match and scores only what they keep
# (~1.5 µs a match). With filters that keep less than this share of the library, FTS5
# is the faster one: at a million passages "cooperation NOT police" with a theme and a
# country (1.5 % of the passages) 126 ms from the copy, 39 ms in SQL; with a theme
# alone keeping half the library "migrant smuggling" 47 against 114 ms.
RANK_FROM_COPY_MIN_SHARE = 0.15
_rankers = ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefer-rank")


def _page(
    session: Session,
    library: Library,
    match: TextMatch | None,
    filters: Filters,
    sort: str,
    limit: int,
    offset: int,
) -> PageRows:
    """One page of hit ids; a big library is ranked in two parts at once.

    Ranking scores every match (bm25 on SQLite, ts_rank on PostgreSQL; a common word
    matches 60,000 passages of a million) on one core. Two connections rank two parts
    of the library in parallel (the drivers release the GIL while the database works),
    and the best of the two parts' best hits are the page: the same hits, in the same
    order, as one query. The parts are the backend's own (``TextMatch.parts``:
    PostgreSQL splits by a word of the index) or else the two halves of the passage
    ids. Each part reads its own snapshot: a change committed between the two shows in
    one part only, and whole in the next search.
    """
    if queries.is_ranked(match, sort, limit):
        assert match is not None
        highest = session.execute(select(func.max(Passage.id))).scalar_one() or 0
        if highest >= RANK_IN_PARTS_FROM:
            statements = _part_statements(match, filters, limit + offset, highest)
            return _ranked_in_parts(session, library, statements, limit, offset)
    statement = queries.hits_statement(match, filters, sort=sort, limit=limit, offset=offset)
    return [tuple(row) for row in session.execute(statement)]  # type: ignore[misc]


def _part_statements(
    match: TextMatch, filters: Filters, wanted: int, highest: int
) -> list[Select[Any]]:
    """The best ``wanted`` hits of each part, as statements to run at once."""
    if match.parts:
        return [queries.ranked_part_statement(part, filters, wanted) for part in match.parts]
    middle = highest // 2
    return [
        queries.ranked_part_statement(match, filters, wanted, (0, middle)),
        queries.ranked_part_statement(match, filters, wanted, (middle + 1, highest)),
    ]


def _ranked_in_parts(
    session: Session,
    library: Library,
    statements: list[Select[Any]],
    limit: int,
    offset: int,
) -> PageRows:
    others = [_rankers.submit(_ranked_part, library, s) for s in statements[1:]]
    parts = [session.execute(statements[0]).all(), *(other.result() for other in others)]
    total = sum(rows[0][2] for rows in parts if rows)
    merged = sorted((row for rows in parts for row in rows), key=lambda r: (r[1], r[3], r[4]))
    return [(pid, rank, total) for pid, rank, _total, _document, _position in merged][
        offset : offset + limit
    ]


def _apart(library: Library, read: Callable[[Connection], T]) -> Future[T]:
    """Run ``read`` on a connection of its own, beside the caller's (the second core)."""
    return _rankers.submit(_read_apart, library, read)


def _read_apart(library: Library, read: Callable[[Connection], T]) -> T:
    with library.sessions() as session:
        _prepare(session, library)
        return read(session.connection())


def _ranked_part(library: Library, statement: Select[Any]) -> list[Any]:
    return _read_apart(library, lambda connection: list(connection.execute(statement).all()))


def _loaded_copy(connection: Connection, library: Library) -> FacetIndex | None:
    """The columnar copy if it is loaded and current in this snapshot; never loads it."""
    stamp = library.search.facet_stamp(connection)
    return library.facets.current(stamp) if stamp is not None else None


def _page_from_copy(
    session: Session,
    library: Library,
    node: Node | None,
    filters: Filters,
    sort: str,
    limit: int,
    offset: int,
) -> tuple[list[tuple[int, float | None]], int] | None:
    """A page and its total from the columnar copy, when one is loaded and can answer.

    The copy the facet counts use (the window loads it with its first counts) knows each
    passage's date and size, so a page by date or by relevance is a partial sort in
    numpy instead of SQL sorting or scoring every match. The copy is never loaded for a
    page alone (1–2 s at a million, more than SQL takes); without it, or on a backend
    without one, None and SQL answers.
    """
    if limit <= 0:
        return None
    connection = session.connection()
    stamp = library.search.facet_stamp(connection)
    index = library.facets.current(stamp) if stamp is not None else None
    if index is None:
        return None
    asked = _CopyQuery(connection, library, index, node, filters, limit, offset)
    return _date_page(asked) if sort == "date" else _ranked_page_from_copy(asked)


@dataclass(frozen=True)
class _CopyQuery:
    """A page asked of the loaded columnar copy, in the search's own snapshot."""

    connection: Connection
    library: Library
    index: FacetIndex
    node: Node | None
    filters: Filters
    limit: int
    offset: int


def _date_page(asked: _CopyQuery) -> tuple[list[tuple[int, float | None]], int]:
    """A page by date: the selected passages' places in the date order, partially sorted.

    Sorting by date in SQL joins every hit's document and meeting to sort them all:
    0.3–0.5 s for a common word at a million passages.
    """
    index = asked.index
    matched = asked.library.search.matching_ids(asked.connection, asked.node)
    ids, negated = matched if matched is not None else (None, False)
    selected = index.selection(ids, negated, asked.filters)
    page = index.newest_first(selected, asked.limit, asked.offset, index.date_order())
    return [(int(pid), None) for pid in page], int(selected.sum())


def _ranked_page_from_copy(asked: _CopyQuery) -> tuple[list[tuple[int, float | None]], int] | None:
    """A page by relevance: bm25 for every match at once, bit for bit FTS5's.

    FTS5 scores each match through a per-row call (about 1 µs a match: 0.2 s of CPU for
    200,000 matches at a million passages). The copy knows each passage's size in
    tokens; with each query word's instances read from the index, bm25 is computed for
    every match in numpy (``briefer.store.search.bm25``). None (FTS5 ranks in SQL) for
    a backend or query the copy cannot rank (quoted phrases, words outside ASCII), or
    when the copy's sizes do not add up to the index's own total.
    """
    index, search = asked.index, asked.library.search
    if index.row_tokens is None:
        return None
    if index.tag_share(asked.filters) < RANK_FROM_COPY_MIN_SHARE:
        return None
    apart = functools.partial(_apart, asked.library)
    inputs = search.bm25_input(asked.connection, asked.node, apart)
    if inputs is None or inputs.token_count != index.token_total:
        return None
    matched = inputs.matched
    if matched is None:
        found = search.matching_ids(asked.connection, asked.node)
        if found is None or found[1]:
            return None
        matched = found[0]
    ids = np.flatnonzero(index.selection(matched, False, asked.filters))
    ranks = bm25_ranks(inputs, ids, index.row_tokens)
    page, page_ranks = index.best_first(ids, ranks, asked.limit, asked.offset)
    return [(int(pid), float(rank)) for pid, rank in zip(page, page_ranks, strict=True)], len(ids)


def library_stamp(library: Library) -> int | None:
    """The library's change stamp (None for a backend without one): moves with every
    change facet counts depend on, whichever process made it."""
    with library.engine.connect() as connection:
        return library.search.facet_stamp(connection)


def facet_counts(library: Library, request: SearchRequest) -> dict[str, list[FacetCount]]:
    """Only the facet counts of a request (for a facets pane refreshed on its own)."""
    node = parse_query(request.query)
    with library.sessions() as session:
        _prepare(session, library)
        return _facets(session, library, node, resolve_filters(session, request))


WALK_AT_MOST = 20_000  # passages a filter-only page may walk in document order


def _walk_in_document_order(session: Session, total: int, wanted: int) -> bool:
    """Whether a filter-only page is found faster by walking passages in document order.

    Without text, hits come in document order. The index can hand over every passage the
    filters select, to be sorted (a lookup per match: 260 ms CPU for the 147,000 passages
    of "migration" in the WB6 at a million passages); or the passages can be walked in
    document order, checking the filters on each, until the page is full (under 1 ms
    there). Walking pays when matches are dense: expected passages walked are
    ``wanted × passages / total``. Both give the same page; only the speed differs.
    """
    if total < wanted:
        return False
    highest = session.execute(select(func.max(Passage.id))).scalar_one() or 0
    return wanted * highest <= WALK_AT_MOST * total


def _prepare(session: Session, library: Library) -> None:
    """Let the backend tune this session's connection for searching (cache, memory)."""
    library.search.prepare_search(session.connection())


def resolve_filters(session: Session, request: SearchRequest) -> queries.Filters:
    """Turn what the user named into ids and codes; raises ``NotFound`` for unknown names."""
    themes = roots = None
    depth, tops = 0, False
    if request.themes:
        known = set(session.scalars(select(Theme.id).where(Theme.id.in_(request.themes))))
        _require_known("theme", request.themes, known, "briefer themes")
        parents = queries.theme_tree(session)
        themes = queries.theme_with_descendants(session, request.themes, parents)
        roots, depth = queries.theme_roots(themes, parents)
        tops = all(parents.get(root) is None for root in roots)
    countries = terms = None
    if request.countries:
        countries, terms = _resolve_countries(session, request.countries)
    meetings = None
    if request.meetings:
        known_ids = set(session.scalars(select(Meeting.id).where(Meeting.id.in_(request.meetings))))
        _require_known("meeting", request.meetings, known_ids, "briefer meetings")
        meetings = tuple(sorted(set(request.meetings)))
    return queries.Filters(
        themes=themes,
        countries=countries,
        meetings=meetings,
        date_from=request.date_from,
        date_to=request.date_to,
        theme_roots=roots,
        theme_depth=depth,
        theme_roots_are_top=tops,
        country_terms=terms,
    )


def _resolve_countries(
    session: Session, named: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(member codes, the codes and ``group:ID`` terms as named, canonical and sorted)."""
    codes: set[str] = set()
    terms: set[str] = set()
    plain: list[str] = []
    for value in named:
        code = queries.normalise_country(value)
        if code.startswith(queries.GROUP_PREFIX):
            group = code[len(queries.GROUP_PREFIX) :]
            found = queries.group_members(session, group)
            if found is None:
                raise NotFound(f"country group '{group}' is not in the library")
            group_id, members = found
            codes.update(members)
            terms.add(queries.GROUP_PREFIX + group_id)
        else:
            plain.append(code)
    if plain:
        known = set(session.scalars(select(Country.code).where(Country.code.in_(plain))))
        _require_known("country", plain, known, "briefer countries")
        codes.update(plain)
        terms.update(plain)
    return tuple(sorted(codes)), tuple(sorted(terms))


def _require_known(
    kind: str, named: Sequence[object], known: Collection[object], hint: str
) -> None:
    missing = [str(v) for v in named if v not in known]
    if missing:
        listed = ", ".join(f"'{m}'" for m in missing)
        raise NotFound(f"{kind} {listed} is not in the library (see `{hint}`)")


def _hits(
    session: Session, page: list[tuple[int, float | None]], terms: list[Term]
) -> list[SearchHit]:
    ids = [pid for pid, _rank in page]
    rows = queries.hit_rows(session, ids)
    tags = queries.tags_of(session, ids)
    hits: list[SearchHit] = []
    for pid, rank in page:
        row = rows[pid]
        meeting = None
        if row["meeting_id"] is not None:
            meeting = MeetingRef(
                id=row["meeting_id"],
                title=row["meeting_title"],
                start_date=row["start_date"],
                end_date=row["end_date"],
                city=row["city"],
            )
        themes, countries = tags[pid]
        hits.append(
            SearchHit(
                passage_id=pid,
                document_id=row["document_id"],
                document_title=row["document_title"],
                meeting=meeting,
                paragraph=row["paragraph"],
                kind=row["kind"],
                text=row["text"],
                snippet=make_snippet(row["text"], terms),
                themes=tuple(themes),
                countries=tuple(countries),
                published=row["published"],
                rank=rank,
            )
        )
    return hits


def _facets(
    session: Session, library: Library, node: Node | None, filters: Filters
) -> dict[str, list[FacetCount]]:
    """Disjunctive facet counts: each facet ignores its own selection, applies the rest."""
    counted = _facets_from_index(session, library, node, filters)
    if counted is None:
        counted = _facets_in_sql(session, library, node, filters)
    theme_counts, country_counts, meeting_counts, meeting_labels = counted
    return {
        "themes": _ranked(theme_counts, queries.theme_labels(session)),
        "countries": _ranked(country_counts, queries.country_labels(session, country_counts)),
        "meetings": _ranked(meeting_counts, meeting_labels),
    }


# theme, country and meeting counts, and the labels of the counted meetings
FacetMaps = tuple[dict[str, int], dict[str, int], dict[int, int], Mapping[int, str]]


def _facets_from_index(
    session: Session,
    library: Library,
    node: Node | None,
    filters: Filters,
) -> FacetMaps | None:
    """Counts from the process's columnar copy (``FacetIndex``), or None if unsupported.

    The stamp is read before the copy (when reloaded) and the text match: a change
    committed in between can make the copy newer than its stamp, never older, so the
    next count reloads it and no count is ever made from stale data.
    """
    connection = session.connection()
    stamp = library.search.facet_stamp(connection)
    if stamp is None:
        return None
    index = library.facets.get(stamp, lambda s: library.search.load_facet_index(connection, s))
    matched = library.search.matching_ids(connection, node)
    ids, negated = matched if matched is not None else (None, False)
    counts = index.counts(ids, negated, filters)
    return counts["themes"], counts["countries"], counts["meetings"], index.meeting_labels


def _facets_in_sql(
    session: Session,
    library: Library,
    node: Node | None,
    filters: Filters,
) -> FacetMaps:
    """Three grouped SQL queries, one per facet, each without its own facet's filter."""
    parents = dict(session.execute(select(Theme.id, Theme.parent_id)).all())

    def match_without(facet: str) -> tuple[TextMatch | None, Filters]:
        others = filters.without(facet)
        return library.search.text_match(node, others), others

    statement = queries.theme_facet_statement(*match_without("themes"))
    theme_counts = queries.theme_counts(session.execute(statement), parents)  # type: ignore[arg-type]
    statement = queries.country_facet_statement(*match_without("countries"))
    country_counts: dict[str, int] = dict(session.execute(statement).all())
    statement = queries.meeting_facet_statement(*match_without("meetings"))
    meeting_counts: dict[int, int] = dict(session.execute(statement).all())
    labels = queries.meeting_labels(session, meeting_counts)
    return theme_counts, country_counts, meeting_counts, labels


def _ranked(counts: Mapping[K, int], labels: Mapping[K, str]) -> list[FacetCount]:
    """Most passages first, then by label.

    Sorted as plain tuples: a key function called from ``sorted`` never lets another
    thread have the GIL, and 10,000 meetings took 14 ms that way (the window's GUI
    thread waits for it); comparing tuples in C is about three times faster.
    """
    rows = sorted((-count, labels.get(key, str(key)), str(key)) for key, count in counts.items())
    return [FacetCount(key=key, label=label, count=-count) for count, label, key in rows]
