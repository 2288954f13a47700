"""`briefer meetings` and `briefer meeting set` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefer.cli.main import main
from tests.tagging.test_meetings_service import JOINT_STATEMENT, NEWS_REPORT


def run(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


@pytest.fixture
def imported(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(JOINT_STATEMENT, encoding="utf-8")
    (folder / "b.txt").write_text(NEWS_REPORT, encoding="utf-8")
    (folder / "c.txt").write_text(
        "Joint action crucial\n\nThe ministerial meeting discussed smuggling.\n", encoding="utf-8"
    )
    assert run(db_path, "import", str(folder)) == 0
    capsys.readouterr()
    return db_path


def _documents(db: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    assert run(db, "documents", "--json") == 0
    return {d["file"]: d for d in json.loads(capsys.readouterr().out)}


def test_meetings_json_lists_the_grouped_meeting_with_counts(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(imported, "meetings", "--json") == 0
    (meeting,) = json.loads(capsys.readouterr().out)
    assert meeting["start_date"] == "2019-12-01" and meeting["end_date"] == "2019-12-03"
    assert (meeting["city"], meeting["country"]) == ("Skopje", "MK")
    assert meeting["documents"] == 2 and meeting["passages"] >= 4
    assert 0 < meeting["confidence"] <= 1 and meeting["origin"] == "automatic"
    assert set(meeting) >= {"id", "title", "series", "format"}


def test_meetings_table_says_how_many_documents_have_no_meeting(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(imported, "meetings") == 0
    out = capsys.readouterr()
    assert "Skopje" in out.out and "2019-12-01..2019-12-03" in out.out
    assert "1 document(s) with meeting unknown" in out.err


def test_meeting_set_completes_an_unknown_meeting(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = _documents(imported, capsys)["c.txt"]
    assert unknown["meeting"] is None
    code = run(
        imported,
        "meeting",
        "set",
        str(unknown["id"]),
        "--title",
        "Ministerial meeting on the Western Balkan route",
        "--start",
        "2022-11-08",
        "--city",
        "Ljubljana",
        "--country",
        "si",
        "--json",
    )
    assert code == 0
    meeting = json.loads(capsys.readouterr().out)
    assert meeting["start_date"] == meeting["end_date"] == "2022-11-08"
    assert (meeting["city"], meeting["country"], meeting["origin"]) == ("Ljubljana", "SI", "manual")
    assert _documents(imported, capsys)["c.txt"]["meeting"]["city"] == "Ljubljana"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2021-13-45"], "is not a date"),
        (["--start", "yesterday"], "is not a date"),
        (["--start", "2021-12-03", "--end", "2021-12-01"], "before --start"),
        ([], "nothing to set"),
    ],
)
def test_meeting_set_with_bad_dates_is_a_usage_error(
    imported: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    document = _documents(imported, capsys)["a.txt"]
    before = document["meeting"]
    assert run(imported, "meeting", "set", str(document["id"]), *args) == 2
    assert message in capsys.readouterr().err
    assert _documents(imported, capsys)["a.txt"]["meeting"] == before  # nothing changed


def test_meeting_set_end_before_stored_start_is_refused(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _documents(imported, capsys)["a.txt"]
    assert run(imported, "meeting", "set", str(document["id"]), "--end", "2019-11-30") == 1
    err = capsys.readouterr().err
    assert f"document {document['id']}" in err and "cannot end" in err


def test_meeting_set_unknown_document_names_it(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(imported, "meeting", "set", "4242", "--city", "Skopje") == 1
    assert "document 4242" in capsys.readouterr().err


def test_meeting_reset_undoes_a_correction(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _documents(imported, capsys)["a.txt"]
    assert run(imported, "meeting", "set", str(document["id"]), "--city", "Ohrid") == 0
    capsys.readouterr()
    assert run(imported, "meeting", "reset", str(document["id"]), "--json") == 0
    meeting = json.loads(capsys.readouterr().out)
    assert (meeting["city"], meeting["origin"]) == ("Skopje", "automatic")
    unknown = _documents(imported, capsys)["c.txt"]
    assert run(imported, "meeting", "reset", str(unknown["id"])) == 0
    assert "meeting unknown" in capsys.readouterr().out
    assert run(imported, "meeting", "reset", "4242") == 1


def test_setting_a_meeting_twice_keeps_its_id_for_search(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = str(_documents(imported, capsys)["a.txt"]["id"])
    assert run(imported, "meeting", "set", document, "--city", "Ohrid", "--json") == 0
    first = json.loads(capsys.readouterr().out)
    assert run(imported, "meeting", "set", document, "--start", "2019-12-02", "--json") == 0
    second = json.loads(capsys.readouterr().out)
    assert second["id"] == first["id"]
    assert (second["city"], second["start_date"]) == ("Ohrid", "2019-12-02")
    assert run(imported, "search", "--meeting", str(first["id"]), "--json") == 0
    assert capsys.readouterr().out.strip()
