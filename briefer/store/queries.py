"""Search SQL shared by every backend: facet filters, hits, totals and facet counts.

The backend contributes only the text condition (``TextMatch``); everything here is plain
SQLAlchemy Core that SQLite and PostgreSQL both run.

Choices a user can notice (also in docs/cli.md):

- A passage's **date** is its meeting's start date when the document is linked to a meeting
  that has one, else the document's publication date. A date filter leaves out passages
  with neither.
- Filters of one kind are OR-ed, kinds are AND-ed. A theme includes its descendants; a
  country group (``group:ID``) means its members (membership dates are not applied);
  ``EL``/``UK`` mean ``GR``/``GB``. Tag links marked ``excluded`` (a manual removal) never
  count, neither for filters nor for facet counts.
- **Facet counts are disjunctive**: the counts of one facet apply the text query and every
  *other* filter but not the facet's own selection, so a user can see what ticking another
  theme would add. A parent theme counts each passage under it once.

Filters are correlated ``EXISTS`` clauses, never ``fts.rowid IN (SELECT ...)``: SQLite
pushes the latter into FTS5 as one lookup per value (seconds at a million passages).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Integer,
    Select,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from briefer.store.models import (
    Country,
    CountryGroupMember,
    Document,
    Meeting,
    Passage,
    PassageCountry,
    PassageTheme,
    Theme,
)
from briefer.store.search import GROUP_TERM, Filters, TextMatch

passage = Passage.__table__
document = Document.__table__
meeting = Meeting.__table__
passage_theme = PassageTheme.__table__
passage_country = PassageCountry.__table__
theme = Theme.__table__

COUNTRY_ALIASES = {"EL": "GR", "UK": "GB"}
GROUP_PREFIX = GROUP_TERM
FACETS = ("themes", "countries", "meetings")


# --- resolving what the user named -----------------------------------------------------


def theme_tree(session: Session) -> dict[str, str | None]:
    """Each theme's parent (the tree is small: read it whole)."""
    return {
        theme_id: parent for theme_id, parent in session.execute(select(Theme.id, Theme.parent_id))
    }


def theme_with_descendants(
    session: Session, theme_ids: Iterable[str], parents: Mapping[str, str | None] | None = None
) -> tuple[str, ...]:
    """The themes named plus every theme below them (``parents``: the tree, if read already)."""
    children: dict[str | None, list[str]] = {}
    for theme_id, parent_id in (parents if parents is not None else theme_tree(session)).items():
        children.setdefault(parent_id, []).append(theme_id)
    result: list[str] = []
    pending = list(dict.fromkeys(theme_ids))
    while pending:
        current = pending.pop()
        if current in result:
            continue
        result.append(current)
        pending.extend(children.get(current, ()))
    return tuple(sorted(result))


def normalise_country(code: str) -> str:
    """``el`` → ``GR``, ``UK`` → ``GB``; other codes upper-cased; groups left as named."""
    code = code.strip()
    if code.lower().startswith(GROUP_PREFIX):
        return GROUP_PREFIX + code[len(GROUP_PREFIX) :].strip()
    code = code.upper()
    return COUNTRY_ALIASES.get(code, code)


def group_members(session: Session, group_id: str) -> tuple[str, tuple[str, ...]] | None:
    """The group's id as stored and its member codes, or None when no such group exists."""
    from briefer.store.models import CountryGroup

    group = session.get(CountryGroup, group_id)
    if group is None:
        group = session.scalars(
            select(CountryGroup).where(func.lower(CountryGroup.id) == group_id.lower())
        ).first()
    if group is None:
        return None
    codes = session.scalars(
        select(CountryGroupMember.country_code).where(CountryGroupMember.group_id == group.id)
    )
    return group.id, tuple(sorted(codes))


def theme_roots(
    themes: Iterable[str], parents: Mapping[str, str | None]
) -> tuple[tuple[str, ...], int]:
    """The themes whose parent is not selected, and how deep the selection goes below them."""
    selected = set(themes)
    roots = tuple(sorted(t for t in selected if parents.get(t) not in selected))
    depth = 0
    for theme_id in selected:
        levels, current = 0, theme_id
        while current not in roots and levels <= len(selected):
            current, levels = parents.get(current) or current, levels + 1
        depth = max(depth, levels)
    return roots, depth


# --- conditions -------------------------------------------------------------------------


def passage_date() -> ColumnElement[Any]:
    """The date a passage is filtered and sorted by (meeting start, else publication)."""
    return func.coalesce(meeting.c.start_date, document.c.published)


def _has_theme(pid: ColumnElement[Any], theme_ids: Sequence[str]) -> ColumnElement[bool]:
    return exists().where(
        passage_theme.c.passage_id == pid,
        passage_theme.c.theme_id.in_(theme_ids),
        passage_theme.c.excluded == false(),
    )


