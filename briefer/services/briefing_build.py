"""Building a briefing automatically from a search: the hits, grouped, stored as a briefing.

The search is the same as ``briefer search`` (``briefer.services.searching``); grouping,
date order and merging of republished sentences are pure functions in
``briefer.briefing.build``. The result is an ordinary stored briefing (preset "Thematic
digest" when grouped by theme), so it can be edited, undone (its inverse deletes it) and
exported again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from briefer.briefing.build import (
    Candidate,
    GroupBy,
    ItemPlan,
    SectionPlan,
    ThemeInfo,
    plan_briefing,
)
from briefer.briefing.outline import PassageRef
from briefer.briefing.presets import find_preset, is_sources_annex
from briefer.domain.errors import BrieferError, NotFound
from briefer.domain.search import SearchRequest
from briefer.services import searching
from briefer.services.briefing_reads import passage_refs
from briefer.services.briefings import (
    DEFAULT_SECTION_HEADING,
    Batch,
    BriefingData,
    Change,
    InsertBriefing,
    InsertItems,
    InsertSection,
    ItemData,
    Operation,
    Placement,
    RemoveItems,
    RemoveSection,
    SectionData,
    apply,
    apply_in,
)
from briefer.store.briefing_models import Briefing, BriefingItem, BriefingSection
from briefer.store.library import Library
from briefer.store.models import PassageTheme, Theme

DEFAULT_LIMIT = 1000
THEMATIC_DIGEST = "thematic-digest"


@dataclass(frozen=True)
class BuildResult:
    change: Change
    total: int  # passages the search matched
    quoted: int  # passages taken (at most the limit), before merging republished copies
    sections: int
    items: int
    limited: bool = False  # the search matched more passages than the limit let in
    left_out: int = 0  # headings and datelines among the matches: not statements to quote


@dataclass(frozen=True)
class SearchPlan:
    """The sections a build would make from a search, and what the search found."""

    sections: list[SectionPlan]
    total: int  # passages the search matched
    considered: int  # the most relevant of them that were looked at (all, when few)
    taken: int  # of those, the passages quoted: at most the limit, no headings or datelines


# Headings ("Counter-terrorism and violent extremism") and datelines ("Sofia, 21-22
# January 2016") match searches, often near the top, but are not statements to quote.
NOT_QUOTED_KINDS = frozenset({"heading", "dateline"})


def plan_from_search(
    library: Library,
    request: SearchRequest,
    group_by: GroupBy = "theme",
    limit: int = DEFAULT_LIMIT,
) -> SearchPlan:
    """The sections a build would make from the ``limit`` most relevant quotable passages.

    The search is read a page at a time until ``limit`` passages that can be quoted are
    found: a short heading ranks high, and counting it against the limit would leave a
    build of ``--limit 1`` with nothing to quote.
    """
    if limit < 1:
        raise BrieferError(f"the build limit must be at least 1 (got {limit})")
    with library.sessions() as session:
        themes = {
            t.id: ThemeInfo(t.id, t.label, t.parent_id, t.position)
            for t in session.scalars(select(Theme))
        }
        candidates: list[Candidate] = []
        considered, total = 0, 0
        while len(candidates) < limit:
            wanted = limit - len(candidates)
            page = searching.search(
                library, replace(request, limit=wanted, offset=considered, with_facets=False)
            )
            total = page.total
            refs = passage_refs(session, [hit.passage_id for hit in page.hits])
            ranked = _passage_themes(session, list(refs))
            candidates += [
                Candidate(refs[hit.passage_id], ranked[hit.passage_id])
                for hit in page.hits
                if hit.passage_id in refs and refs[hit.passage_id].kind not in NOT_QUOTED_KINDS
            ]
            considered += len(page.hits)
            if len(page.hits) < wanted or considered >= total:
                break
    plans = plan_briefing(candidates, themes, group_by, request.themes)
    return SearchPlan(plans, total, considered, len(candidates))


def build_briefing(
    library: Library,
    request: SearchRequest,
    title: str,
    *,
    group_by: GroupBy = "theme",
    classification: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> BuildResult:
    """Store a new briefing made of the passages ``request`` finds; refuses an empty result."""
    plan = plan_from_search(library, request, group_by, limit)
    plans = plan.sections
    if not plans:
        raise BrieferError("no passage matches this search: nothing to build a briefing from")
    sections = tuple(
        SectionData(
            heading=plan.heading,
            items=tuple(
                ItemData.quote(
                    item.sources[0].passage_id, also=[p.passage_id for p in item.sources[1:]]
                )
                for item in plan.items
            ),
        )
        for plan in plans
    )
    data = BriefingData(
        title=title,
        classification=classification.strip()
        if classification and classification.strip()
        else None,
        preset=THEMATIC_DIGEST if group_by == "theme" else None,
        sections=sections,
    )
    change = apply(library, InsertBriefing(data, label="Build briefing"))
    return BuildResult(
        change=change,
        total=plan.total,
        quoted=plan.taken,
        sections=len(sections),
        items=sum(len(s.items) for s in sections),
        limited=plan.total > plan.considered,
        left_out=plan.considered - plan.taken,
    )


# --- adding quotes to an existing briefing ------------------------------------------------


def _themes(session: Session) -> dict[str, ThemeInfo]:
    return {
        t.id: ThemeInfo(t.id, t.label, t.parent_id, t.position)
        for t in session.scalars(select(Theme))
    }


def _passage_themes(session: Session, passage_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Each passage's theme ids (excluded links left out), highest score first."""
    found: dict[int, list[tuple[float, str]]] = {p: [] for p in passage_ids}
    for start in range(0, len(passage_ids), 500):
        rows = session.execute(
            select(PassageTheme.passage_id, PassageTheme.theme_id, PassageTheme.score).where(
                PassageTheme.passage_id.in_(list(passage_ids[start : start + 500])),
                PassageTheme.excluded.is_(False),
            )
        )
        for passage_id, theme_id, score in rows:
            found[passage_id].append((-(score if score is not None else 0.0), theme_id))
    return {p: tuple(t for _, t in sorted(ranked)) for p, ranked in found.items()}


