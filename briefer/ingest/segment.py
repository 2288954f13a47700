"""Segmentation: cleaned blocks become quotable passages pointing into the cleaned text.

Guarantees, whatever the format: ``text[p.start:p.end] == p.text`` for every passage;
footnote text is a ``footnote`` passage placed after the body and linked (by marker) to
the passage carrying the marker; Markdown emphasis is gone from plain-text and Markdown
passages; the content hash depends only on the passages' normalised text, so the same
document in another format or under another name hashes the same.

Paragraph labels (what a citation names): a document that numbers its paragraphs keeps
its numbers ("7", "3.2"), and its unnumbered paragraphs get the label "" (cited by their
position under a heading); otherwise body paragraphs and list items are numbered 1, 2,
3… in order. Headings never take a number (label ""); footnotes are "fn 1", "fn *".
Datelines and signature lines (a line that is only a date, "Brussels, 22 January 2021",
a place line beside a date: "Sofia, Bulgaria" / "21-22 January 2016", "Done at Sofia on
22 January 2016.") are kept in the
text as ``dateline`` passages, evidence for the meeting's dates, but are neither
numbered nor quoted: paragraph numbers count only what a reader counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from briefer.ingest.dates import MONTHS, parse_date
from briefer.ingest.model import BlockKind, CleanDocument, CleanPassage, ExtractedDocument, RawBlock

_SUPER_TO_DIGIT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_DIGIT_TO_SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SENTENCE_END = re.compile(r"[.!?;:,\"”’»)\]]$")

# Markdown emphasis: **bold**, __bold__, *italic*, _italic_ (never a lone "Union*").
_EMPHASIS = [
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
    re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"),
    re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])"),
    re.compile(r"(?<!\w)_(?=[^\s_])([^_\n]*?[^\s_])_(?!\w)"),
]
_MD_LINK = re.compile(r"!?\[([^\]\n]+)\]\((?:[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_MD_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")

# Footnote definitions at the start of a block: "¹ Such as…", "[1] Such as…", "* Ministers…".
_FOOTNOTE_DEFINITIONS = [
    re.compile(r"^([¹²³⁴⁵⁶⁷⁸⁹⁰]{1,3})\s*(?=\S)"),
    re.compile(r"^\[(\d{1,3})\]\s*(?=\S)"),
    re.compile(r"^(\*{1,3})(?!\*)\s*(?=\S)"),
    # "2 Such as…": a plain number only counts when another block carries "²" or "[2]".
    re.compile(r"^(\d{1,2})\s+(?=\S)"),
]
_NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,3})[.)]?\s+(?=\S)|^\((\d{1,3})\)\s+(?=\S)")
_NUMBERED_STRICT = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){1,3}\.?|\d{1,3}[.)]|\(\d{1,3}\))\s+(?=\S)")
_BLOCK_SEPARATOR = "\n\n"
MAX_TITLE_CHARS = 250


@dataclass
class _Unit:
    """A block on its way to becoming a passage: the text written, and the part quoted."""

    kind: BlockKind
    written: str  # as it goes into the cleaned text (with its number or footnote marker)
    quote_from: int  # offset in ``written`` where the passage text starts
    label: str = ""
    marker: str | None = None  # for footnotes: the marker defined


def segment(document: ExtractedDocument) -> CleanDocument:
    """Passages, cleaned text, title, published date and content hash for a cleaned document."""
    plain = document.format in ("txt", "md")
    blocks = [b for b in document.blocks if b.text.strip()]
    if plain:
        blocks = _merge_wrapped_lines(blocks)
        blocks = [_with_text(b, strip_markdown(b.text)) for b in blocks]
    blocks = [_with_text(b, " ".join(b.text.split())) for b in blocks]
    blocks = [b for b in blocks if b.text]
    if plain:
        _mark_plain_headings(blocks)
    _mark_datelines(blocks)

    body, footnotes = _split_footnotes(blocks)
    units = _number(body) + footnotes
    text, passages = _layout(units)
    _link_footnotes(passages)
    return CleanDocument(
        path=document.path,
        format=document.format,
        text=text,
        passages=passages,
        sha256=content_hash(p.text for p in passages),
        title=_title(document, body),
        url=document.url,
        publisher=document.publisher,
        published=document.published or _dateline(body),
        language=document.language,
        removed=list(document.removed),
    )


def _with_text(block: RawBlock, text: str) -> RawBlock:
    """A copy with new text (``dataclasses.replace`` is several times slower per call)."""
    return RawBlock(text, block.kind, block.footnote_marker, block.level, block.group)


def content_hash(texts: Iterable[str]) -> str:
    """sha256 of the passages' texts, NFC-normalised with whitespace collapsed."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(unicodedata.normalize("NFC", " ".join(text.split())).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def strip_markdown(text: str) -> str:
    """Emphasis markers and link syntax out, words kept: ``**prevention**`` → ``prevention``."""
    if "*" not in text and "_" not in text and "[" not in text:
        return text
    text = _MD_FOOTNOTE_REF.sub(lambda m: f"[{m.group(1)}]", text)
    text = _MD_LINK.sub(r"\1", text)
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    return text


