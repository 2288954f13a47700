"""Publishers named in another EU language are stored under their English name."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.ingest.boilerplate import clean
from briefer.ingest.model import ExtractedDocument
from briefer.ingest.readers.text import split_blocks


def _publisher(text: str, publisher: str | None = None) -> str | None:
    document = ExtractedDocument(Path("x.txt"), "txt", split_blocks(text), publisher=publisher)
    return clean(document).publisher


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Met dank overgenomen van Europese Commissie (EC) i, gepubliceerd op dinsdag "
            "19 juni 2018.",
            "European Commission",
        ),
        (
            "Met dank overgenomen van Raad van de Europese Unie, gepubliceerd op 3 mei 2019.",
            "Council of the European Union",
        ),
        ("Quelle: Rat der Europäischen Union", "Council of the European Union"),
        ("Izvor: Europski parlament", "European Parliament"),
        ("Source : Commission européenne", "European Commission"),
        ("Izvor: Ministarstvo unutrašnjih poslova", "Ministarstvo unutrašnjih poslova"),
    ],
)
def test_republisher_line_publisher_is_shown_in_english_when_known(
    line: str, expected: str
) -> None:
    assert _publisher(f"Statement\n\n{line}\n\nThe Ministers agreed.\n") == expected


def test_a_site_name_in_another_language_is_mapped_too() -> None:
    assert _publisher("Statement\n\nThe Ministers agreed.\n", "Europäische Kommission") == (
        "European Commission"
    )
