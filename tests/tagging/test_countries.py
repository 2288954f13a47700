"""The country tagger: the names an analyst expects found, and the traps of this genre."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import unicodedata

import pytest

from briefer.tagging.countries import CountryTagger, load_country_tagger
from briefer.tagging.model import CountryMatch


@pytest.fixture(scope="module")
def tagger() -> CountryTagger:
    return load_country_tagger()


def codes(tagger: CountryTagger, text: str, **kwargs: object) -> list[str]:
    return [m.code for m in tagger.tag(text, **kwargs)]  # type: ignore[arg-type]


def match(tagger: CountryTagger, text: str, code: str, **kwargs: object) -> CountryMatch:
    found = {m.code: m for m in tagger.tag(text, **kwargs)}  # type: ignore[arg-type]
    assert code in found, f"{code} not found in {text!r}: {sorted(found)}"
    return found[code]


# ---------------------------------------------------------------- names and demonyms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Serbian Foreign Minister Ivica Dacic stressed", ["RS"]),
        ("arrivals of Indian, Burundian and Cuban nationals.", ["IN", "BI", "CU"]),
        ("Slovenian and Slovene police met Croatian officers", ["SI", "HR"]),
        ("Bosnian, Montenegrin, Kosovar, Kosovan and Albanian ministers", ["BA", "ME", "XK", "AL"]),
        ("the Macedonian side", ["MK"]),
        ("Syrians and Afghans were returned", ["SY", "AF"]),
        ("North Macedonia and Montenegro", ["MK", "ME"]),
        ("Czechia, formerly the Czech Republic", ["CZ"]),
        ("Türkiye, Turkey and Turkiye", ["TR"]),
        ("Moldova, also the Republic of Moldova", ["MD"]),
        ("Côte d’Ivoire, Côte d'Ivoire and Ivory Coast", ["CI"]),
        ("Burma, now Myanmar", ["MM"]),
        ("Swaziland, now Eswatini", ["SZ"]),
        ("BiH, Bosnia-Herzegovina and Bosnia and Herzegovina", ["BA"]),
        ("the former Yugoslav Republic of Macedonia (FYROM)", ["MK"]),
        ("Kosovo* and Serbia", ["XK", "RS"]),
        (
            "Palestine, Taiwan, Hong Kong, the Holy See and Western Sahara",
            ["PS", "TW", "HK", "VA", "EH"],
        ),
        ("the United Kingdom, the UK and Great Britain", ["GB"]),
        ("Greece and the Hellenic Republic", ["GR"]),
    ],
)
def test_names_adjectives_and_former_names(
    tagger: CountryTagger, text: str, expected: list[str]
) -> None:
    assert codes(tagger, text) == expected


def test_every_match_carries_exact_evidence(tagger: CountryTagger) -> None:
    text = "Ministers of Serbia and the Serbian police met in Belgrade."
    (serbia,) = tagger.tag(text)
    assert serbia.code == "RS"
    assert [(e.text, e.rule) for e in serbia.evidence] == [
        ("Serbia", "name"),
        ("Serbian", "adjective"),
        ("Belgrade", "capital"),
    ]
    for evidence in serbia.evidence:
        assert text[evidence.start : evidence.end] == evidence.text
    assert 0.9 < serbia.confidence <= 0.99


def test_cities_are_weaker_evidence_than_names(tagger: CountryTagger) -> None:
    by_city = match(tagger, "The meeting took place in Novi Sad.", "RS")
    by_name = match(tagger, "The meeting took place in Serbia.", "RS")
    by_capital = match(tagger, "The meeting took place in Belgrade.", "RS")
    assert by_city.confidence < by_capital.confidence < by_name.confidence
    assert by_city.evidence[0].rule == "city"


def test_eu_and_western_balkans_are_not_countries(tagger: CountryTagger) -> None:
    text = (
        "The European Union and the Western Balkans (WB6) agreed; the EU and all Western "
        "Balkan partners, the Danube Region and the Schengen area will cooperate."
    )
    assert tagger.tag(text) == []


# ---------------------------------------------------------------- scripts, capitals, breaks


def test_cyrillic_names_and_cities(tagger: CountryTagger) -> None:
    text = (
        "Србија, Црна Гора, Северна Македонија, Босна и Херцеговина и Косово; "
        "Београд, Скопје, Подгорица, Сарајево, Нови Сад, Ниш."
    )
    assert sorted(codes(tagger, text)) == ["BA", "ME", "MK", "RS", "XK"]


def test_serbian_case_endings(tagger: CountryTagger) -> None:
    assert codes(tagger, "Ministar unutrašnjih poslova Srbije i Crne Gore") == ["RS", "ME"]
    assert codes(tagger, "у Србији и Хрватској") == ["RS", "HR"]


def test_names_in_other_languages(tagger: CountryTagger) -> None:
    assert codes(tagger, "Sicherheitskonferenz in Wien mit Österreich und Serbien") == ["AT", "RS"]
    assert codes(tagger, "la Croatie et la Macédoine du Nord") == ["HR", "MK"]
    assert codes(tagger, "Slovenija in Hrvaška") == ["SI", "HR"]


def test_more_languages(tagger: CountryTagger) -> None:
    assert codes(tagger, "la Macedonia del Nord e la Bosnia ed Erzegovina") == ["MK", "BA"]
    assert codes(tagger, "Noord-Macedonië en Kroatië") == ["MK", "HR"]
    assert codes(tagger, "Estados Unidos y Reino Unido") == ["US", "GB"]
    assert codes(tagger, "Bosnja dhe Hercegovina dhe Mali i Zi") == ["BA", "ME"]  # Albanian
    assert codes(tagger, "Грција, Бугарија и Германија") == ["GR", "BG", "DE"]  # Macedonian


def test_communities_named_with_two_words(tagger: CountryTagger) -> None:
    assert codes(tagger, "the Bosnian Serb leader") == ["BA"]
    assert codes(tagger, "Kosovo Serbs in the north") == ["XK"]
    assert codes(tagger, "the Republic of Srpska and Mali Lošinj") == ["BA"]


def test_accents_are_optional_in_the_text(tagger: CountryTagger) -> None:
    assert codes(tagger, "Turkiye and Cote d'Ivoire") == ["TR", "CI"]


def test_decomposed_accents(tagger: CountryTagger) -> None:
    text = unicodedata.normalize("NFD", "Türkiye, Priština, Shkodër and Niš")
    found = tagger.tag(text)
    assert [m.code for m in found] == ["TR", "XK", "AL", "RS"]
    assert found[-1].evidence[0].text == unicodedata.normalize("NFD", "Niš")


def test_all_caps_text(tagger: CountryTagger) -> None:
    text = "JOINT STATEMENT OF SERBIA, MONTENEGRO AND NORTH MACEDONIA ON BORDERS"
    assert codes(tagger, text) == ["RS", "ME", "MK"]
    assert codes(tagger, "SERBIAN AND KOSOVAR DELEGATIONS") == ["RS", "XK"]


def test_acronym_that_is_a_word_is_not_read_in_capitals(tagger: CountryTagger) -> None:
    assert codes(tagger, "Talks with the US on visas.") == ["US"]
    assert codes(tagger, "PLEASE JOIN US IN VIENNA") == ["AT"]
    assert codes(tagger, "tell us more") == []


def test_hyphenated_line_breaks_and_non_breaking_spaces(tagger: CountryTagger) -> None:
    text = "cooperation with Ser-\nbia and Bosnia\u00a0and\u00a0Herzegovina and Monte-\n  negro"
    found = tagger.tag(text)
    assert [m.code for m in found] == ["RS", "BA", "ME"]
    assert found[0].evidence[0].text == "Ser-\nbia"
    for m in found:
        e = m.evidence[0]
        assert text[e.start : e.end] == e.text
    assert codes(tagger, "Guinea-\nBissau") == ["GW"]


def test_soft_hyphen_inside_a_name(tagger: CountryTagger) -> None:
    assert codes(tagger, "Alba\u00adnia") == ["AL"]


def test_possessive(tagger: CountryTagger) -> None:
    assert codes(tagger, "Serbia's and Albania’s ministers") == ["RS", "AL"]


# ---------------------------------------------------------------- names inside other names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Guinea-Bissau", ["GW"]),
        ("Guinea Bissau", ["GW"]),
        ("Equatorial Guinea", ["GQ"]),
        ("Papua New Guinea", ["PG"]),
        ("the island of New Guinea and the Gulf of Guinea", []),
        ("Guinea", ["GN"]),
        ("Niger", ["NE"]),
        ("Nigeria", ["NG"]),
        ("Nigerien and Nigerian officials", ["NE", "NG"]),
        ("the Niger Delta", ["NG"]),
        ("Dominica", ["DM"]),
        ("the Dominican Republic", ["DO"]),
        ("South Sudan and Sudan", ["SS", "SD"]),
        ("South Sudanese refugees", ["SS"]),
        ("Ireland and Northern Ireland", ["IE", "GB"]),
        ("Lake Chad", []),
        ("the Indian Ocean", []),
        ("Latin America and North America", []),
        ("New Jersey and New Mexico", []),
        ("Republika Srpska", ["BA"]),
    ],
)
def test_words_that_contain_a_country_name(
    tagger: CountryTagger, text: str, expected: list[str]
) -> None:
    assert codes(tagger, text) == expected


# ---------------------------------------------------------------- ambiguity


def test_turkey_the_bird_is_not_the_country(tagger: CountryTagger) -> None:
    assert codes(tagger, "roast turkey was served") == []
    assert codes(tagger, "Turkey hosted the meeting") == ["TR"]


def test_first_names_are_not_countries(tagger: CountryTagger) -> None:
    assert codes(tagger, "Jordan Smith chaired the panel.") == []
    assert codes(tagger, "Chad Johnson and Georgia Meloni spoke.") == []
    assert codes(tagger, "Sofia Rossi presented the report.") == []
    # ...but the same names are countries in the sentences of this genre.
    assert codes(tagger, "Refugees in Jordan and Lebanon.") == ["JO", "LB"]
    assert codes(tagger, "Georgia and Moldova signed; Chad did not.") == ["GE", "MD", "TD"]
    assert codes(tagger, "Jordan Compact and the Jordan Government") == ["JO"]
    assert codes(tagger, "Israel Defense Forces and Georgia Border Police") == ["IL", "GE"]
    assert codes(tagger, "Sofia\nJanuary 22nd, 2016") == ["BG"]


def test_georgia_the_us_state(tagger: CountryTagger) -> None:
    assert codes(tagger, "a firm based in the state of Georgia") == []
    assert codes(tagger, "Tbilisi, Georgia") == ["GE"]


def test_brussels_as_seat_of_the_eu_is_not_belgium(tagger: CountryTagger) -> None:
    assert codes(tagger, "Ministers met in Brussels to agree the pact.") == []
    assert codes(tagger, "Brussels wants stricter controls.") == []
    assert codes(tagger, "Police chiefs met in Brussels on police cooperation.") == []
    weak = match(tagger, "Brussels wants stricter controls.", "BE", min_confidence=0.0)
    assert weak.confidence < 0.5
    assert weak.evidence[0].rule.endswith(":eu-seat")


def test_brussels_as_a_city_is_belgium(tagger: CountryTagger) -> None:
    listed = match(tagger, "The terrorist attacks in Brussels, Paris and Copenhagen.", "BE")
    assert listed.evidence[0].rule.endswith(":listed-with-places")
    assert codes(tagger, "the airport in Brussels was closed") == ["BE"]
    assert codes(tagger, "Belgian police in Brussels") == ["BE"]


def test_macedonia_the_greek_region(tagger: CountryTagger) -> None:
    assert codes(tagger, "the Greek region of Macedonia") == ["GR"]
    assert codes(tagger, "farmers in Central Macedonia") == []
    assert codes(tagger, "Thessaloniki in Macedonia, Greece") == ["GR"]


def test_macedonia_before_2019_depends_on_context(tagger: CountryTagger) -> None:
    before = dt.date(2016, 1, 1)
    alone = match(tagger, "Talks on Macedonia continued.", "MK", on=before)
    assert alone.evidence[0].rule == "name:ambiguous"
    in_wb = match(tagger, "Macedonia, Serbia and Albania agreed.", "MK", on=before)
    assert in_wb.evidence[0].rule == "name:context"
    assert in_wb.confidence > alone.confidence
    after = match(tagger, "Talks on Macedonia continued.", "MK", on=dt.date(2020, 1, 1))
    assert after.evidence[0].rule == "name"
    assert after.confidence > alone.confidence


def test_congo_and_korea_resolve_to_the_country_named_in_full(tagger: CountryTagger) -> None:
    text = "The Democratic Republic of the Congo said Congo needs support."
    assert codes(tagger, text) == ["CD"]
    assert codes(tagger, "Brazzaville: Congo agreed") == ["CG"]
    alone = match(tagger, "Congo agreed", "CG")
    assert alone.evidence[0].rule == "name:ambiguous"
    assert codes(tagger, "North Korea tested missiles; Korea responded") == ["KP"]
    assert codes(tagger, "the Republic of Korea and South Korea") == ["KR"]


def test_cities_naming_instruments_are_not_places(tagger: CountryTagger) -> None:
    text = (
        "the Salzburg Forum, the Berlin Process, the Brdo Process, the Treaty of Lisbon "
        "and the Dublin Regulation"
    )
    assert codes(tagger, text) == []
    assert codes(tagger, "the Vienna conference") == ["AT"]
    assert codes(tagger, "the Tampere programme and the Marrakesh Compact") == []


def test_city_names_that_are_words_count_only_as_places(tagger: CountryTagger) -> None:
    text = "before they reach the ports of Bar, Durrës, Ploče or Koper hidden in containers"
    assert codes(tagger, text) == ["ME", "AL", "HR", "SI"]
    assert codes(tagger, "the port of Split") == ["HR"]
    assert codes(tagger, "The Bar Association met. A Split decision. Nice to meet you.") == []


def test_dublin_system_is_not_ireland(tagger: CountryTagger) -> None:
    assert codes(tagger, "Dublin transfers to Italy and the Dublin system") == ["IT"]
    assert codes(tagger, "the conference in Dublin") == ["IE"]


def test_roma_people_are_not_rome(tagger: CountryTagger) -> None:
    assert codes(tagger, "Roma inclusion in Serbia") == ["RS"]


def test_adjectives_naming_languages(tagger: CountryTagger) -> None:
    assert codes(tagger, "The text was translated into French.") == []
    assert codes(tagger, "available in Albanian and Serbian.") == []
    assert codes(tagger, "the Serbian language version") == []
    assert codes(tagger, "in Serbian prisons") == ["RS"]


def test_reference_date_does_not_change_unambiguous_names(tagger: CountryTagger) -> None:
    text = "Serbia and Croatia"
    assert codes(tagger, text, on=dt.date(2010, 1, 1)) == codes(tagger, text) == ["RS", "HR"]


def test_empty_and_nameless_text(tagger: CountryTagger) -> None:
    assert tagger.tag("") == []
    assert tagger.tag("   \n ") == []
    assert tagger.tag("the ministers agreed to continue their work") == []


def test_loader_is_cached(tagger: CountryTagger) -> None:
    assert load_country_tagger() is load_country_tagger()


def test_any_text_gives_exact_non_overlapping_evidence(tagger: CountryTagger) -> None:
    """Random mixes of names, traps, scripts and punctuation never break the invariants."""
    pieces = [
        "Serbia",
        "SERBIA",
        "Ser-\nbia",
        "Guinea",
        "-Bissau",
        "Papua",
        "New",
        "Guinea",
        "Brussels",
        ",",
        " and ",
        "Paris",
        "Jordan",
        "Smith",
        "the",
        "former",
        "Yugoslav",
        "Republic",
        "of",
        "Macedonia",
        "Congo",
        "Democratic",
        "Корея",
        "Србији",
        "Црна",
        "Гора",
        "\u00a0",
        "\u00ad",
        "Kosovo*",
        "Côte",
        "d’Ivoire",
        "in",
        "into",
        "French",
        ".",
        "\n",
        "  ",
        "Lake",
        "Chad",
        "US",
        "Bar",
        "port of",
        "Salzburg",
        "Forum",
        "'s",
        "Ελλάδα",
        "İstanbul",
        "ß",
        "Ǆ",
        "123",
        "_",
        "Dublin",
        "transfers",
        "Roma",
    ]
    rng = random.Random(2024)
    known = set(tagger.gazetteer.countries)
    for _ in range(400):
        text = "".join(
            rng.choice(pieces) + rng.choice(["", " ", " ", ", "]) for _ in range(rng.randint(1, 30))
        )
        spans = []
        for found in tagger.tag(text, on=rng.choice([None, dt.date(2016, 1, 1)])):
            assert found.code in known
            assert 0.5 <= found.confidence <= 0.99
            for evidence in found.evidence:
                assert text[evidence.start : evidence.end] == evidence.text
                spans.append((evidence.start, evidence.end))
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start, text