def _merge_wrapped_lines(blocks: list[RawBlock]) -> list[RawBlock]:
    """Re-join lines of a plain-text paragraph that were hard-wrapped at a fixed width."""
    out: list[RawBlock] = []
    i = 0
    while i < len(blocks):
        j = i
        while (
            j + 1 < len(blocks)
            and blocks[i].group is not None
            and blocks[j + 1].group == blocks[i].group
        ):
            j += 1
        out.extend(_merge_group(blocks[i : j + 1]))
        i = j + 1
    return out


def _merge_group(lines: list[RawBlock]) -> list[RawBlock]:
    if len(lines) < 2:
        return lines
    width = max(len(b.text) for b in lines)
    if width < 50 or width > 120:
        return lines  # short lines (addresses, dates) or one paragraph per line
    merged: list[RawBlock] = [lines[0]]
    last_line = lines[0].text  # the last physical line of merged[-1]
    for block in lines[1:]:
        last = merged[-1]
        if (
            last.kind == "body"
            and block.kind == "body"
            and len(last_line) >= 0.7 * width
            and not _NUMBERED_STRICT.match(block.text)
        ):
            merged[-1] = _with_text(last, _join(last.text, block.text))
        else:
            merged.append(block)
        last_line = block.text
    return merged


def _join(left: str, right: str) -> str:
    if re.search(r"[^\W\d_]-$", left) and right[:1].islower():
        return left[:-1] + right  # a word hyphenated at the line end
    return f"{left} {right}"


def _mark_plain_headings(blocks: list[RawBlock]) -> None:
    """Plain text has no markup: a short line without closing punctuation is a heading."""
    for index, block in enumerate(blocks):
        if block.kind != "body":
            continue
        text = block.text
        if index == 0 and len(text) <= MAX_TITLE_CHARS and not text.endswith("."):
            block.kind = "heading"
            block.level = 1
            continue
        words = text.split()
        if (
            len(text) <= 120
            and len(words) <= 14
            and text[:1].isalpha()
            and text[:1].isupper()
            and not _SENTENCE_END.search(text)
            and not _starts_footnote(text)
            and parse_date(text) is None
        ):
            block.kind = "heading"
            block.level = 2


_DAY_RANGE = r"\d{1,2}(?:st|nd|rd|th|\.)?"
_MONTH_WORD = r"([^\W\d_]{3,12})\.?"
# Meeting dates are ranges: "21-22 January 2016", "30 June - 1 July 2019", "June 19-20, 2017".
_DATE_RANGES = [
    re.compile(
        rf"^{_DAY_RANGE}(?:\s+{_MONTH_WORD})?\s*(?:[-–—]|and|to|&)\s*{_DAY_RANGE}\s+"
        rf"{_MONTH_WORD},?\s+\d{{4}}$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^{_MONTH_WORD}\s+{_DAY_RANGE}\s*(?:[-–—]|and|to|&)\s*(?:{_MONTH_WORD}\s+)?"
        rf"{_DAY_RANGE},?\s+\d{{4}}$",
        re.IGNORECASE,
    ),
]
_PLACE_WORD = re.compile(r"^(?:[^\W\d_][\w.'’-]*|am|an|na|upon|sur|de|del)$")
# Words of titles and headings, never of a place name ("Ministerial Conference").
_NOT_PLACE = re.compile(
    r"\b(?:conference|meeting|forum|summit|council|commission|ministers?|ministerial|"
    r"declaration|statement|conclusions|communiqu[eé]|press|release|news|agenda|strategy|"
    r"priority|area|process|union|minutes|annex|background|summary)\b",
    re.IGNORECASE,
)
MAX_DATELINE_CHARS = 80
# The closing formula of a signed text: "Done at Novi Sad on 20 June 2017."
_CLOSING = re.compile(
    r"^(?:done|signed|adopted|issued)\s+(?:at|in)\s+(.+?)(?:,|\s+on)\s+(.+?)\.?$", re.IGNORECASE
)


