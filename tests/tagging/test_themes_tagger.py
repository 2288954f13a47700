"""The theme tagger on the kind of sentences communiqués are made of."""

from __future__ import annotations

import pytest

from briefer.tagging.taxonomy import CueDef, Taxonomy, ThemeDef, load_taxonomy
from briefer.tagging.themes import ThemeTagger


@pytest.fixture(scope="module")
def tagger() -> ThemeTagger:
    return ThemeTagger(load_taxonomy())


def themes(tagger: ThemeTagger, text: str) -> set[str]:
    return {match.theme_id for match in tagger.tag(text)}


@pytest.mark.parametrize(
    "text",
    [
        "The ministers condemned the smuggler who organised the crossing.",
        "Smugglers exploit the most vulnerable.",
        "The fight against smuggling remains a priority.",
        "Hundreds of people were smuggled across the river last year.",
        "Migrant smuggling networks adapt quickly.",
    ],
)
def test_inflected_forms_of_smuggling_find_migrant_smuggling(
    tagger: ThemeTagger, text: str
) -> None:
    assert "migrant-smuggling" in themes(tagger, text)


@pytest.mark.parametrize(
    "word", ["radicalisation", "radicalization", "radicalised", "radicalized", "deradicalisation"]
)
def test_british_and_american_spellings_of_radicalisation(tagger: ThemeTagger, word: str) -> None:
    assert "radicalisation" in themes(tagger, f"Ministers discussed {word} in prisons.")


def test_returns_of_migrants_are_returns_but_returnees_are_foreign_fighters(
    tagger: ThemeTagger,
) -> None:
    assert "returns-readmission" in themes(
        tagger, "Ministers called for faster returns and full use of readmission agreements."
    )
    fighters = themes(
        tagger, "Returnees and their family members must be prosecuted where evidence allows."
    )
    assert "foreign-terrorist-fighters" in fighters
    assert "returns-readmission" not in fighters


def test_negative_cues_cancel_returns_of_foreign_terrorist_fighters(tagger: ThemeTagger) -> None:
    found = themes(
        tagger, "They underlined the need to address the returns of foreign terrorist fighters."
    )
    assert "foreign-terrorist-fighters" in found
    assert "returns-readmission" not in found


def test_negative_cue_for_the_return_of_a_document_or_an_issue(tagger: ThemeTagger) -> None:
    assert "returns-readmission" not in themes(
        tagger, "The ministers will return to this issue at their next meeting."
    )
    assert "returns-readmission" not in themes(tagger, "In return, the partners offered help.")


def test_cross_border_crime_is_not_border_management(tagger: ThemeTagger) -> None:
    found = themes(tagger, "Cross-border surveillance and cross-border crime were discussed.")
    assert "border-management" not in found
    assert "organised-crime" in found
    assert "border-management" in themes(tagger, "They agreed to protect the external borders.")


