"""`briefer import | documents | show | sample`: outcomes, exit codes and the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefer.cli.main import main
from briefer.paths import sample_dir

STATEMENT = (
    "Joint Statement\n\nSkip to main content\n\n"
    "The Ministers agreed on **joint patrols** with the region¹.\n\n"
    "¹ Such as the Brdo Process.\n\nThey will meet again in Tirana.\n"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "statement.txt").write_text(STATEMENT, encoding="utf-8")
    return folder


def test_import_json_outcomes_and_exit_codes(
    capsys: pytest.CaptureFixture[str], db_path: Path, inbox: Path
) -> None:
    (inbox / "empty.txt").write_bytes(b"")
    code, out, _ = run(capsys, "--db", str(db_path), "import", str(inbox), "--json")
    assert code == 1  # one file failed, the other was imported
    outcomes = {Path(o["file"]).name: o for o in json.loads(out)}
    assert outcomes["statement.txt"]["status"] == "imported"
    assert outcomes["statement.txt"]["passages"] == 4
    assert outcomes["empty.txt"]["status"] == "failed"
    assert "empty" in outcomes["empty.txt"]["reason"]
    assert set(outcomes["empty.txt"]) == {
        "file",
        "status",
        "document_id",
        "passages",
        "title",
        "reason",
    }
    code, out, _ = run(
        capsys, "--db", str(db_path), "import", str(inbox / "statement.txt"), "--json"
    )
    assert code == 0
    [again] = json.loads(out)
    assert again["status"] == "duplicate"
    assert again["document_id"] == outcomes["statement.txt"]["document_id"]


def test_import_plain_output_names_the_failed_file(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 10)
    code, _, err = run(capsys, "--db", str(db_path), "import", str(junk))
    assert code == 1
    assert f"{junk}: not a text file" in err
    assert "Traceback" not in err


def test_import_usage_error_exits_2(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, _, _ = run(capsys, "--db", str(db_path), "import")
    assert code == 2


def test_documents_json(capsys: pytest.CaptureFixture[str], db_path: Path, inbox: Path) -> None:
    run(capsys, "--db", str(db_path), "import", str(inbox))
    code, out, _ = run(capsys, "--db", str(db_path), "documents", "--json")
    assert code == 0
    [document] = json.loads(out)
    assert {"id", "file", "title", "published", "meeting", "countries", "passages"} <= set(document)
    assert document["file"] == "statement.txt"
    assert document["title"] == "Joint Statement"
    assert document["passages"] == 4
    meeting = document["meeting"]  # the meeting service decides what it links
    assert meeting is None or {
        "id",
        "title",
        "series",
        "start_date",
        "end_date",
        "city",
        "country",
        "confidence",
    } <= set(meeting)
    assert isinstance(document["countries"], list)


def test_show_json_has_neighbours_footnotes_and_provenance(
    capsys: pytest.CaptureFixture[str], db_path: Path, inbox: Path
) -> None:
    run(capsys, "--db", str(db_path), "import", str(inbox))
    run(capsys, "--db", str(db_path), "documents", "--json")
    from briefer.store.library import open_library
    from briefer.store.models import Passage

    library = open_library(str(db_path))
    with library.session() as session:
        passage_id = next(
            p.id for p in session.query(Passage).all() if p.text.startswith("The Ministers")
        )
    library.close()
    code, out, _ = run(capsys, "--db", str(db_path), "show", str(passage_id), "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["text"] == "The Ministers agreed on joint patrols with the region¹."
    assert shown["paragraph"] == "1" and shown["kind"] == "body"
    assert shown["previous"]["text"] == "Joint Statement"
    assert shown["next"]["text"] == "They will meet again in Tirana."
    assert [f["text"] for f in shown["footnotes"]] == ["Such as the Brdo Process."]
    assert shown["document"]["file"] == "statement.txt"
    assert shown["end"] - shown["start"] == len(shown["text"])
    assert shown["countries"] == [] or all(
        {"code", "origin", "confidence", "evidence"} <= set(t) for t in shown["countries"]
    )
    assert isinstance(shown["themes"], list)
    code, out, _ = run(capsys, "--db", str(db_path), "show", str(passage_id))
    assert code == 0 and "statement.txt" in out and "footnote" in out


def test_show_unknown_passage_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    code, _, err = run(capsys, "--db", str(db_path), "show", "999")
    assert code == 1
    assert err.strip() == "briefer: passage 999: no such passage in the library"


def test_sample_imports_the_bundled_library(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    files = (
        [
            p
            for p in sample_dir().glob("*")
            if p.suffix in {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}
        ]
        if sample_dir().is_dir()
        else []
    )
    if not files:
        pytest.skip(f"no sample documents in {sample_dir()} yet")
    code, out, _ = run(capsys, "--db", str(db_path), "sample", "--json")
    outcomes = json.loads(out)
    assert code == 0, [o for o in outcomes if o["status"] == "failed"]
    assert len(outcomes) == len(files)
    assert all(o["status"] == "imported" for o in outcomes)
    code, out, _ = run(capsys, "--db", str(db_path), "documents", "--json")
    documents = json.loads(out)
    assert len(documents) == len(files)
    code, out, _ = run(capsys, "--db", str(db_path), "sample", "--json")
    assert all(o["status"] == "duplicate" for o in json.loads(out))
