"""The tsvector and tsquery texts Briefer writes (no server needed)."""

from __future__ import annotations

from briefer.store.search.postgres_fts import MAX_POSITION, to_tsquery, tsvector_literal
from briefer.store.search.query import parse_query


def test_a_passage_becomes_its_folded_words_with_positions() -> None:
    assert tsvector_literal("Border police co-operation, border — Дачић, Đorđe") == (
        "'border':1,5 'police':2 'co':3 'operation':4 'dacic':6 'dorde':7"
    )
    assert tsvector_literal("— … !") == ""


def test_positions_past_postgresql_s_last_are_clamped_and_huge_words_left_out() -> None:
    words = ["w"] * (MAX_POSITION + 5) + ["tail"]
    literal = tsvector_literal(" ".join(words))
    assert literal.endswith(f"'tail':{MAX_POSITION}")
    assert literal.count(f"{MAX_POSITION}") == 2  # once for 'w', once for 'tail'
    assert tsvector_literal("x" * 3000 + " kept") == "'kept':2"


def test_the_query_language_becomes_tsquery() -> None:
    assert to_tsquery(parse_query("border")) == "'border'"
    assert to_tsquery(parse_query('"foreign terrorist fighters"')) == (
        "'foreign' <-> 'terrorist' <-> 'fighters'"
    )
    assert to_tsquery(parse_query("radical*")) == "'radical':*"
    assert to_tsquery(parse_query('"border pol"*')) == "'border' <-> 'pol':*"
    assert to_tsquery(parse_query("a OR b -c")) == "(('a') | ((('b') & (!('c')))))"
    assert to_tsquery(parse_query("Београд co-operation")) == (
        "(('beograd') & ((('co' <-> 'operation') | ('cooperation'))))"
    )
    assert to_tsquery(parse_query("  AND ( ")) is None