def _is_date_only(text: str) -> bool:
    """A line naming only a date or a range of dates ("21-22 January 2016")."""
    if len(text) > 50:
        return False
    if parse_date(text) is not None:
        return True
    value = " ".join(text.strip().strip(".,;").split())
    for pattern in _DATE_RANGES:
        match = pattern.match(value)
        if match and all(m is None or m.lower() in MONTHS for m in match.groups()):
            return True
    return False


def _is_place(text: str) -> bool:
    """A short place name: "Sofia", "Sofia, Bulgaria", "Novi Sad, Serbia" (no sentence)."""
    parts = [part.split() for part in text.split(",")]
    return (
        len(text) <= 40
        and len(parts) <= 3
        and all(0 < len(words) <= 3 for words in parts)
        and text[:1].isupper()
        and all(_PLACE_WORD.match(w) for words in parts for w in words)
        and not _NOT_PLACE.search(text)
    )


def _is_dateline(text: str) -> bool:
    """A date, or a place then a date: "Brussels, 22 January 2021", "Sofia, 21-22 January 2016"."""
    if len(text) > MAX_DATELINE_CHARS:
        return False
    if _is_date_only(text):
        return True
    closing = _CLOSING.match(text)
    if closing:
        return _is_place(closing.group(1)) and _is_date_only(closing.group(2))
    for match in re.finditer(r",|\s[-–—]\s", text):
        head, tail = text[: match.start()], text[match.end() :]
        if _is_place(head.strip()) and _is_date_only(tail.strip()):
            return True
    return False


def _mark_datelines(blocks: list[RawBlock]) -> None:
    """Date lines, and the place lines standing with them, are not body paragraphs."""
    flags = [b.kind in ("body", "heading") and _is_dateline(b.text) for b in blocks]
    for index, block in enumerate(blocks):
        if flags[index]:
            block.kind = "dateline"
    for index, block in enumerate(blocks):
        if index == 0 or flags[index] or block.kind not in ("body", "heading"):
            continue
        if not _is_place(block.text):
            continue
        # "Sofia, Bulgaria" above "21-22 January 2016"; below a date only as the last line.
        before_date = index + 1 < len(blocks) and flags[index + 1]
        closing = index == len(blocks) - 1 and index > 0 and flags[index - 1]
        if before_date or closing:
            block.kind = "dateline"


def _starts_footnote(text: str) -> bool:
    return any(p.match(text) for p in _FOOTNOTE_DEFINITIONS)


def _split_footnotes(blocks: list[RawBlock]) -> tuple[list[RawBlock], list[_Unit]]:
    """Footnote blocks (given by the reader, or a marker line some other block refers to)."""
    body: list[RawBlock] = []
    notes: list[_Unit] = []
    candidates: list[tuple[int, str, int]] = []  # (block index, marker, text start)
    for index, block in enumerate(blocks):
        if block.kind == "footnote":
            continue
        for pattern in _FOOTNOTE_DEFINITIONS:
            match = pattern.match(block.text)
            if match:
                candidates.append((index, match.group(1), match.end()))
                break
    carriers: dict[str, set[int]] = {}
    for index, block in enumerate(blocks):
        for marker in carried_markers(block.text):
            carriers.setdefault(marker, set()).add(index)
    accepted = {
        index: (marker, start)
        for index, marker, start in candidates
        if _carried_elsewhere(carriers.get(_normal(marker)), index)
    }
    for index, block in enumerate(blocks):
        if block.kind == "footnote":
            marker = (block.footnote_marker or str(len(notes) + 1)).strip()
            shown = marker.translate(_DIGIT_TO_SUPER) if marker.isdigit() else marker
            written = f"{shown} {block.text}"
            notes.append(_Unit("footnote", written, len(shown) + 1, marker=_normal(marker)))
        elif index in accepted:
            marker, start = accepted[index]
            notes.append(_Unit("footnote", block.text, start, marker=_normal(marker)))
        else:
            body.append(block)
    for note in notes:
        note.label = f"fn {note.marker}"
    return body, notes