def _date_key(date: dt.date | None) -> tuple[bool, dt.date]:
    return (date is None, date or dt.date.min)


@dataclass(frozen=True)
class FileQuotes:
    """Quote passages in a briefing: in the section named, or filed the way its preset says.

    With a heading: that section (any case), made before the sources annex when missing.
    Without one, a briefing whose preset groups by theme (the thematic digest) or meeting
    files each passage under its theme's or meeting's section, made when missing, at its
    place in date order; any other briefing takes the quotes at the end of its last
    section before the sources annex. One change, undone in one step.
    """

    briefing_id: int
    passage_ids: tuple[int, ...]
    heading: str | None = None
    label: str = "Add quotes"

    def target(self, session: Session) -> int | None:
        if session.get(Briefing, self.briefing_id) is None:
            raise NotFound(f"briefing {self.briefing_id} does not exist")
        if not self.passage_ids:
            raise BrieferError("nothing to add: no passage ids given")
        return self.briefing_id

    def run(self, session: Session) -> Operation:
        briefing = session.get(Briefing, self.briefing_id)
        assert briefing is not None
        refs = passage_refs(session, self.passage_ids)
        missing = [p for p in dict.fromkeys(self.passage_ids) if p not in refs]
        if missing:
            listed = ", ".join(str(m) for m in missing[:10])
            raise NotFound(f"passage{'s' if len(missing) > 1 else ''} {listed} not in the library")
        group_by = _preset_grouping(briefing.preset)
        filing = self.heading is None and group_by in ("theme", "meeting")
        if filing:
            themes = _passage_themes(session, list(refs))
            candidates = [Candidate(refs[p], themes[p]) for p in dict.fromkeys(self.passage_ids)]
            plans = plan_briefing(candidates, _themes(session), group_by)  # type: ignore[arg-type]
        else:
            items = [ItemPlan((refs[p],)) for p in self.passage_ids]
            plans = [SectionPlan(self.heading or "", items)]
        inverses: list[Operation] = []
        for plan in plans:
            heading = plan.heading if filing else self.heading
            section_id = self._section_for(session, heading, inverses)
            inverses.append(self._insert(session, section_id, plan.items, dated=filing))
        return Batch(self.briefing_id, tuple(reversed(inverses)), self.label)

    def _section_for(self, session: Session, heading: str | None, inverses: list[Operation]) -> int:
        sections = list(
            session.scalars(
                select(BriefingSection)
                .where(BriefingSection.briefing_id == self.briefing_id)
                .order_by(BriefingSection.position)
            )
        )
        if heading is not None and heading.strip():
            for section in sections:
                if section.heading.casefold() == heading.strip().casefold():
                    return section.id
        else:
            for section in reversed(sections):
                if not is_sources_annex(section.heading):
                    return section.id
        annex = next((s.position for s in sections if is_sources_annex(s.heading)), None)
        new_heading = heading.strip() if heading and heading.strip() else DEFAULT_SECTION_HEADING
        inverse = InsertSection(self.briefing_id, SectionData(new_heading), annex).run(session)
        inverses.append(inverse)
        assert isinstance(inverse, RemoveSection)
        return inverse.section_id

    def _insert(
        self, session: Session, section_id: int, items: Sequence[ItemPlan], *, dated: bool
    ) -> Operation:
        existing = list(
            session.scalars(
                select(BriefingItem)
                .where(BriefingItem.section_id == section_id)
                .order_by(BriefingItem.position)
            )
        )
        placements = []
        if dated:
            known = passage_refs(session, [i.passage_id for i in existing if i.passage_id])
            dates = [
                _date_key(known[i.passage_id].document.date) if i.passage_id in known else None
                for i in existing
            ]
            for item in sorted(items, key=lambda i: _date_key(i.date)):
                key = _date_key(item.date)
                at = 0
                for index, existing_key in enumerate(dates):
                    if existing_key is not None and existing_key <= key:
                        at = index + 1
                dates.insert(at, key)
                placements.append(Placement(section_id, at, _quote_data(item.sources)))
        else:
            placements = [
                Placement(section_id, len(existing) + n, _quote_data(item.sources))
                for n, item in enumerate(items)
            ]
        return InsertItems(tuple(placements)).run(session)


