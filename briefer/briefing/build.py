"""Automatic assembly: search hits → sections of quotes, as plain data (no SQL here).

``plan_briefing`` groups passages into a section per theme (each quote under the best of
its most specific themes; sections in taxonomy order) or per meeting (in date order), orders quotes by date
(the meeting's start date, else the document's publication date), and quotes a sentence
republished in several documents once, citing every copy. The service layer runs the
search, feeds the hits in and stores the plan as a briefing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from briefer.briefing.citations import format_date_range
from briefer.briefing.outline import MeetingInfo, PassageRef

GroupBy = Literal["theme", "meeting"]

NO_THEME_HEADING = "Other passages"
NO_MEETING_HEADING = "Documents with no meeting recorded"

_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
    }
)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ThemeInfo:
    id: str
    label: str
    parent_id: str | None = None
    position: int = 0


@dataclass(frozen=True)
class Candidate:
    """A search hit with what grouping needs: the passage and its themes, best first.

    Excluded (manually removed) theme links are not given; the order is the tagger's score,
    highest first, so grouping can choose one section per quote.
    """

    passage: PassageRef
    themes: tuple[str, ...] = ()


@dataclass
class ItemPlan:
    """One quote: the quoted passage first, then the other documents carrying the same text."""

    sources: tuple[PassageRef, ...]

    @property
    def date(self) -> dt.date | None:
        return self.sources[0].document.date


@dataclass
class SectionPlan:
    heading: str
    items: list[ItemPlan] = field(default_factory=list)


def normalise(text: str) -> str:
    """Text as compared for republished copies: case, spacing, quote marks and dashes folded."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub(" ", folded).strip().casefold()


def _date_key(passage: PassageRef) -> tuple[int, dt.date, int, int]:
    date = passage.document.date
    return (date is None, date or dt.date.min, passage.document.id, passage.passage_id)


@dataclass
class _Cluster:
    members: list[Candidate]

    @property
    def sources(self) -> tuple[PassageRef, ...]:
        return tuple(sorted((m.passage for m in self.members), key=_date_key))

    @property
    def ordered_members(self) -> list[Candidate]:
        """The quoted passage's candidate first, then the copies', in date order."""
        return sorted(self.members, key=lambda m: _date_key(m.passage))


def merge_republished(candidates: Iterable[Candidate]) -> list[_Cluster]:
    """Group hits whose normalised text is the same; distinct passages only, first seen first.

    The same document is never cited twice for one sentence: a repeat inside one document
    stays a separate quote.
    """
    clusters: dict[str, list[_Cluster]] = {}
    ordered: list[_Cluster] = []
    seen: set[int] = set()
    for candidate in candidates:
        if candidate.passage.passage_id in seen:
            continue
        seen.add(candidate.passage.passage_id)
        key = normalise(candidate.passage.text)
        home = None
        for cluster in clusters.get(key, []):
            documents = {m.passage.document.id for m in cluster.members}
            if candidate.passage.document.id not in documents:
                home = cluster
                break
        if home is None:
            home = _Cluster([])
            clusters.setdefault(key, []).append(home)
            ordered.append(home)
        home.members.append(candidate)
    return ordered


def _ancestors(theme_id: str, themes: dict[str, ThemeInfo]) -> list[str]:
    chain: list[str] = []
    current = themes.get(theme_id)
    while current is not None and current.parent_id and current.parent_id not in chain:
        chain.append(current.parent_id)
        current = themes.get(current.parent_id)
    return chain


def most_specific(theme_ids: Iterable[str], themes: dict[str, ThemeInfo]) -> set[str]:
    """Drop a theme when a descendant of it is also present (keep the leaves of the hits)."""
    chosen = set(theme_ids)
    covered = {ancestor for theme in chosen for ancestor in _ancestors(theme, themes)}
    return chosen - covered


def _theme_sort_key(theme_id: str, themes: dict[str, ThemeInfo]) -> tuple[object, ...]:
    path = [theme_id, *_ancestors(theme_id, themes)][::-1]
    key: list[object] = []
    for node in path:
        info = themes.get(node)
        key.append((info.position if info else 0, (info.label if info else node).lower()))
    return tuple(key)


def _in_filter(theme_id: str, wanted: set[str], themes: dict[str, ThemeInfo]) -> bool:
    return theme_id in wanted or any(a in wanted for a in _ancestors(theme_id, themes))


