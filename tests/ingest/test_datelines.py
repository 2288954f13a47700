"""Datelines and signature lines are kept in the text but are not numbered body paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.ingest.boilerplate import clean
from briefer.ingest.model import ExtractedDocument, RawBlock
from briefer.ingest.pipeline import prepare_document
from briefer.ingest.readers.text import split_blocks
from briefer.ingest.segment import segment


def _segment(text: str, fmt: str = "txt"):
    return segment(clean(ExtractedDocument(Path(f"x.{fmt}"), fmt, split_blocks(text))))


def _kinds(document) -> list[tuple[str, str, str]]:
    return [(p.kind, p.paragraph, p.text) for p in document.passages]


@pytest.mark.parametrize(
    "dateline",
    [
        "March 21, 2015",
        "Brussels, 22 January 2021",
        "London, 27 June 2018",
        "Novi Sad, Serbia, 19–20 June 2017",
        "Skopje, 3.10.2022",
        "21-22 January 2016",
        "30 June - 1 July 2019",
    ],
)
def test_a_dateline_under_the_title_is_not_paragraph_one(dateline: str) -> None:
    document = _segment(
        f"Joint Statement of the Ministers\n\n{dateline}\n\n"
        "The Ministers met to discuss regional cooperation.\n\n"
        "They agreed to meet again next year.\n"
    )
    assert _kinds(document) == [
        ("heading", "", "Joint Statement of the Ministers"),
        ("dateline", "", dateline),
        ("body", "1", "The Ministers met to discuss regional cooperation."),
        ("body", "2", "They agreed to meet again next year."),
    ]
    assert dateline in document.text  # still evidence for the meeting's dates


def test_place_line_above_a_date_and_the_closing_signature_are_datelines() -> None:
    document = _segment(
        "Ministerial Conference on Border Security\n\nTirana, Albania\n12-13 May 2022\n\n"
        "JOINT DECLARATION\n\nThe Ministers, gathered in Tirana,\n\n"
        "Have agreed on the following:\n\nThe partners will exchange information.\n\n"
        "Tirana\nMay 13th, 2022\n"
    )
    assert [(k, n) for k, n, _ in _kinds(document)] == [
        ("heading", ""),
        ("dateline", ""),
        ("dateline", ""),
        ("heading", ""),
        ("body", "1"),
        ("body", "2"),
        ("body", "3"),
        ("dateline", ""),
        ("dateline", ""),
    ]
    for p in document.passages:
        assert document.text[p.start : p.end] == p.text


@pytest.mark.parametrize(
    "line",
    [
        "The meeting took place on 21 March 2015.",
        "On 22 January 2021, the Ministers met by videoconference.",
        "Brussels, a city of meetings, hosted the event in January 2021",
        "Firearms",
    ],
)
def test_sentences_and_headings_with_dates_stay_what_they_are(line: str) -> None:
    document = _segment(f"Statement\n\n{line}\n\nThe Ministers agreed.\n")
    assert "dateline" not in [p.kind for p in document.passages]


def test_a_heading_below_a_date_is_not_taken_for_a_place() -> None:
    document = segment(
        ExtractedDocument(
            Path("x.html"),
            "html",
            [
                RawBlock("Ministerial Conference", kind="heading"),
                RawBlock("21 June 2019"),
                RawBlock("Declaration", kind="heading"),
                RawBlock("The Ministers agreed."),
            ],
        )
    )
    assert [p.kind for p in document.passages] == ["heading", "dateline", "heading", "body"]


def test_numbered_document_keeps_its_numbers_with_a_dateline() -> None:
    document = _segment(
        "Council conclusions\n\nLuxembourg, 9 June 2022\n\n1. WELCOMES the progress.\n\n"
        "2. CALLS on the partners to act.\n\n3. INVITES the Commission to report.\n"
    )
    assert [(k, n) for k, n, _ in _kinds(document)] == [
        ("heading", ""),
        ("dateline", ""),
        ("body", "1"),
        ("body", "2"),
        ("body", "3"),
    ]


def test_seed_paragraph_numbers_count_only_body_paragraphs(seeds_dir: Path) -> None:
    declaration = prepare_document(seeds_dir / "003_c55fefc0e300afc9.txt")
    labels = {p.text: (p.kind, p.paragraph) for p in declaration.passages}
    assert labels["21-22 January 2016"] == ("dateline", "")
    assert labels["Sofia, Bulgaria"] == ("dateline", "")
    assert labels["Have agreed on the following:"] == ("body", "7")
    assert [p.kind for p in declaration.passages if p.kind != "footnote"][-2:] == [
        "dateline",
        "dateline",
    ]
    news = prepare_document(seeds_dir / "000_606fbbca2c6725a4.txt")
    first_body = next(p for p in news.passages if p.kind == "body")
    assert first_body.paragraph == "1"
    assert first_body.text.startswith("The EU and Balkan countries have launched")


@pytest.mark.parametrize(
    "closing", ["Done at Tirana on 13 May 2022.", "Signed in Novi Sad, 20 June 2017"]
)
def test_the_closing_formula_of_a_signed_text_is_a_dateline(closing: str) -> None:
    document = _segment(
        f"Joint Declaration\n\nThe Ministers agreed on joint patrols.\n\n{closing}\n"
    )
    assert [(k, n) for k, n, _ in _kinds(document)] == [
        ("heading", ""),
        ("body", "1"),
        ("dateline", ""),
    ]