def _quote_data(sources: tuple[PassageRef, ...]) -> ItemData:
    return ItemData.quote(sources[0].passage_id, also=[p.passage_id for p in sources[1:]])


def _preset_grouping(preset: str | None) -> str:
    if not preset:
        return "none"
    try:
        return find_preset(preset).group_by
    except (NotFound, BrieferError):
        return "none"


@dataclass(frozen=True)
class FiledQuotes:
    change: Change
    item_ids: tuple[int, ...]
    sections: list[tuple[int, str, bool]]  # (section id, heading, made by this change)


def file_quotes(
    library: Library,
    briefing_id: int,
    passage_ids: Sequence[int],
    heading: str | None = None,
    *,
    expected_version: int | None = None,
) -> FiledQuotes:
    """Quote ``passage_ids`` in a briefing (see ``FileQuotes``); one transaction."""
    with library.session() as session:
        change = apply_in(
            session,
            FileQuotes(briefing_id, tuple(passage_ids), heading),
            expected_version=expected_version,
        )
        inverse = change.inverse
        assert isinstance(inverse, Batch)
        made = {op.section_id for op in inverse.operations if isinstance(op, RemoveSection)}
        item_ids = tuple(
            i
            for op in reversed(inverse.operations)
            if isinstance(op, RemoveItems)
            for i in op.item_ids
        )
        rows = session.execute(
            # position is selected too: PostgreSQL wants DISTINCT's ORDER BY in the list
            select(BriefingSection.id, BriefingSection.heading, BriefingSection.position)
            .join(BriefingItem, BriefingItem.section_id == BriefingSection.id)
            .where(BriefingItem.id.in_(item_ids))
            .order_by(BriefingSection.position)
            .distinct()
        ).all()
        sections = [(sid, heading_, sid in made) for sid, heading_, _position in rows]
    return FiledQuotes(change, item_ids, sections)
