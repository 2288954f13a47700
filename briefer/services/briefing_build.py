"""Building a briefing automatically from a search: the hits, grouped, stored as a briefing.

The search is the same as ``briefer search`` (``briefer.services.searching``); grouping,
date order and merging of republished sentences are pure functions in
``briefer.briefing.build``. The result is an ordinary stored briefing (preset "Thematic
digest" when grouped by theme), so it can be edited, undone (its inverse deletes it) and
exported again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from briefer.briefing.build import Candidate, GroupBy, SectionPlan, ThemeInfo, plan_briefing
from briefer.domain.errors import BrieferError
from briefer.domain.search import SearchRequest
from briefer.services import searching
from briefer.services.briefing_reads import passage_refs
from briefer.services.briefings import (
    BriefingData,
    Change,
    InsertBriefing,
    ItemData,
    SectionData,
    apply,
)
from briefer.store.library import Library
from briefer.store.models import Theme

DEFAULT_LIMIT = 1000
THEMATIC_DIGEST = "thematic-digest"


@dataclass(frozen=True)
class BuildResult:
    change: Change
    total: int  # passages the search matched
    quoted: int  # passages taken (at most the limit), before merging republished copies
    sections: int
    items: int


def plan_from_search(
    library: Library,
    request: SearchRequest,
    group_by: GroupBy = "theme",
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[SectionPlan], int, int]:
    """The sections a build would make, with the search's total and the passages taken."""
    if limit < 1:
        raise BrieferError(f"the build limit must be at least 1 (got {limit})")
    page = searching.search(library, replace(request, limit=limit, offset=0, with_facets=False))
    with library.sessions() as session:
        refs = passage_refs(session, [hit.passage_id for hit in page.hits])
        themes = {
            t.id: ThemeInfo(t.id, t.label, t.parent_id, t.position)
            for t in session.scalars(select(Theme))
        }
    candidates = [
        Candidate(refs[hit.passage_id], tuple(hit.themes))
        for hit in page.hits
        if hit.passage_id in refs
    ]
    plans = plan_briefing(candidates, themes, group_by, request.themes)
    return plans, page.total, len(candidates)


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
    plans, total, taken = plan_from_search(library, request, group_by, limit)
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
        total=total,
        quoted=taken,
        sections=len(sections),
        items=sum(len(s.items) for s in sections),
    )
