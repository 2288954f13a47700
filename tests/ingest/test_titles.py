"""A declaration's own type heading is its title when the headings above name the meeting."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.ingest.boilerplate import clean
from briefer.ingest.model import ExtractedDocument
from briefer.ingest.pipeline import prepare_document
from briefer.ingest.readers.text import split_blocks
from briefer.ingest.segment import segment


def _title(text: str) -> str | None:
    return segment(clean(ExtractedDocument(Path("x.txt"), "txt", split_blocks(text)))).title


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            "Western Balkans Counter-Terrorism Initiative\n\nMinisterial Meeting on Border "
            "Security\n\nTirana, 12 May 2022\n\nJOINT STATEMENT",
            "Joint Statement",
        ),
        ("Salzburg Forum Ministerial Conference\n\nJoint Communiqué", "Joint Communiqué"),
        ("Council of the European Union\n\nCOUNCIL CONCLUSIONS", "Council Conclusions"),
        ("Brdo Process Ministerial Meeting\n\nCHAIR'S SUMMARY", "Chair's Summary"),
        ("Ministarski sastanak Brdo procesa\n\nZajednička izjava", "Zajednička izjava"),
    ],
)
def test_the_type_heading_under_the_meeting_names_is_the_title(head: str, expected: str) -> None:
    assert _title(f"{head}\n\nThe Ministers met to discuss regional cooperation.\n") == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # A real headline beside a label keeps the longest-heading rule.
        (
            "Press release\n\nMinisters agree to step up the fight against migrant smuggling",
            "Ministers agree to step up the fight against migrant smuggling",
        ),
        (
            "Joint Statement\n\nMinisters agree to step up the fight against migrant smuggling",
            "Ministers agree to step up the fight against migrant smuggling",
        ),
        ("Council of the EU\n\nPress Release", "Council of the EU"),
    ],
)
def test_a_headline_or_a_press_release_label_keeps_the_usual_rule(head: str, expected: str) -> None:
    assert _title(f"{head}\n\nThe Ministers met to discuss regional cooperation.\n") == expected


def test_seed_declaration_is_titled_by_its_type(seeds_dir: Path) -> None:
    document = prepare_document(seeds_dir / "003_c55fefc0e300afc9.txt")
    assert document.title == "Joint Declaration"
    headline = prepare_document(seeds_dir / "000_606fbbca2c6725a4.txt")
    assert headline.title == "EU and Balkan countries 'tackling jihadism together'"
