"""``briefer search``: JSON contract, human listing, filters and usage errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from briefer.cli.main import main
from briefer.store.library import open_library
from tests.search.conftest import Builder


@pytest.fixture
def db(db_path: Path) -> str:
    """A small library on disk, closed again so the command opens it itself."""
    library = open_library(str(db_path))
    b = Builder(library)
    b.reference_data()
    b.meeting("m", "Brdo Process ministerial", dt.date(2019, 6, 20), "Brdo pri Kranju")
    b.document(
        "a",
        "Joint statement",
        [
            "Introduction.",
            (
                "Minister Dačić discussed foreign terrorist fighters in Београд.",
                {"themes": ["foreign-terrorist-fighters"], "countries": ["RS"]},
            ),
        ],
        published=dt.date(2019, 6, 21),
        meeting="m",
    )
    b.document(
        "b",
        "Press release",
        [("Greece raised foreign terrorist fighters too.", {"countries": ["GR"]})],
        published=dt.date(2022, 1, 5),
    )
    library.close()
    return str(db_path)


def run_json(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> list[dict[str, object]]:
    assert main(["--db", db, "search", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_output_is_the_documented_contract(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    hits = run_json(capsys, db, "dacic beograd")
    assert hits == [
        {
            "passage_id": hits[0]["passage_id"],
            "document": {"id": hits[0]["document"]["id"], "title": "Joint statement"},  # type: ignore[index]
            "meeting": {
                "id": hits[0]["meeting"]["id"],  # type: ignore[index]
                "title": "Brdo Process ministerial",
                "start_date": "2019-06-20",
                "end_date": "2019-06-20",
                "city": "Brdo pri Kranju",
            },
            "paragraph": "2",
            "text": "Minister Dačić discussed foreign terrorist fighters in Београд.",
            "themes": ["foreign-terrorist-fighters"],
            "countries": ["RS"],
            "snippet": "Minister [[Dačić]] discussed foreign terrorist fighters in [[Београд]].",
        }
    ]


def test_filters_on_the_command_line(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert len(run_json(capsys, db, "foreign terrorist fighters")) == 2
    [hit] = run_json(capsys, db, "foreign terrorist fighters", "--country", "EL")
    assert hit["document"]["title"] == "Press release"  # type: ignore[index]
    assert hit["meeting"] is None
    [hit] = run_json(capsys, db, "fighters", "--theme", "security", "--country", "group:wb6")
    assert hit["paragraph"] == "2"
    [hit] = run_json(capsys, db, "fighters", "--from", "2022", "--to", "2022-01")
    assert hit["document"]["title"] == "Press release"  # type: ignore[index]
    assert run_json(capsys, db, "fighters", "--to", "2019-06-19") == []
    assert len(run_json(capsys, db, "--limit", "1")) == 1


def test_unquoted_words_are_one_query(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert len(run_json(capsys, db, "greece", "fighters")) == 1


def test_human_output_lists_snippets_and_the_total(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    assert main(["--db", db, "search", "fighters", "--limit", "1"]) == 0
    out, err = capsys.readouterr()
    assert "[[fighters]]" in out and "para." in out
    assert "1 of 2 passages" in err


@pytest.mark.parametrize("query", ["AT&T", "border OR", '"unbalanced', "*", "NOT", "(((", ""])
def test_nasty_queries_exit_zero(capsys: pytest.CaptureFixture[str], db: str, query: str) -> None:
    assert main(["--db", db, "search", query, "--json"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), list)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2021-13-01"], "'2021-13-01' is not a date"),
        (["--to", "yesterday"], "'yesterday' is not a date"),
        (["--from", "2022-01-01", "--to", "2021-01-01"], "is after --to"),
        (["--limit", "0"], "--limit"),
        (["--meeting", "x"], "--meeting"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], db: str, args: list[str], message: str
) -> None:
    assert main(["--db", db, "search", "x", *args]) == 2
    assert message in capsys.readouterr().err


def test_unknown_filter_values_are_one_clear_line(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    assert main(["--db", db, "search", "x", "--theme", "nonsense"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "briefer: theme 'nonsense' is not in the library (see `briefer themes`)"
