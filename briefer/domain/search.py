"""What a search asks for and what it returns, independent of the database dialect."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

SortOrder = Literal["relevance", "date"]


@dataclass(frozen=True)
class SearchRequest:
    """A full-text query (any text a user types) combined with facet filters.

    Filters of one kind are OR-ed (any of the themes), kinds are AND-ed. A theme
    filter includes the theme's children; a country filter may name a group
    (``group:wb6``), which selects its members; ``EL`` and ``UK`` mean ``GR`` and ``GB``.
    The date range applies to the meeting's start date when the document is linked to a
    meeting that has one, else to the document's publication date (inclusive bounds).
    """

    query: str = ""
    themes: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    meetings: tuple[int, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    limit: int = 50
    offset: int = 0
    sort: SortOrder = "relevance"
    with_facets: bool = True  # facet counts cost a query each: a list without them is faster


@dataclass(frozen=True)
class MeetingRef:
    id: int
    title: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    city: str | None


@dataclass(frozen=True)
class SearchHit:
    passage_id: int
    document_id: int
    document_title: str | None
    meeting: MeetingRef | None
    paragraph: str
    kind: str
    text: str
    snippet: str  # the text around the matches, matched words wrapped in [[ and ]]
    themes: tuple[str, ...]
    countries: tuple[str, ...]
    published: dt.date | None
    rank: float | None = None


@dataclass(frozen=True)
class FacetCount:
    key: str  # theme id, country code or meeting id (as text)
    label: str
    count: int


@dataclass
class SearchPage:
    hits: list[SearchHit]
    total: int
    facets: dict[str, list[FacetCount]] = field(
        default_factory=dict
    )  # "themes", "countries", "meetings"
