"""The query language: parsed by us, every term quoted for FTS5, nothing a user types raises."""

from __future__ import annotations

import sqlite3

import pytest

from briefer.store.search.query import And, Not, Or, Term, parse_query, positive_terms, to_fts5

NASTY = [
    "AT&T",
    "co-operation",
    "border OR",
    "OR border",
    '"unbalanced quote',
    'border "',
    "*",
    "**",
    "NOT",
    "AND",
    "OR",
    "",
    "   ",
    "((border",
    "border))",
    ")(",
    "NOT NOT",
    "-",
    "--border",
    'NEAR(a b) "x" ^y +z col:umn',
    "a AND OR NOT b",
    "'; DROP TABLE passage; --",
    "\x00\x1f",
    "(" * 500 + "x",
    "é" * 5000,
]


def test_words_are_folded_and_implicitly_and_ed() -> None:
    assert parse_query("Migrant SMUGGLING") == And((Term(("migrant",)), Term(("smuggling",))))


def test_phrase_prefix_and_operators() -> None:
    tree = parse_query('"foreign terrorist fighters" OR radical* NOT (prison OR jail)')
    assert tree == Or(
        (
            Term(("foreign", "terrorist", "fighters")),
            And(
                (
                    Term(("radical",), prefix=True),
                    Not(Or((Term(("prison",)), Term(("jail",))))),
                )
            ),
        )
    )


def test_lower_case_operators_are_ordinary_words() -> None:
    assert parse_query("not and or") == And((Term(("not",)), Term(("and",)), Term(("or",))))


def test_punctuated_words_become_phrases_of_their_parts() -> None:
    assert parse_query("AT&T") == Term(("at", "t"))


def test_hyphenated_words_also_match_their_closed_form() -> None:
    assert parse_query("co-operation") == Or((Term(("co", "operation")), Term(("cooperation",))))
    assert parse_query("Cross-Border") == Or((Term(("cross", "border")), Term(("crossborder",))))
    assert parse_query("e-evid*") == Or(
        (Term(("e", "evid"), prefix=True), Term(("eevid",), prefix=True))
    )
    assert parse_query("-co-operation") == Not(
        Or((Term(("co", "operation")), Term(("cooperation",))))
    )
    assert parse_query('"co-operation"') == Term(("co", "operation"))  # quoted: as typed
    assert to_fts5(parse_query("co-operation")) == to_fts5(
        parse_query('"co operation" OR cooperation')
    )


def test_dangling_operators_and_lone_stars_are_dropped() -> None:
    assert parse_query("border OR") == Term(("border",))
    assert parse_query("*") is None
    assert parse_query("NOT") is None
    assert parse_query("") is None


def test_unbalanced_quote_runs_to_the_end() -> None:
    assert parse_query('visa "western balkan') == And(
        (Term(("visa",)), Term(("western", "balkan")))
    )


def test_minus_negates_a_word() -> None:
    assert parse_query("border -smuggling") == And((Term(("border",)), Not(Term(("smuggling",)))))


def test_positive_terms_leave_out_negated_ones() -> None:
    terms = positive_terms(parse_query("border NOT smuggling NOT NOT visa"))
    assert [t.words for t in terms] == [("border",), ("visa",)]


def test_a_purely_negative_query_compiles_to_a_complement() -> None:
    compiled = to_fts5(parse_query("NOT border"))
    assert compiled is not None and compiled.negated
    assert to_fts5(parse_query("a OR NOT b")).negated  # type: ignore[union-attr]


@pytest.fixture
def fts() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
    db.executemany(
        "INSERT INTO t(body) VALUES (?)",
        [("at t co operation border",), ("x near a b",), ("nothing here",)],
    )
    return db


@pytest.mark.parametrize("query", NASTY)
def test_nasty_queries_never_raise_and_are_valid_fts5(fts: sqlite3.Connection, query: str) -> None:
    compiled = to_fts5(parse_query(query))
    if compiled is not None:
        fts.execute("SELECT count(*) FROM t WHERE t MATCH ?", [compiled.expression]).fetchone()


def test_every_compiled_term_is_quoted() -> None:
    compiled = to_fts5(parse_query("NEAR(border smuggling) x:y"))
    assert compiled is not None
    assert compiled.expression == '("near") AND ("border") AND ("smuggling") AND ("x y")'


def test_dj_is_also_searched_as_d() -> None:
    assert parse_query("Djordje") == Or((Term(("djordje",)), Term(("dorde",))))
