"""Citations as a minister's office writes them, from what the library knows and nothing more.

"Joint Declaration, Ministerial Conference on Combating Terrorism in the Danube Region,
Sofia, 21–22 January 2016, para. 7": document title, meeting, place, date or date range,
paragraph. Unknown parts are left out, never filled in: a document with no meeting is
cited with its publication date, marked as such ("published 21 March 2015"), because a
publication date is not a meeting date. The publisher named on a document (for a
republished copy, the original publisher) follows in brackets; the URL stays on the
``Source`` for hyperlinks and the sources annex.

Uncertain facts are not cited as facts. A meeting the library inferred with a confidence
below ``CERTAIN_MEETING`` (0.5; an analyst's own meeting has 1.0, an unscored one counts
as certain) is left out of the citation: the document is cited with its publication
date ("published 19 June 2018"), and when it has none, the inferred meeting date is
given as "19 June 2018 (meeting date uncertain)". The sources annex still names such a
meeting and place, each followed by "(uncertain)". A meeting without a title is named
by its series ("Berlin Process"); a videoconference's place reads "videoconference".
"""

from __future__ import annotations

import datetime as dt
import re

from briefer.briefing.document import Citation, Source
from briefer.briefing.outline import DocumentInfo, MeetingInfo, PassageRef

EN_DASH = "–"
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_NUMBERED = re.compile(r"^\d+(?:\.\d+)*[a-z]?$")
CERTAIN_MEETING = 0.5
UNCERTAIN = " (uncertain)"
VIDEOCONFERENCE = "videoconference"
_FOOTNOTE = re.compile(r"^(?:fn|footnote)\s*(.+)$", re.IGNORECASE)


def format_date(day: dt.date) -> str:
    """``21 January 2016``: day without a leading zero, English month name (locale-free)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_date_range(start: dt.date | None, end: dt.date | None) -> str | None:
    """A date or range with an en dash, sharing the month and year when they are the same.

    ``21–22 January 2016``, ``30 November – 2 December 2021``,
    ``30 December 2021 – 2 January 2022``; a missing or earlier end date gives the start
    date alone, a missing start date gives the end date alone.
    """
    if start is None:
        return format_date(end) if end is not None else None
    if end is None or end <= start:
        return format_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}{EN_DASH}{end.day} {_MONTHS[end.month - 1]} {end.year}"
    if start.year == end.year:
        return f"{start.day} {_MONTHS[start.month - 1]} {EN_DASH} {format_date(end)}"
    return f"{format_date(start)} {EN_DASH} {format_date(end)}"


def format_paragraph(label: str | None) -> str | None:
    """``para. 7`` for numbered paragraphs, ``footnote 1`` for footnotes, else the label."""
    if not label or not label.strip():
        return None
    label = label.strip()
    if _NUMBERED.match(label):
        return f"para. {label}"
    footnote = _FOOTNOTE.match(label)
    if footnote:
        return f"footnote {footnote.group(1).strip()}"
    return label


def meeting_is_certain(meeting: MeetingInfo) -> bool:
    """Whether a citation may state the meeting's facts (see the module docstring)."""
    return meeting.confidence is None or meeting.confidence >= CERTAIN_MEETING


def meeting_name(meeting: MeetingInfo | None) -> str | None:
    """The meeting's title, else its series ("Berlin Process"), else None."""
    if meeting is None:
        return None
    for name in (meeting.title, meeting.series):
        if name and name.strip():
            return name.strip()
    return None


def _is_videoconference(meeting: MeetingInfo) -> bool:
    return (meeting.format or "").strip().lower() == VIDEOCONFERENCE


def meeting_place(meeting: MeetingInfo | None) -> str | None:
    """``Sofia, Bulgaria`` (as much of it as is known); a videoconference says so."""
    if meeting is None:
        return None
    place = ", ".join(p for p in (meeting.city, meeting.country) if p) or None
    if _is_videoconference(meeting):
        return f"{place} ({VIDEOCONFERENCE})" if place else VIDEOCONFERENCE
    return place


def document_label(document: DocumentInfo) -> str:
    """The document's title, or its file name when the title is unknown."""
    if document.title and document.title.strip():
        return document.title.strip()
    return document.file_name


def document_date(document: DocumentInfo) -> str | None:
    """The meeting's dates when known and certain, else ``published <date>``, else None.

    An uncertain meeting's dates are given only when there is no publication date, and
    then marked "(meeting date uncertain)".
    """
    meeting = document.meeting
    dates = format_date_range(meeting.start_date, meeting.end_date) if meeting else None
    if dates and meeting is not None and meeting_is_certain(meeting):
        return dates
    if document.published is not None:
        return f"published {format_date(document.published)}"
    if dates:
        return f"{dates} (meeting date uncertain)"
    return None


def source_for(passage: PassageRef) -> Source:
    """The ``Source`` a writer and the sources annex show for one quoted passage."""
    document = passage.document
    meeting = document.meeting
    name, place = meeting_name(meeting), meeting_place(meeting)
    if meeting is not None and not meeting_is_certain(meeting):
        name = name + UNCERTAIN if name else None
        place = place + UNCERTAIN if place else None
    return Source(
        document_id=document.id,
        title=document_label(document),
        meeting=name,
        place=place,
        date=document_date(document),
        paragraph=passage.paragraph or None,
        url=document.url or None,
        publisher=document.publisher or None,
    )


def cite_passage(passage: PassageRef) -> str:
    """One source's citation text: title, meeting, city, date, paragraph (publisher)."""
    document = passage.document
    meeting = document.meeting
    parts: list[str] = [document_label(document)]
    if meeting is not None and meeting_is_certain(meeting):
        name = meeting_name(meeting)
        if name and name != parts[0]:
            parts.append(name)
        if meeting.city or meeting.country:
            parts.append(meeting.city or meeting.country or "")
        elif _is_videoconference(meeting):
            parts.append(VIDEOCONFERENCE)
    date = document_date(document)
    if date:
        parts.append(date)
    paragraph = format_paragraph(passage.paragraph)
    if paragraph:
        parts.append(paragraph)
    text = ", ".join(parts)
    if document.publisher and document.publisher.strip():
        text += f" ({document.publisher.strip()})"
    return text


def citation_for(sources: tuple[PassageRef, ...] | list[PassageRef]) -> Citation:
    """The citation of a quote: its passage, then every other document carrying the same text."""
    if not sources:
        raise ValueError("a citation needs at least one source")
    texts = [cite_passage(p) for p in sources]
    text = texts[0] if len(texts) == 1 else texts[0] + "; also in " + "; ".join(texts[1:])
    return Citation(text=text, sources=tuple(source_for(p) for p in sources))
