"""The theme tagger on the five seed communiqués, paragraph by paragraph.

Expectations come from reading the seeds: themes a paragraph must carry and themes it
must not (the traps: returns of foreign terrorist fighters, agency lists, "returnees").
Paragraphs are found by a short phrase they contain; the texts stay in shared/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefer.tagging.taxonomy import load_taxonomy
from briefer.tagging.themes import ThemeTagger

# (seed file prefix, phrase locating the paragraph, themes required, themes excluded)
EXPECTATIONS = [
    ("000", "stemming the flow of fighters", {"foreign-terrorist-fighters"}, set()),
    ("000", "Foreign fighters represent", {"foreign-terrorist-fighters", "radicalisation"}, set()),
    ("000", "recent terrorist attacks", {"counter-terrorism"}, set()),
    (
        "000",
        "information sharing and closer cooperation",
        {"information-exchange", "eu-agencies", "counter-terrorism"},
        set(),
    ),
    ("000", "remove extremist material", {"terrorist-content-online", "eu-agencies"}, set()),
    ("000", "radical Islamism", {"radicalisation"}, set()),
    ("000", "At least 3,000 foreign fighters", {"foreign-terrorist-fighters"}, set()),
    ("001", "Joint Press statement by Commissioner", set(), {"irregular-migration"}),
    (
        "001",
        "Today's meeting provided",
        {"irregular-migration", "border-management", "visa-policy"},
        set(),
    ),
    (
        "001",
        "fighting smuggling",
        {
            "border-management",
            "migrant-smuggling",
            "irregular-migration",
            "returns-readmission",
            "organised-crime",
            "information-exchange",
        },
        set(),
    ),
    (
        "001",
        "phenomenon of foreign terrorist fighters",
        {"foreign-terrorist-fighters", "radicalisation", "firearms"},
        {"returns-readmission"},
    ),
    ("001", "Ministers Bejtush GASHI", set(), {"counter-terrorism", "irregular-migration"}),
    (
        "002",
        "chaired by the Slovenian Minister",
        {
            "irregular-migration",
            "asylum",
            "border-management",
            "counter-terrorism",
            "radicalisation",
            "organised-crime",
        },
        set(),
    ),
    (
        "002",
        "tackling migrant smuggling by improving returns",
        {"migrant-smuggling", "returns-readmission", "frontex", "irregular-migration"},
        set(),
    ),
    (
        "002",
        "returns of foreign terrorist fighters",
        {
            "counter-terrorism",
            "radicalisation",
            "foreign-terrorist-fighters",
            "action-plans",
            "information-exchange",
            "organised-crime",
            "trafficking-in-human-beings",
            "drugs",
            "firearms",
        },
        {"returns-readmission"},
    ),
    ("002", "Prevention and Investigation of Child Sexual Abuse", {"child-sexual-abuse"}, set()),
    (
        "002",
        "EU Agencies (EASO, Eurojust, Europol, Frontex)",
        {"eu-agencies"},
        {"frontex", "asylum", "judicial-cooperation"},
    ),
    (
        "002",
        "Protocol on Cooperation",
        {"trafficking-in-human-beings", "child-sexual-abuse"},
        set(),
    ),
    ("002", "French counterpart", set(), {"counter-terrorism"}),
    (
        "003",
        "in order to achieve efficiency in countering terrorism",
        {
            "counter-terrorism",
            "border-management",
            "critical-infrastructure",
            "information-exchange",
        },
        set(),
    ),
    ("003", "prevention of radicalisation, deradicalisation", {"radicalisation"}, set()),
    (
        "003",
        "cooperation in the area of cyber security",
        {"cybersecurity", "counter-terrorism", "terrorist-content-online"},
        set(),
    ),
    (
        "003",
        "network of national contact points",
        {"border-management", "information-exchange"},
        set(),
    ),
    ("003", "weak spots of transport systems", {"critical-infrastructure"}, set()),
    ("003", "regular exchange of experience", set(), {"information-exchange"}),
    (
        "004",
        "action in four areas is crucial",
        {
            "irregular-migration",
            "visa-policy",
            "frontex",
            "returns-readmission",
            "migrant-smuggling",
            "information-exchange",
            "fundamental-rights",
        },
        {"asylum"},
    ),
    (
        "004",
        "management of the return of returnees",
        {"foreign-terrorist-fighters", "counter-terrorism", "radicalisation"},
        {"returns-readmission"},
    ),
    (
        "004",
        "fight against organised crime and corruption",
        {"irregular-migration", "organised-crime", "corruption", "counter-terrorism"},
        set(),
    ),
]


def _paragraphs(path: Path) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n(?=\S)", path.read_text("utf-8")) if p.strip()]


@pytest.fixture(scope="module")
def tagger() -> ThemeTagger:
    return ThemeTagger(load_taxonomy())


@pytest.mark.parametrize(("seed", "phrase", "required", "excluded"), EXPECTATIONS)
def test_seed_paragraph_themes(
    seeds_dir: Path,
    tagger: ThemeTagger,
    seed: str,
    phrase: str,
    required: set[str],
    excluded: set[str],
) -> None:
    (path,) = seeds_dir.glob(f"{seed}_*.txt")
    paragraph = next((p for p in _paragraphs(path) if phrase in p), None)
    assert paragraph is not None, f"{path.name}: no paragraph contains {phrase!r}"
    found = {m.theme_id for m in tagger.tag(paragraph)}
    assert required <= found, f"missing {required - found}"
    assert not (excluded & found), f"wrongly tagged {excluded & found}"