def _has_country(pid: ColumnElement[Any], codes: Sequence[str]) -> ColumnElement[bool]:
    return exists().where(
        passage_country.c.passage_id == pid,
        passage_country.c.country_code.in_(codes),
        passage_country.c.excluded == false(),
    )


def filter_conditions(
    pid: ColumnElement[Any], filters: Filters, absorbed: frozenset[str] = frozenset()
) -> list[ColumnElement[bool]]:
    """WHERE clauses for the filters not ``absorbed`` by the text match.

    ``pid`` is the passage id column to correlate with; meeting and date conditions need
    ``document`` (and ``meeting``) in the FROM clause.
    """
    conditions: list[ColumnElement[bool]] = []
    if filters.themes is not None and "themes" not in absorbed:
        conditions.append(_has_theme(pid, filters.themes))
    if filters.countries is not None and "countries" not in absorbed:
        conditions.append(_has_country(pid, filters.countries))
    if filters.meetings is not None:
        conditions.append(document.c.meeting_id.in_(filters.meetings))
    if filters.date_from is not None:
        conditions.append(passage_date() >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(passage_date() <= filters.date_to)
    return conditions


@dataclass(frozen=True)
class _Selection:
    """FROM and WHERE of the passages a query and filters select; ``pid`` is their id."""

    source: FromClause
    pid: ColumnElement[Any]
    where: list[ColumnElement[bool]]

    def select(self, *columns: Any) -> Select[Any]:
        return select(*columns).select_from(self.source).where(*self.where)


def _selection(
    match: TextMatch | None,
    filters: Filters,
    *,
    with_passage: bool = False,
    with_document: bool = False,
    with_meeting: bool = False,
) -> _Selection:
    """The selected passages, joining only what a filter or a column needs.

    With a positive text match the FTS rows drive and their rowid *is* the passage id, so
    counting or faceting needs no lookup in ``passage`` at all unless a document-level
    filter (meeting, date) or column asks for it: at a million passages every join is a
    lookup per matching passage.
    """
    with_meeting = with_meeting or filters.date_from is not None or filters.date_to is not None
    with_document = with_document or with_meeting or filters.meetings is not None
    with_passage = with_passage or with_document
    where: list[ColumnElement[bool]] = []
    if match is not None and not match.negated:
        source: FromClause = match.source
        pid = match.passage_id
        where.append(match.condition)
        if with_passage:
            source = source.join(passage, passage.c.id == pid)
    else:
        source, pid = passage, passage.c.id
        if match is not None:
            matching = select(match.passage_id).select_from(match.source).where(match.condition)
            where.append(pid.not_in(matching))
    if with_document:
        source = source.join(document, document.c.id == passage.c.document_id)
    if with_meeting:
        source = source.outerjoin(meeting, meeting.c.id == document.c.meeting_id)
    absorbed = match.absorbs if match is not None else frozenset()
    where += filter_conditions(pid, filters, absorbed)
    return _Selection(source, pid, where)


# --- statements -----------------------------------------------------------------------
#
# Each takes the text match built for exactly the filters it is given (a backend may
# absorb some of them). Facet statements are given the filters without their own facet.


def hits_statement(
    match: TextMatch | None,
    filters: Filters,
    *,
    sort: str = "relevance",
    limit: int = 50,
    offset: int = 0,
) -> Select[Any]:
    """(passage id, rank, total) of one page of hits, best first (or newest first for ``date``).

    ``total`` is the number of passages selected when the statement can give it for free
    (ranked text queries), else None: then ask ``count_statement``.
    """
    rank = match.rank if match is not None else None
    if is_ranked(match, sort, limit):
        return _ranked_page(match, filters, rank, limit, offset)  # type: ignore[arg-type]
    in_document_order = [passage.c.document_id, passage.c.position]
    if sort == "date":
        date = passage_date()
        order = [date.is_(None), date.desc(), *in_document_order]
    else:
        order = ([rank] if rank is not None else []) + in_document_order
    selection = _selection(match, filters, with_passage=True, with_meeting=sort == "date")
    columns = [passage.c.id, rank if rank is not None else literal(None), literal(None)]
    return selection.select(*columns).order_by(*order).limit(limit).offset(offset)


def is_ranked(match: TextMatch | None, sort: str, limit: int) -> bool:
    """Whether ``hits_statement`` orders by relevance (and counts the total for free)."""
    return match is not None and match.rank is not None and sort != "date" and limit > 0


def ranked_part_statement(
    match: TextMatch, filters: Filters, wanted: int, id_range: tuple[int, int] | None = None
) -> Select[Any]:
    """The best ``wanted`` hits of a part of the library, with their order keys.

    The part is the passages of ``id_range`` (first and last id), or else those ``match``
    selects (one of a backend's ``TextMatch.parts``).

    Rows: (passage id, rank, total in the part, document id, position). The best hits of
    a whole library are the best of the best of each part, by (rank, document, position),
    so parts can be ranked at the same time on separate connections (one per core); the
    total is the sum of the parts' totals. bm25's statistics are the whole index's, so a
    passage's rank is the same in a part as in the whole.
    """
    assert match.rank is not None
    return _ranked_page(match, filters, match.rank, wanted, 0, id_range, order_keys=True)


def _ranked_page(
    match: TextMatch,
    filters: Filters,
    rank: ColumnElement[Any],
    limit: int,
    offset: int,
    id_range: tuple[int, int] | None = None,
    *,
    order_keys: bool = False,
) -> Select[Any]:
    """A page by rank, then document order, looking up only the passages that can be on it.

    Ordering every match by (rank, document, position) joins ``passage`` for each match
    (67,000 lookups for a common word at a million passages). Instead the matches and
    their ranks are materialised once; the rank of the last hit of the page is a cut-off,
    and only passages ranked at or above it (the page plus any ties) are joined and
    ordered. Same hits, same order; the total is the size of the materialised set, so no
    second text match is run to count.
    """
    selection = _selection(match, filters)
    if id_range is not None:
        selection.where.append(selection.pid.between(*id_range))
    matched = (
        selection.select(selection.pid.label("pid"), rank.label("rank"))
        .cte("matched")
        .prefix_with("MATERIALIZED")
    )
    cut_off = (
        select(matched.c.rank)
        .order_by(matched.c.rank)
        .limit(1)
        .offset(limit + offset - 1)
        .scalar_subquery()
    )
    total = select(func.count()).select_from(matched).scalar_subquery()
    keys = [passage.c.document_id, passage.c.position] if order_keys else []
    return (
        select(passage.c.id, matched.c.rank, total, *keys)
        .select_from(matched.join(passage, passage.c.id == matched.c.pid))
        .where(or_(matched.c.rank <= cut_off, cut_off.is_(None)))
        .order_by(matched.c.rank, passage.c.document_id, passage.c.position)
        .limit(limit)
        .offset(offset)
    )


def count_statement(match: TextMatch | None, filters: Filters) -> Select[Any]:
    """The number of passages the query and filters select."""
    return _selection(match, filters).select(func.count())


THEME_SEPARATOR = "\x1f"  # between the theme ids of a signature (never in an id)


def theme_facet_statement(match: TextMatch | None, filters: Filters) -> Select[Any]:
    """Rows (theme signature, passages): how many selected passages have each set of themes.

    A signature is the theme ids of one passage's active links joined by
    ``THEME_SEPARATOR``; passages with no theme are left out. From these rows the caller
    derives both figures a user sees (``theme_counts``): the passages tagged with each
    theme, and for a top-level theme the distinct passages tagged with it or any of its
    children, without counting a passage twice.

    Why signatures: the links of the selected passages are read once, in passage order
    (the ``(passage_id, excluded, theme_id)`` index, never the table), grouped per
    passage as they stream by, and only the distinct signatures (a few thousand) are
    sorted. Direct counts plus a ``count(DISTINCT passage)`` rollup read and sorted every
    link twice: twice the time at a million passages.
    """
    links = _tag_links(match, filters, passage_theme, passage_theme.c.theme_id).subquery()
    per_passage = (
        select(func.aggregate_strings(links.c.key, THEME_SEPARATOR).label("signature"))
        .group_by(links.c.pid)
        .subquery()
    )
    return select(per_passage.c.signature, func.count()).group_by(per_passage.c.signature)


def theme_counts(
    rows: Iterable[tuple[str, int]], parents: Mapping[str, str | None]
) -> dict[str, int]:
    """Passages per theme from signature rows; a top-level theme counts its children too.

    ``parents`` maps each theme id to its parent (None for top-level themes; the taxonomy
    has two levels). A theme missing from ``parents`` counts as top-level.
    """
    direct: dict[str, int] = {}
    rolled: dict[str, int] = {}
    for signature, passages in rows:
        ids = signature.split(THEME_SEPARATOR)
        for theme_id in ids:
            direct[theme_id] = direct.get(theme_id, 0) + passages
        for top in {parents.get(theme_id) or theme_id for theme_id in ids}:
            rolled[top] = rolled.get(top, 0) + passages
    counts = {t: n for t, n in direct.items() if parents.get(t) is not None}
    counts.update(rolled)
    return counts


def country_facet_statement(match: TextMatch | None, filters: Filters) -> Select[Any]:
    """Passages per country code."""
    links = _tag_links(match, filters, passage_country, passage_country.c.country_code).subquery()
    return select(links.c.key, func.count()).group_by(links.c.key)


def _tag_links(
    match: TextMatch | None, filters: Filters, tags: Any, key: ColumnElement[Any]
) -> Select[Any]:
    """(passage id, tag key) of the active links of the selected passages.

    With no text and no filter every passage is selected: the links are read straight
    from the tag table, without visiting a million passages first.
    """
    active = tags.c.excluded == false()
    if match is None and filters == Filters():
        return select(tags.c.passage_id.label("pid"), key.label("key")).where(active)
    selection = _selection(match, filters)
    return (
        selection.select(tags.c.passage_id.label("pid"), key.label("key"))
        .join_from(selection.source, tags, tags.c.passage_id == selection.pid)
        .where(active)
    )


def meeting_facet_statement(match: TextMatch | None, filters: Filters) -> Select[Any]:
    """Passages per meeting (passages of documents without a meeting are not counted).

    Passages are counted per document first, so ``document`` is read once per document
    rather than once per passage (a document holds ~25 passages).
    """
    selection = _selection(match, filters, with_passage=True)
    per_document = (
        selection.select(passage.c.document_id.label("document_id"), func.count().label("n"))
        .group_by(passage.c.document_id)
        .subquery()
    )
    return (
        select(document.c.meeting_id, cast(func.sum(per_document.c.n), Integer))
        .select_from(per_document.join(document, document.c.id == per_document.c.document_id))
        .where(document.c.meeting_id.is_not(None))
        .group_by(document.c.meeting_id)
    )


# --- hydrating a page -------------------------------------------------------------------


def hit_rows(session: Session, passage_ids: Sequence[int]) -> dict[int, Mapping[str, Any]]:
    """Passage, document and meeting fields of the given passages, by passage id."""
    if not passage_ids:
        return {}
    statement = (
        select(
            passage.c.id.label("passage_id"),
            passage.c.paragraph,
            passage.c.kind,
            passage.c.text,
            document.c.id.label("document_id"),
            document.c.title.label("document_title"),
            document.c.published,
            meeting.c.id.label("meeting_id"),
            meeting.c.title.label("meeting_title"),
            meeting.c.start_date,
            meeting.c.end_date,
            meeting.c.city,
        )
        .select_from(
            passage.join(document, document.c.id == passage.c.document_id).outerjoin(
                meeting, meeting.c.id == document.c.meeting_id
            )
        )
        .where(passage.c.id.in_(passage_ids))
    )
    return {row.passage_id: row for row in session.execute(statement).mappings()}


def tags_of(session: Session, passage_ids: Sequence[int]) -> dict[int, tuple[list[str], list[str]]]:
    """(theme ids, country codes) of each passage, excluded links left out, sorted."""
    tags: dict[int, tuple[list[str], list[str]]] = {pid: ([], []) for pid in passage_ids}
    if not passage_ids:
        return tags
    themes = select(
        passage_theme.c.passage_id, passage_theme.c.theme_id, literal(0).label("kind")
    ).where(passage_theme.c.passage_id.in_(passage_ids), passage_theme.c.excluded == false())
    countries = select(
        passage_country.c.passage_id, passage_country.c.country_code, literal(1)
    ).where(passage_country.c.passage_id.in_(passage_ids), passage_country.c.excluded == false())
    for pid, key, kind in session.execute(union_all(themes, countries)):
        tags[pid][kind].append(key)
    for theme_ids, codes in tags.values():
        theme_ids.sort()
        codes.sort()
    return tags


def theme_labels(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Theme.id, Theme.label)).all())