def _normal(marker: str) -> str:
    return marker.translate(_SUPER_TO_DIGIT)


_REFERENCE = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\[\d{1,3}\]|\*{1,3}")
_SUPERSCRIPTS = frozenset("¹²³⁴⁵⁶⁷⁸⁹⁰")
_MARKER_STARTS = "¹²³⁴⁵⁶⁷⁸⁹⁰[*"  # what every ``_REFERENCE`` match starts with
_BEFORE_STAR = re.compile(r"[\w.,;:)\"”’]")


def _carried_elsewhere(carriers: set[int] | None, index: int) -> bool:
    return bool(carriers) and (len(carriers) > 1 or index not in carriers)  # type: ignore[arg-type]


def carried_markers(text: str) -> list[str]:
    """Footnote markers a text carries, glued to the word before them, in order, once each.

    "region¹" and "Union[1]" carry "1", "Kosovo*" carries "*"; a marker after a space, a
    superscript inside a longer superscript run, or emphasis stars carry nothing. One
    scan per text, so linking footnotes stays linear in the document's size.
    """
    if not any(char in text for char in _MARKER_STARTS):
        # Most passages carry no marker; a few substring searches say so several times
        # faster than the regular expression's scan.
        return []
    found: dict[str, None] = {}
    for match in _REFERENCE.finditer(text):
        start, token = match.start(), match.group()
        before = text[start - 1] if start else ""
        if not before or before.isspace():
            continue
        if token[0] in _SUPERSCRIPTS:
            if before in _SUPERSCRIPTS:
                continue
            found.setdefault(_normal(token), None)
        elif token[0] == "[":
            found.setdefault(token[1:-1], None)
        else:
            after = text[match.end() : match.end() + 1]
            if _BEFORE_STAR.match(before) and not (after.isalnum() or after == "_"):
                found.setdefault(token, None)
    return list(found)


def _number(blocks: list[RawBlock]) -> list[_Unit]:
    """Labels: the document's own paragraph numbers if it has them, else 1, 2, 3…

    A numbered line whose text starts in lower case ("1. to set up teams…") is an item of
    a list, not a numbered paragraph. In a numbered document, list items take the number
    of the paragraph they belong to; other unnumbered paragraphs get "".
    """
    numbered = [
        b for b in blocks if b.kind in ("body", "list_item") and _numbered_paragraph(b.text)
    ]
    multilevel = any(re.match(r"^\d{1,3}\.\d", b.text) for b in numbered)
    quotable = [b for b in blocks if b.kind in ("body", "list_item")]
    numbers_paragraphs = len(numbered) >= 2 and (
        multilevel or len(numbered) >= 5 or len(numbered) * 5 >= len(quotable) * 2
    )
    units: list[_Unit] = []
    counter = 0
    current = ""
    for block in blocks:
        if block.kind in ("heading", "dateline"):
            units.append(_Unit(block.kind, block.text, 0))
            continue
        match = _NUMBERED.match(block.text) if _NUMBERED_STRICT.match(block.text) else None
        is_item = block.kind == "list_item" or (
            match is not None and block.text[match.end() : match.end() + 1].islower()
        )
        kind: BlockKind = "list_item" if is_item else "body"
        if not numbers_paragraphs:
            counter += 1
            units.append(_Unit(kind, block.text, 0, label=str(counter)))
        elif match and not is_item:
            current = match.group(1) or match.group(2)
            units.append(_Unit(kind, block.text, match.end(), label=current))
        elif is_item:
            units.append(_Unit(kind, block.text, 0, label=current))
        else:
            current = ""
            units.append(_Unit(kind, block.text, 0))
    return units


def _numbered_paragraph(text: str) -> bool:
    match = _NUMBERED.match(text) if _NUMBERED_STRICT.match(text) else None
    return match is not None and not text[match.end() : match.end() + 1].islower()


