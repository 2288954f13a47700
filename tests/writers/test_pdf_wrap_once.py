"""A paragraph that keeps its line breaks must still re-break them when the width changes.

A stale cache would draw a quote's lines wider than its box (text over the margin) or
leave a gap under it; these check the heights reportlab itself would give.
"""

from __future__ import annotations

from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph

from briefer.writers.pdf.flowables import WrapOnceParagraph

TEXT = "The Ministers reaffirmed their commitment to cooperation against organised crime. " * 8


def _plain_height(width: float) -> float:
    return Paragraph(TEXT, getSampleStyleSheet()["BodyText"]).wrap(width, 1000)[1]


def test_rewrap_at_same_width_gives_same_size() -> None:
    paragraph = WrapOnceParagraph(TEXT, getSampleStyleSheet()["BodyText"])
    first = paragraph.wrap(300, 1000)
    assert paragraph.wrap(300, 50) == first == (300, _plain_height(300))


def test_new_width_breaks_lines_again() -> None:
    paragraph = WrapOnceParagraph(TEXT, getSampleStyleSheet()["BodyText"])
    paragraph.wrap(400, 1000)
    _, narrow = paragraph.wrap(150, 1000)
    assert narrow == _plain_height(150) > _plain_height(400)
    assert len(paragraph.blPara.lines) * paragraph.style.leading == narrow


def test_split_parts_fill_the_space_like_reportlab() -> None:
    paragraph = WrapOnceParagraph(TEXT, getSampleStyleSheet()["BodyText"])
    paragraph.wrap(200, 1000)
    paragraph.wrap(200, 1000)
    first, rest = paragraph.split(200, 40)
    plain = Paragraph(TEXT, getSampleStyleSheet()["BodyText"])
    plain.wrap(200, 1000)
    plain_first, plain_rest = plain.split(200, 40)
    assert first.wrap(200, 40) == plain_first.wrap(200, 40)
    assert rest.wrap(200, 1000) == plain_rest.wrap(200, 1000)
