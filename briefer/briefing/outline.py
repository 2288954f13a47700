"""A briefing's outline as plain data: what the window and the command line show.

The service layer reads a stored briefing into these dataclasses (no SQL here), so the
window's outline model, ``briefer briefing show`` and the document composer all work on
the same values. Quote items carry every source they cite, the quoted passage first,
with the document and meeting facts a citation needs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

ItemKind = Literal["quote", "text"]


@dataclass(frozen=True)
class MeetingInfo:
    """What the library knows of a meeting; unknown fields are None (never guessed)."""

    id: int
    title: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    city: str | None = None
    country: str | None = None  # country name, e.g. "Bulgaria"; None when unknown
    series: str | None = None  # e.g. "Berlin Process": names a meeting that has no title
    format: str | None = None  # "in person", "videoconference"; None when unknown
    # How sure the library is of this meeting (1.0 for one an analyst entered; None: unscored).
    confidence: float | None = None


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    title: str | None
    file_name: str
    publisher: str | None = None
    url: str | None = None
    published: dt.date | None = None
    meeting: MeetingInfo | None = None

    @property
    def date(self) -> dt.date | None:
        """The date quotes sort by: the meeting's start date, else the publication date."""
        if self.meeting is not None and self.meeting.start_date is not None:
            return self.meeting.start_date
        return self.published


@dataclass(frozen=True)
class SourceFootnote:
    """A footnote of the source document that a quoted passage's marker points to."""

    marker: str  # as stored: "1", "2", "*"
    text: str  # the footnote passage's stored text
    passage_id: int


@dataclass(frozen=True)
class PassageRef:
    """One quoted passage: its exact stored text and where it comes from."""

    passage_id: int
    text: str
    paragraph: str
    kind: str
    document: DocumentInfo
    footnotes: tuple[SourceFootnote, ...] = ()  # the source's notes its markers point to


@dataclass
class ItemOutline:
    id: int
    kind: ItemKind
    position: int
    text: str | None = None  # the analyst's own text (kind "text")
    note: str | None = None  # the analyst's note on a quote
    # The quoted passage first, then the other passages that carry the same sentence.
    sources: tuple[PassageRef, ...] = ()

    @property
    def passage_id(self) -> int | None:
        return self.sources[0].passage_id if self.sources else None

    @property
    def quote(self) -> str | None:
        """The stored passage text, verbatim."""
        return self.sources[0].text if self.sources else None


@dataclass
class SectionOutline:
    id: int
    heading: str
    position: int
    intro: str | None = None
    items: list[ItemOutline] = field(default_factory=list)


@dataclass
class BriefingOutline:
    id: int
    title: str
    subtitle: str | None = None
    purpose: str | None = None
    audience: str | None = None
    author: str | None = None
    date: dt.date | None = None
    language: str = "en"
    classification: str | None = None
    preset: str | None = None
    created_at: dt.datetime | None = None
    modified_at: dt.datetime | None = None
    version: int = 1
    sections: list[SectionOutline] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)

    def section(self, section_id: int) -> SectionOutline:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def structure(self) -> tuple[object, ...]:
        """Everything an analyst sees, without the change counters (version, modified time).

        Two outlines with equal structure look the same in the window and export the same:
        the undo tests compare this.
        """
        return (
            self.title,
            self.subtitle,
            self.purpose,
            self.audience,
            self.author,
            self.date,
            self.language,
            self.classification,
            self.preset,
            tuple(
                (
                    s.id,
                    s.heading,
                    s.intro,
                    tuple(
                        (i.id, i.kind, i.text, i.note, tuple(p.passage_id for p in i.sources))
                        for i in s.items
                    ),
                )
                for s in self.sections
            ),
        )


@dataclass(frozen=True)
class BriefingSummary:
    """One line of ``briefer briefing list``."""

    id: int
    title: str
    classification: str | None
    preset: str | None
    sections: int
    items: int
    created_at: dt.datetime
    modified_at: dt.datetime
    version: int