def meeting_heading(meeting: MeetingInfo) -> str:
    """A meeting as a section heading: title, city, dates, as far as they are known.

    ``Salzburg Forum Ministerial Conference, Budapest, 18–19 November 2016``; with no
    title, ``Meeting in Budapest, 18–19 November 2016`` or ``Meeting of 19 June 2018``.
    """
    place = meeting.city or meeting.country
    dates = format_date_range(meeting.start_date, meeting.end_date)
    if meeting.title and meeting.title.strip():
        return ", ".join(p for p in (meeting.title.strip(), place, dates) if p)
    if place:
        return ", ".join(p for p in (f"Meeting in {place}", dates) if p)
    if dates:
        return f"Meeting of {dates}"
    return "Meeting with no details recorded"


def _by_date(items: list[ItemPlan]) -> list[ItemPlan]:
    return sorted(items, key=lambda item: _date_key(item.sources[0]))


def _best_theme(cluster: _Cluster, themes: dict[str, ThemeInfo], wanted: set[str]) -> str | None:
    """The section a quote goes to: its first most specific theme, within the filter if any.

    Candidates list their themes best first (the tagger's score), the quoted passage's
    own themes before those of its republished copies.
    """
    ordered = list(dict.fromkeys(t for m in cluster.ordered_members for t in m.themes))
    specific = most_specific(ordered, themes)
    for theme in ordered:
        if theme in specific and (not wanted or _in_filter(theme, wanted, themes)):
            return theme
    return None


def plan_by_theme(
    candidates: Sequence[Candidate],
    themes: dict[str, ThemeInfo],
    theme_filter: Sequence[str] = (),
) -> list[SectionPlan]:
    """A section per most specific theme, in taxonomy order; untagged passages last.

    Each quote appears once, under its best theme (a briefing that repeats a quote in
    every section it touches reads as padding); with a theme filter, only sections within
    the filter are made.
    """
    wanted = set(theme_filter)
    sections: dict[str, list[ItemPlan]] = {}
    untagged: list[ItemPlan] = []
    for cluster in merge_republished(candidates):
        theme = _best_theme(cluster, themes, wanted)
        item = ItemPlan(cluster.sources)
        if theme is None:
            untagged.append(item)
        else:
            sections.setdefault(theme, []).append(item)
    plans = [
        SectionPlan(themes[t].label if t in themes else t, _by_date(sections[t]))
        for t in sorted(sections, key=lambda t: _theme_sort_key(t, themes))
    ]
    if untagged:
        plans.append(SectionPlan(NO_THEME_HEADING, _by_date(untagged)))
    return plans


def plan_by_meeting(candidates: Sequence[Candidate]) -> list[SectionPlan]:
    """A section per meeting, meetings in date order; documents with no meeting last."""
    groups: dict[int | None, list[ItemPlan]] = {}
    meetings: dict[int, MeetingInfo] = {}
    for cluster in merge_republished(candidates):
        item = ItemPlan(cluster.sources)
        meeting = item.sources[0].document.meeting
        if meeting is not None:
            meetings[meeting.id] = meeting
        groups.setdefault(meeting.id if meeting else None, []).append(item)

    def order(meeting_id: int) -> tuple[object, ...]:
        meeting = meetings[meeting_id]
        start = meeting.start_date
        return (start is None, start or dt.date.min, (meeting.title or "").lower(), meeting_id)

    plans = [
        SectionPlan(meeting_heading(meetings[m]), _by_date(groups[m]))
        for m in sorted((m for m in groups if m is not None), key=order)
    ]
    if None in groups:
        plans.append(SectionPlan(NO_MEETING_HEADING, _by_date(groups[None])))
    return plans


def plan_briefing(
    candidates: Sequence[Candidate],
    themes: dict[str, ThemeInfo],
    group_by: GroupBy = "theme",
    theme_filter: Sequence[str] = (),
) -> list[SectionPlan]:
    """The sections of an automatically assembled briefing."""
    if group_by == "meeting":
        return plan_by_meeting(candidates)
    if group_by == "theme":
        return plan_by_theme(candidates, themes, theme_filter)
    raise ValueError(f"cannot group a briefing by {group_by!r} (theme or meeting)")
