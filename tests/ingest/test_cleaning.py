"""Boilerplate cleaning and segmentation on texts of the communiqué genre (not the seeds)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefer.ingest.boilerplate import clean, line_rule
from briefer.ingest.model import ExtractedDocument, RawBlock
from briefer.ingest.pipeline import prepare_document
from briefer.ingest.readers.text import split_blocks
from briefer.ingest.segment import segment


def _clean_text(text: str) -> ExtractedDocument:
    return clean(ExtractedDocument(path=Path("x.txt"), format="txt", blocks=split_blocks(text)))


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Skip to main content", "skip-link"),
        ("Skoči do osrednje vsebine", "skip-link"),
        ("Photo: Ministry of the Interior / Ana Novak", "photo-credit"),
        ("Group photo | Author MUP", "photo-credit"),
        ("© European Union, 2019", "photo-credit"),
        ("Credit: Council of the EU", "photo-credit"),
        ("dj/rc (AFP, dpa)", "byline"),
        ("(mh/kw, APA, dpa)", "byline"),
        ("Share This Page", "share-widget"),
        ("Print Friendly, PDF & Email", "share-widget"),
        ("Comments are closed.", "comments-closed"),
        ("Check against delivery", "check-against-delivery"),
        (
            "Ministry of Interior | Press release | Distributed by NewsWire on 10/31/2025",
            "aggregator",
        ),
        ("Fictional sample text for Briefer — not an official document.", "sample-notice"),
        ("Domov > Novice > Ministrstvo za notranje zadeve", "breadcrumb"),
        ("Tags: migration, asylum, Schengen", "web-furniture"),
        ("Visit the meeting page", "web-furniture"),
        ("Related news", "web-furniture"),
        ("Last updated: 12 March 2021", "web-furniture"),
        ("12345/15 JV/mz 1 DGD 1C LIMITE EN", "council-furniture"),
        ("* * *", "separator"),
        ("-ENDS-", "end-marker"),
        ("This website uses cookies to improve your experience.", "cookie-notice"),
        ("Accept all cookies", "cookie-notice"),
        ("———", "separator"),
    ],
)
def test_boilerplate_lines_are_recognised(line: str, rule: str) -> None:
    assert line_rule(line) == rule


@pytest.mark.parametrize(
    "line",
    [
        "By the end of 2020, the Ministers will review the action plan.",
        "Photographs of victims must never be shared without consent.",
        "The ministers of Bosna i Hercegovina and Srbija met in Sarajevo.",
        "Print media and broadcasters were invited to the press conference.",
        "Image-based abuse is a growing concern for police forces.",
        "The end of the visa-free regime was discussed.",
        "Accept the invitation of the Presidency.",
    ],
)
def test_content_lines_are_kept(line: str) -> None:
    assert line_rule(line) is None
    document = _clean_text(f"Title line\n\n{line}\n")
    assert [b.text for b in document.blocks][-1] == line


def test_caption_above_its_credit_goes_with_it_and_both_are_kept_for_review() -> None:
    document = _clean_text(
        "Ministers agree on returns\n\n"
        "The ministers met in Skopje on Monday to discuss returns.\n\n"
        "Interior ministers at the family photo in Skopje\n"
        "Photo: Government of North Macedonia\n\n"
        "They agreed to speed up readmission.\n"
    )
    texts = [b.text for b in document.blocks]
    assert "Interior ministers at the family photo in Skopje" not in texts
    assert [(r.line, r.rule) for r in document.removed] == [
        ("Interior ministers at the family photo in Skopje", "photo-caption"),
        ("Photo: Government of North Macedonia", "photo-credit"),
    ]


def test_republisher_line_becomes_metadata_in_other_languages_too() -> None:
    document = _clean_text(
        "Statement\n\nRepublished from Council of the European Union, published on 4 March 2020.\n\n"
        "The Council adopted conclusions.\n"
    )
    assert document.publisher == "Council of the European Union"
    assert document.published == dt.date(2020, 3, 4)
    assert [r.rule for r in document.removed] == ["republisher"]


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Objavljeno: 11. 12. 2023", dt.date(2023, 12, 11)),
        ("Published on 4 March 2020", dt.date(2020, 3, 4)),
        ("Veröffentlicht am 6. November 2019", dt.date(2019, 11, 6)),
    ],
)
def test_published_line_is_removed_and_becomes_the_publication_date(
    line: str, date: dt.date
) -> None:
    document = _clean_text(f"Title\n\n{line}\n\nThe ministers met.\n")
    assert [b.text for b in document.blocks] == ["Title", "The ministers met."]
    assert document.published == date
    assert document.removed[0].rule == "published-line"


def test_dateline_with_a_time_is_the_publication_date() -> None:
    document = segment(_clean_text("Press release\n\n13 June 2023 15:30\n\nThe ministers met.\n"))
    assert document.published == dt.date(2023, 6, 13)


def test_link_markers_go_without_harming_words() -> None:
    document = _clean_text(
        "Statement\n\nCommissioner Jane Doe\u00a0i, Minister John Roe\u00a0i and the Ministers "
        "of Bosna i Hercegovina, Srbija i Crna Gora met in Sarajevo.\n"
    )
    assert document.blocks[-1].text == (
        "Commissioner Jane Doe, Minister John Roe and the Ministers of Bosna i Hercegovina, "
        "Srbija i Crna Gora met in Sarajevo."
    )
    assert document.removed[0].rule == "link-marker"


def test_press_contacts_block_is_removed_to_its_end() -> None:
    document = _clean_text(
        "Statement\n\nThe ministers agreed to cooperate.\n\nPress contacts:\n\nJohn SMITH\n"
        "Phone\n+32 2 299 11 11\nMail\njohn.smith@example.eu\n\n"
        "General public inquiries: Europe Direct by phone 00 800 67 89 10 11\n"
    )
    assert [b.text for b in document.blocks] == ["Statement", "The ministers agreed to cooperate."]
    assert {r.rule for r in document.removed} == {"press-contacts"}


def test_segmentation_offsets_emphasis_footnotes_and_numbering() -> None:
    cleaned = _clean_text(
        "Joint Declaration\n\nThe Ministers, recalling **prevention** and *inter alia* "
        "the work of the region¹, agreed:\n\n"
        "¹ Such as the Salzburg Forum and the Brdo Process.\n\n"
        "They welcomed the cooperation of Kosovo* with Europol.\n\n"
        "*This designation is without prejudice to positions on status.\n\n"
        "Next steps\n\nThey will meet again in 2026.\n"
    )
    document = segment(cleaned)
    for p in document.passages:
        assert document.text[p.start : p.end] == p.text
    assert [(p.kind, p.paragraph) for p in document.passages] == [
        ("heading", ""),
        ("body", "1"),
        ("body", "2"),
        ("heading", ""),
        ("body", "3"),
        ("footnote", "fn 1"),
        ("footnote", "fn *"),
    ]
    assert document.passages[1].text.startswith(
        "The Ministers, recalling prevention and inter alia"
    )
    assert document.passages[1].footnote_markers == ["1"]
    assert document.passages[2].footnote_markers == ["*"]
    assert document.passages[5].text == "Such as the Salzburg Forum and the Brdo Process."


def test_numbered_paragraphs_keep_their_numbers() -> None:
    document = segment(
        _clean_text(
            "Council conclusions\n\nThe Council,\n\n1. WELCOMES the progress made.\n\n"
            "2. CALLS on the partners:\n\n- to align their visa policies;\n\n"
            "3. INVITES the Commission to report.\n"
        )
    )
    labels = [(p.paragraph, p.text) for p in document.passages]
    assert labels == [
        ("", "Council conclusions"),
        ("", "The Council,"),
        ("1", "WELCOMES the progress made."),
        ("2", "CALLS on the partners:"),
        ("2", "to align their visa policies;"),
        ("3", "INVITES the Commission to report."),
    ]


def test_hard_wrapped_lines_are_rejoined() -> None:
    text = (
        "Title\n\nThe Ministers agreed to strengthen the cooperation with the European\n"
        "Border and Coast Guard Agency and to support the partners in the manage-\n"
        "ment of their borders.\n"
    )
    document = segment(_clean_text(text))
    assert document.passages[-1].text == (
        "The Ministers agreed to strengthen the cooperation with the European Border and "
        "Coast Guard Agency and to support the partners in the management of their borders."
    )


def test_same_content_in_another_format_and_name_has_the_same_hash(tmp_path: Path) -> None:
    text = "# Joint Statement\n\nThe Ministers agreed on **joint patrols**.\n"
    md = tmp_path / "a.md"
    md.write_text(text)
    txt = tmp_path / "copy of a.txt"
    txt.write_text("Joint Statement\n\nThe Ministers agreed on joint patrols.\n", encoding="utf-16")
    assert prepare_document(md).sha256 == prepare_document(txt).sha256


def test_block_texts_are_never_empty_after_cleaning() -> None:
    document = segment(
        clean(
            ExtractedDocument(
                path=Path("x.html"),
                format="html",
                blocks=[RawBlock("Title", kind="heading"), RawBlock("   "), RawBlock("Body.")],
            )
        )
    )
    assert [p.text for p in document.passages] == ["Title", "Body."]


def test_title_is_the_real_headline_not_the_site_label() -> None:
    document = segment(
        _clean_text(
            "Council of the EU\n\nPress release\n\n13 June 2023 15:30\n\n"
            "Justice and Home Affairs Council, 8-9 June 2023: main results\n\n"
            "Home affairs ministers reached a general approach on the asylum procedure.\n\n"
            "Visit the meeting page\nShare\nFacebook\nTwitter\nPrint\n"
            "Tags: migration, asylum\n"
        )
    )
    assert document.title == "Justice and Home Affairs Council, 8-9 June 2023: main results"
    assert document.published == dt.date(2023, 6, 13)
    assert document.passages[-1].text.startswith("Home affairs ministers reached")