def _layout(units: list[_Unit]) -> tuple[str, list[CleanPassage]]:
    parts: list[str] = []
    passages: list[CleanPassage] = []
    offset = 0
    for position, unit in enumerate(units):
        if parts:
            parts.append(_BLOCK_SEPARATOR)
            offset += len(_BLOCK_SEPARATOR)
        start = offset + unit.quote_from
        parts.append(unit.written)
        offset += len(unit.written)
        passages.append(
            CleanPassage(
                position=position,
                paragraph=unit.label,
                kind=unit.kind,
                text=unit.written[unit.quote_from :],
                start=start,
                end=offset,
                footnote_marker=unit.marker,
            )
        )
    return "".join(parts), passages


def _link_footnotes(passages: list[CleanPassage]) -> None:
    markers = {p.footnote_marker for p in passages if p.kind == "footnote" and p.footnote_marker}
    if not markers:
        return
    for passage in passages:
        if passage.kind == "footnote" and passage.footnote_marker == "*":
            continue
        for marker in carried_markers(passage.text):
            if marker in markers and marker != passage.footnote_marker:
                passage.footnote_markers.append(marker)


# A heading that only names what the document is ("JOINT DECLARATION", "Conclusions",
# "Chair's Summary"); "Press release" is a site label, not a title.
_DOCUMENT_TYPE = re.compile(
    r"^(?:(?:joint|final|ministerial|presidency|council|chair'?s|co-?chairs'?)\s+)*"
    r"(?:declaration|statement|press statement|communiqu[eé]|conclusions|summary|"
    r"memorandum of understanding|action plan|resolution|recommendations?|"
    r"(?:zajedni[čc]ka |skupna |заједничка )?(?:izjava|deklaracija|изјава|декларација)|"
    r"(?:gemeinsame )?erkl[äa]rung|(?:gemeinsames )?kommuniqu[ée]|schlussfolgerungen|"
    r"d[ée]claration(?: commune)?|communiqu[ée] commun|dichiarazione(?: congiunta)?|"
    r"declaraci[óo]n(?: conjunta)?|zaklju[čc]ci|заклучоци|закључци)$",
    re.IGNORECASE,
)
# Headings that name the meeting or the organisation above a document-type heading.
_MEETING_OR_BODY = re.compile(
    r"\b(?:conference|meeting|forum|summit|council|strategy|process|union|ministry|"
    r"ministerial|presidency|priority area|initiative|government|republic|secretariat|"
    r"commission|agency|partnership|dialogue|region|convention|session|"
    r"(?:sastan|konferenc|ministarsk|ministrsk|konferenz|treffen|réunion|sommet|"
    r"састан|конференц|министарск)\w*)\b",
    re.IGNORECASE,
)


def _title(document: ExtractedDocument, body: list[RawBlock]) -> str | None:
    # Pages open with short labels ("Council of the EU", "Press release") above the real
    # title: the longest heading near the top is the title. A declaration's own type
    # heading ("JOINT DECLARATION") under headings naming the meeting is its title.
    typed = _document_type_title(body)
    if typed:
        return typed
    headings = [b.text for b in body[:4] if b.kind == "heading" and len(b.text) <= MAX_TITLE_CHARS]
    if headings:
        return max(headings, key=len)
    if document.title:
        return " ".join(document.title.split())
    if body and len(body[0].text) <= MAX_TITLE_CHARS:
        return body[0].text
    return None


def _document_type_title(body: list[RawBlock]) -> str | None:
    """ "Joint Declaration" when the headings above the first paragraph are that and the
    meeting's or organisation's names; None otherwise."""
    head: list[str] = []
    for block in body[:10]:
        if block.kind in ("body", "list_item"):
            break
        if block.kind == "heading":
            head.append(block.text)
    types = [h for h in head if _DOCUMENT_TYPE.match(h.strip(" .:"))]
    others = [h for h in head if h not in types]
    if len(types) != 1 or not others or not all(_MEETING_OR_BODY.search(h) for h in others):
        return None
    title = types[0].strip(" .:")
    return string.capwords(title) if title.isupper() else title


def _dateline(body: list[RawBlock]) -> dt.date | None:
    """A line holding only a date near the top is the publication date ("March 21, 2015")."""
    for block in body[:6]:
        if len(block.text) <= 40:
            date = parse_date(block.text)
            if date is not None:
                return date
    return None
