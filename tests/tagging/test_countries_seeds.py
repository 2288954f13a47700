"""The country tagger on the five seed communiqués, read from ``shared/corpus/seeds``.

Countries per document, decided by reading each text (a country counts when the text
names it, its people or one of its places; regions, the EU and persons do not):

* 000 (DW, Vienna conference 2015): Syria and Iraq (destinations of fighters), Austria
  (host: "Austria", "Austrian", Vienna, Salzburg, "Wien" in the caption), Belgium,
  France and Denmark (the attacks "in Brussels, Paris and Copenhagen": here Brussels is
  a city, not the EU), Serbia ("Serbian Foreign Minister"). Not "the Balkans", "Europe",
  "the Middle East".
* 001 (joint statement, 19 June 2018): Albania only, through Tirana (the place of the
  upcoming ministerial). The ministers' names (KICKL, RADEV…) name persons, not countries;
  "the Western Balkans" is a region.
* 002 (Slovenian Presidency, Brdo pri Kranju 2021): Slovenia ("Slovenian", Brdo pri
  Kranju, "Slovenia"), France ("France", "French"), Czechia, Montenegro.
* 003 (Danube Region declaration, Sofia 2016): Bulgaria (Sofia, "Bulgaria") and Austria
  (the "Vienna conference" in the footnote). The Salzburg Forum and the Brdo Process are
  series, not places; the Hanns Seidel and Konrad Adenauer foundations name no country.
* 004 (Slovenian government, migration route): Slovenia, and India, Burundi and Cuba
  ("Indian, Burundian and Cuban nationals").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefer.tagging.countries import CountryTagger, load_country_tagger

EXPECTED = {
    "000": {"SY", "IQ", "AT", "BE", "FR", "DK", "RS"},
    "001": {"AL"},
    "002": {"SI", "FR", "CZ", "ME"},
    "003": {"BG", "AT"},
    "004": {"SI", "IN", "BI", "CU"},
}


@pytest.fixture(scope="module")
def tagger() -> CountryTagger:
    return load_country_tagger()


def seed_text(seeds_dir: Path, number: str) -> str:
    (path,) = seeds_dir.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_countries_per_seed_document(tagger: CountryTagger, seeds_dir: Path, number: str) -> None:
    text = seed_text(seeds_dir, number)
    found = {m.code for m in tagger.tag(text)}
    assert found == EXPECTED[number]


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_per_passage_tags_add_up_to_the_document(
    tagger: CountryTagger, seeds_dir: Path, number: str
) -> None:
    text = seed_text(seeds_dir, number)
    found = {m.code for p in paragraphs(text) for m in tagger.tag(p)}
    assert found == EXPECTED[number]


def test_seed_000_attack_cities(tagger: CountryTagger, seeds_dir: Path) -> None:
    (passage,) = [p for p in paragraphs(seed_text(seeds_dir, "000")) if "Copenhagen" in p]
    found = {m.code: m for m in tagger.tag(passage)}
    assert set(found) == {"BE", "FR", "DK"}
    assert found["BE"].evidence[0].text == "Brussels"
    assert found["BE"].confidence >= 0.5


def test_seed_000_serbian_minister(tagger: CountryTagger, seeds_dir: Path) -> None:
    (passage,) = [p for p in paragraphs(seed_text(seeds_dir, "000")) if "Dacic" in p]
    found = {m.code: m for m in tagger.tag(passage)}
    assert set(found) == {"RS", "AT"}  # "Vienna and Salzburg" are in the same passage
    assert [e.text for e in found["RS"].evidence] == ["Serbian"]


def test_seed_004_third_country_nationals(tagger: CountryTagger, seeds_dir: Path) -> None:
    passage = next(p for p in paragraphs(seed_text(seeds_dir, "004")) if "Burundian" in p)
    assert [m.code for m in tagger.tag(passage)][:1] == ["SI"]
    assert {"IN", "BI", "CU"} <= {m.code for m in tagger.tag(passage)}


def test_seed_passages_about_the_region_name_no_country(
    tagger: CountryTagger, seeds_dir: Path
) -> None:
    regional = [
        p
        for p in paragraphs(seed_text(seeds_dir, "001"))
        if "Western Balkan partners" in p and "Tirana" not in p
    ]
    assert regional
    for passage in regional:
        assert tagger.tag(passage) == []


def test_evidence_offsets_index_the_seed_text(tagger: CountryTagger, seeds_dir: Path) -> None:
    for number in EXPECTED:
        text = seed_text(seeds_dir, number)
        for found in tagger.tag(text):
            for evidence in found.evidence:
                assert text[evidence.start : evidence.end] == evidence.text
