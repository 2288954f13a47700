"""The data that flows from a reader through cleaning and segmentation to the store.

Readers produce an ``ExtractedDocument`` (blocks in reading order, with whatever
metadata the format carries); cleaning removes boilerplate (keeping every removed line);
segmentation produces a ``CleanDocument`` whose passages point into its ``text``
by offsets, so ``text[p.start:p.end] == p.text`` always holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

BlockKind = Literal["body", "heading", "list_item", "footnote", "dateline"]


@dataclass
class RawBlock:
    """A paragraph-like unit as the reader found it."""

    text: str
    kind: BlockKind = "body"
    footnote_marker: str | None = None  # for footnote blocks: the marker they define ("1", "*")
    level: int = 0  # heading level (1 = top) or list nesting
    # Lines of one plain-text paragraph (no blank line between them) share a group, so
    # cleaning can see a caption directly above its credit and segmentation can re-join
    # hard-wrapped lines; None means the block stands alone (HTML, DOCX, PDF paragraphs).
    group: int | None = None


@dataclass(frozen=True)
class RemovedLine:
    """A line cleaning removed, and the rule that removed it (shown to the user)."""

    line: str
    rule: str


@dataclass
class ExtractedDocument:
    path: Path
    format: str  # txt, md, html, docx, pdf
    blocks: list[RawBlock]
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: dt.date | None = None
    language: str | None = None
    removed: list[RemovedLine] = field(default_factory=list)


@dataclass
class CleanPassage:
    position: int
    paragraph: str  # the label cited ("7", "3.2", "fn 1")
    kind: BlockKind
    text: str
    start: int
    end: int
    footnote_markers: list[str] = field(default_factory=list)  # markers this passage carries
    footnote_marker: str | None = None  # for a footnote passage: the marker it defines


@dataclass
class CleanDocument:
    path: Path
    format: str
    text: str
    passages: list[CleanPassage]
    sha256: str  # of the normalised text: the same content in another format has the same hash
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: dt.date | None = None
    language: str | None = None
    removed: list[RemovedLine] = field(default_factory=list)