def test_a_passage_carries_several_themes_with_scores(tagger: ThemeTagger) -> None:
    matches = tagger.tag(
        "The ministers agreed to step up the fight against terrorism, drug trafficking, "
        "trafficking in human beings and corruption, and to exchange information through Europol."
    )
    found = {m.theme_id: m for m in matches}
    assert {
        "counter-terrorism",
        "drugs",
        "trafficking-in-human-beings",
        "corruption",
        "information-exchange",
        "eu-agencies",
    } <= set(found)
    assert all(m.score >= 1.0 for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_evidence_offsets_point_at_the_cue_in_the_text(tagger: ThemeTagger) -> None:
    text = "Ministers welcomed the work of Frontex.\nSmuggling networks were dismantled."
    for match in tagger.tag(text):
        assert match.evidence
        for evidence in match.evidence:
            assert text[evidence.start : evidence.end] == evidence.text
            assert evidence.rule.startswith('cue "')
    smuggling = next(m for m in tagger.tag(text) if m.theme_id == "migrant-smuggling")
    assert smuggling.evidence[0].text == "Smuggling"
    assert 'cue "smuggl*"' in smuggling.evidence[0].rule


def test_all_caps_text_is_tagged_like_ordinary_text(tagger: ThemeTagger) -> None:
    found = themes(tagger, "JOINT DECLARATION ON THE FIGHT AGAINST MIGRANT SMUGGLING AND TERRORISM")
    assert {"migrant-smuggling", "counter-terrorism"} <= found


def test_words_broken_by_a_hyphen_at_a_line_end_still_match(tagger: ThemeTagger) -> None:
    text = "The ministers discussed radical-\nisation and the fight against smug-\n  gling."
    matches = {m.theme_id: m for m in tagger.tag(text)}
    assert {"radicalisation", "migrant-smuggling"} <= set(matches)
    evidence = matches["migrant-smuggling"].evidence[0]
    assert text[evidence.start : evidence.end] == "smug-\n  gling"
    assert "counter-terrorism" in themes(tagger, "Joint Action Plan on Counter-\nTerrorism")
    assert "migrant-smuggling" in themes(tagger, "the smug\u00adglers were arrested")


def test_hyphen_and_space_variants_of_a_compound(tagger: ThemeTagger) -> None:
    for text in ("counter-terrorism", "counter terrorism", "counterterrorism"):
        assert "counter-terrorism" in themes(tagger, f"A new {text} network was set up.")


def test_a_weak_cue_alone_does_not_tag_but_two_do(tagger: ThemeTagger) -> None:
    assert "police-cooperation" not in themes(tagger, "He turned himself in to the police.")
    assert "police-cooperation" in themes(tagger, "The PCC SEE secretariat trains the police.")


def test_acronyms_match_capitals_only(tagger: ThemeTagger) -> None:
    assert "trafficking-in-human-beings" in themes(tagger, "Victims of THB need protection.")
    assert "information-systems" not in themes(tagger, "his sis and the ees of it")
    assert "information-systems" in themes(tagger, "Checks against SIS and the EES.")


def test_cues_never_match_inside_longer_words(tagger: ThemeTagger) -> None:
    assert themes(tagger, "The drugstore advisable borderline Schengenesque") == set()


def test_other_languages_and_scripts_do_not_crash_or_invent_tags(tagger: ThemeTagger) -> None:
    assert themes(tagger, "Министри унутрашњих послова састали су се у Београду.") == set()
    assert themes(tagger, "") == set()
    assert themes(tagger, "   \n\t ") == set()
    assert themes(tagger, "İSTANBUL ǅ ß ﬁ") == set()  # lower() changes lengths here


def test_a_longer_cue_counts_once_with_the_shorter_one_inside_it() -> None:
    taxonomy = Taxonomy(
        themes=(
            ThemeDef(
                "returns",
                "Returns",
                cues=(CueDef("return", 0.5), CueDef("return of .. migrants", 1.0)),
            ),
        )
    )
    (match,) = ThemeTagger(taxonomy).tag("the return of irregular migrants")
    assert match.score == 1.0
    assert [e.text for e in match.evidence] == ["return of irregular migrants"]


def test_threshold_decides(tagger: ThemeTagger) -> None:
    taxonomy = Taxonomy(
        themes=(ThemeDef("x", "X", cues=(CueDef("alpha", 1.0), CueDef("beta", 1.0))),),
        threshold=2.0,
    )
    strict = ThemeTagger(taxonomy)
    assert strict.tag("alpha alpha") == []
    assert [m.theme_id for m in strict.tag("alpha and beta")] == ["x"]


def test_serbian_in_cyrillic_and_latin_script_is_tagged(tagger: ThemeTagger) -> None:
    cyrillic = "Министри су се сагласили да појачају борбу против кријумчарења миграната."
    latin = "Ministri su se saglasili da pojačaju borbu protiv krijumčarenja migranata."
    assert "migrant-smuggling" in themes(tagger, cyrillic)
    assert "migrant-smuggling" in themes(tagger, latin)
    assert "visa-policy" in themes(tagger, "Србија је ускладила визни режим са ЕУ.")


def test_footnote_markers_glued_to_words_do_not_hide_them(tagger: ThemeTagger) -> None:
    assert "radicalisation" in themes(tagger, "countering terrorism and violent extremism¹, the")
    assert "counter-terrorism" in themes(tagger, "the fight against terrorism² continues")


def test_agency_names_are_not_their_topics(tagger: ThemeTagger) -> None:
    found = themes(
        tagger,
        "Representatives of Europol, Frontex and the European Monitoring "
        "Centre for Drugs and Drug Addiction attended.",
    )
    assert "eu-agencies" in found
    assert not found & {"drugs", "frontex", "police-cooperation"}
