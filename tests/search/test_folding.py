"""Folding: the search key under which a word is indexed and queried."""

from __future__ import annotations

import pytest

from briefer.domain.folding import fold, fold_tokens, word_spans


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("nuhodzic", "NUHODŽIĆ"),
        ("Dacic", "Dačić"),
        ("dorde", "Đorđe"),
        ("DJORDJEVIC", "Djordjević"),
        ("beograd", "Београд"),
        ("Beograd", "БЕОГРАД"),
        ("skopje", "Скопје"),
        ("lodz", "Łódź"),
        ("strasse", "Straße"),
        ("finance", "ﬁnance"),
        ("istanbul", "İstanbul"),
        ("vucic", "Вучић"),
        ("dzemal", "Џемал"),
        ("njegos", "Његош"),
    ],
)
def test_typed_and_written_forms_share_one_key(typed: str, written: str) -> None:
    assert fold(typed) == fold(written)


def test_cyrillic_and_latin_serbian_fold_to_the_same_words() -> None:
    assert fold_tokens("Ђорђе Вучић, Београд") == fold_tokens("Đorđe Vučić, Beograd")


def test_punctuation_splits_words_as_the_index_tokenizer_does() -> None:
    assert fold_tokens("AT&T co-operation (EU)") == ["at", "t", "co", "operation", "eu"]


def test_word_spans_point_into_the_original_text() -> None:
    text = "Minister Dačić, Београд"
    assert [(text[s:e], key) for s, e, key in word_spans(text)] == [
        ("Minister", "minister"),
        ("Dačić", "dacic"),
        ("Београд", "beograd"),
    ]


def test_decomposed_diacritics_stay_inside_their_word() -> None:
    decomposed = "Dac\u030cic\u0301 met"
    assert [key for _s, _e, key in word_spans(decomposed)] == ["dacic", "met"]