def country_labels(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """Country names (the gazetteer is small: read it whole)."""
    wanted = set(codes)
    rows = session.execute(select(Country.code, Country.name))
    return {code: name for code, name in rows if code in wanted}


def meeting_labels(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """``title, city, start date`` of each meeting (read in chunks: SQL limits parameters)."""
    ids = sorted(ids)
    labels: dict[int, str] = {}
    for chunk in range(0, len(ids), 900):
        rows = session.execute(
            select(Meeting.id, Meeting.title, Meeting.start_date, Meeting.city).where(
                Meeting.id.in_(ids[chunk : chunk + 900])
            )
        )
        labels.update(
            (mid, meeting_label(mid, title, start, city)) for mid, title, start, city in rows
        )
    return labels


def all_meeting_labels(connection: Connection) -> dict[int, str]:
    """The label of every meeting (for a facet index that counts them all)."""
    rows = connection.execute(
        select(meeting.c.id, meeting.c.title, meeting.c.start_date, meeting.c.city)
    )
    return {mid: meeting_label(mid, title, start, city) for mid, title, start, city in rows}


def meeting_label(mid: int, title: str | None, start: Any, city: str | None) -> str:
    """``title, city, start date``; a meeting without a title is ``meeting ID``."""
    parts = [title or f"meeting {mid}", city, start.isoformat() if start else None]
    return ", ".join(p for p in parts if p)
