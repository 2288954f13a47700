"""Flowables that remember where they were drawn: quotes, headings and contents entries.

The PDF is laid out in one pass. Page numbers not known while drawing (the contents
entries, "of Y" in the footer) are drawn as form XObjects that the canvas defines when
the document ends (``canvas.BriefingCanvas``); links and outline entries point to named
destinations, which reportlab resolves at save time. One pass instead of ``multiBuild``
halves the time of a 300-page export and gives the same result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from briefer.writers.manifest import QuoteRecord

TOC_NUMBER_WIDTH = 36  # room kept on the right of a contents entry for its page number


@dataclass
class LayoutState:
    """What one build learns while drawing, read back by the canvas when it saves."""

    heading_pages: dict[str, int] = field(default_factory=dict)
    contents_keys: list[str] = field(default_factory=list)
    pages: int = 0
    outline_level: int = -1


class WrapOnceParagraph(Paragraph):
    """A paragraph that breaks its lines once per width, not on every ``wrap``.

    A ``KeepTogether`` group (a quote with its citation, a heading above it) is wrapped
    once to test whether it fits and again when the frame lays it out; reportlab's
    ``Paragraph.wrap`` re-breaks the lines each time. The line breaks depend only on the
    available width (not the height), so the second ``wrap`` at the same width reuses them.
    """

    _wrapped_for: tuple[float, Any, float, float] | None = None  # width, blPara, w, h

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        cached = self._wrapped_for
        # Reused only while reportlab's own line breaks are still in place (``split``
        # deletes them when the paragraph moves on whole).
        if (
            cached is not None
            and cached[0] == availWidth
            and getattr(self, "blPara", None) is cached[1]
        ):
            self.width, self.height = cached[2], cached[3]
            return self.width, self.height
        width, height = super().wrap(availWidth, availHeight)
        blPara = getattr(self, "blPara", None)  # absent when reportlab says "cannot fit"
        self._wrapped_for = None if blPara is None else (availWidth, blPara, width, height)
        return width, height


class QuoteParagraph(WrapOnceParagraph):
    """A quote: records each box it is drawn in (a long quote spans pages) for ``verify``."""

    record: QuoteRecord | None = None
    rule_color: Any = None

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = super().split(availWidth, availHeight)
        for part in parts:
            part.record = self.record
            part.rule_color = self.rule_color
        return parts

    def draw(self) -> None:
        canvas = self.canv
        if self.rule_color is not None:
            x = self.style.leftIndent - 10
            canvas.saveState()
            canvas.setStrokeColor(self.rule_color)
            canvas.setLineWidth(1.6)
            canvas.line(x, 0, x, self.height)
            canvas.restoreState()
        super().draw()

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        super().drawOn(canvas, x, y, _sW)
        if self.record is not None:
            page = canvas.getPageNumber()
            self.record.boxes.append([page, x, y, x + self.width, y + self.height])


class HeadingParagraph(WrapOnceParagraph):
    """A heading: a named destination, a PDF outline entry, and its page for the contents."""

    def __init__(
        self,
        text: str,
        style: ParagraphStyle,
        *,
        key: str,
        title: str,
        level: int,
        state: LayoutState,
    ) -> None:
        super().__init__(text, style)
        self.key, self.title, self.level, self.state = key, title, level, state

    def draw(self) -> None:
        canvas = self.canv
        canvas.bookmarkHorizontal(self.key, 0, self.height + self.style.fontSize)
        # An outline level may rise by one at most (an H2 before any H1 becomes level 0).
        level = min(self.level - 1, self.state.outline_level + 1)
        self.state.outline_level = level
        canvas.addOutlineEntry(self.title, self.key, level=level, closed=False)
        self.state.heading_pages[self.key] = canvas.getPageNumber()
        super().draw()

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []  # a heading is never split across pages


class ContentsEntry(Flowable):
    """One line of the contents: the heading, linked, and its page number (a form)."""

    def __init__(self, text: str, style: ParagraphStyle, key: str, form_name: str) -> None:
        super().__init__()
        self.paragraph = Paragraph(text, style)
        self.style = style
        self.key = key
        self.form_name = form_name

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        _, self.height = self.paragraph.wrap(availWidth - TOC_NUMBER_WIDTH, availHeight)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        self.paragraph.drawOn(canvas, 0, 0)
        baseline = self.style.leading - self.style.fontSize  # the last line's baseline
        canvas.saveState()
        canvas.translate(self.width, baseline)
        canvas.doForm(self.form_name)
        canvas.restoreState()
        canvas.linkRect("", self.key, (0, 0, self.width, self.height), relative=1, thickness=0)
