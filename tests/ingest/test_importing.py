"""The import service: bad files fail alone, whole documents only, duplicates change nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from briefer.domain.progress import CancelToken, Progress
from briefer.ingest.pipeline import prepare_document
from briefer.services import importing
from briefer.services.importing import ImportOutcome, import_all, import_paths
from briefer.store.library import Library
from briefer.store.models import Document, Passage
from tests.ingest.builders import (
    HOSTILE_HTML,
    make_docx,
    make_docx_bomb,
    make_encrypted_pdf,
    make_pdf,
    make_scanned_pdf,
)
from tests.support.search_index import indexed_count

GOOD = (
    "Ministers agree on {topic}\n\n"
    "The ministers of the interior met in Ljubljana to discuss {topic} and agreed to "
    "intensify their cooperation with Europol and Frontex.\n\n"
    "They will report on progress at their next meeting in {n} months.\n"
)


def _good(folder: Path, name: str, topic: str, n: int = 3) -> Path:
    path = folder / name
    path.write_text(GOOD.format(topic=topic, n=n), encoding="utf-8")
    return path


def _counts(library: Library) -> tuple[int, int, int]:
    with library.session() as session:
        documents = session.scalar(select(func.count(Document.id)))
        passages = session.scalar(select(func.count(Passage.id)))
        indexed = indexed_count(session.connection())
    return documents or 0, passages or 0, indexed or 0


def _bad_files(folder: Path) -> dict[str, str]:
    """Each bad input of the issue, with the words its failure reason must contain."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.txt").write_bytes(bytes(range(256)) * 20)
    good = "Ministarka Hodžić i ministar Vuković potpisali su sporazum.\n".encode()
    (folder / "invalid-utf8.txt").write_bytes(good * 4 + b"\xff\xfe\xc3\x28\n")
    with (folder / "huge.txt").open("wb") as out:
        out.truncate(50 * 1024 * 1024 + 1)  # sparse: 50 MB on paper, no disk used
    make_scanned_pdf(folder / "scanned.pdf")
    make_encrypted_pdf(folder / "encrypted.pdf", make_pdf(folder.parent / "plain.pdf", pages=1))
    docx = make_docx(folder / "truncated.docx")
    docx.write_bytes(docx.read_bytes()[:1500])
    make_docx_bomb(folder / "bomb.docx", inflated_mb=40)
    return {
        "empty.txt": "empty",
        "junk.txt": "binary",
        "invalid-utf8.txt": "invalid UTF-8",
        "huge.txt": "too large",
        "scanned.pdf": "no text found",
        "encrypted.pdf": "encrypted",
        "truncated.docx": "damaged or truncated",
        "bomb.docx": "zip bomb",
    }


def test_bad_files_fail_alone_and_leave_nothing(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    expected = _bad_files(folder)
    _good(folder, "a-good.txt", "returns")
    (folder / "hostile.html").write_text(HOSTILE_HTML)
    _good(folder, "z-good.md", "visa policy")
    report = import_all(library, [folder])
    by_name = {o.path.name: o for o in report.outcomes}
    for name, words in expected.items():
        outcome = by_name[name]
        assert outcome.status == "failed", name
        assert words in (outcome.reason or ""), (name, outcome.reason)
        assert str(folder / name) in f"{outcome.path}: {outcome.reason}"
    assert {o.path.name for o in report.outcomes if o.status == "imported"} == {
        "a-good.txt",
        "hostile.html",
        "z-good.md",
    }
    with library.session() as session:
        names = set(session.scalars(select(Document.file_name)))
    assert names == {"a-good.txt", "hostile.html", "z-good.md"}
    documents, passages, indexed = _counts(library)
    assert documents == 3 and passages == indexed


def test_folders_recurse_in_sorted_order_and_skip_other_files(
    library: Library, tmp_path: Path
) -> None:
    (tmp_path / "b" / "c").mkdir(parents=True)
    _good(tmp_path / "b" / "c", "3.txt", "asylum")
    _good(tmp_path / "b", "2.txt", "borders")
    _good(tmp_path, "1.txt", "drugs")
    (tmp_path / "notes.xlsx").write_bytes(b"PK")
    (tmp_path / ".hidden.txt").write_text("hidden")
    events = list(import_paths(library, [tmp_path]))
    outcomes = [e for e in events if isinstance(e, ImportOutcome)]
    assert [o.path.relative_to(tmp_path).as_posix() for o in outcomes] == [
        "1.txt",
        "b/2.txt",
        "b/c/3.txt",
    ]
    progress = [e for e in events if isinstance(e, Progress)]
    assert progress[0].total == 3 and progress[-1].done == 3


def test_duplicates_under_another_name_or_format_change_nothing(
    library: Library, tmp_path: Path
) -> None:
    first = _good(tmp_path, "statement.txt", "returns")
    copy = tmp_path / "statement copy.md"
    copy.write_text(first.read_text())
    report = import_all(library, [first, copy])
    assert [o.status for o in report.outcomes] == ["imported", "duplicate"]
    assert report.outcomes[1].document_id == report.outcomes[0].document_id
    assert _counts(library)[0] == 1


def test_non_ascii_paths(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "Ministrstvo Žalec" / "Београд"
    folder.mkdir(parents=True)
    path = _good(folder, "izjava ministara — Đorđe.txt", "smuggling")
    report = import_all(library, [tmp_path])
    assert [o.status for o in report.outcomes] == ["imported"]
    with library.session() as session:
        document = session.scalars(select(Document)).one()
    assert document.file_name == path.name
    assert document.source_path == str(path.resolve())


def test_a_file_that_vanishes_mid_import(library: Library, tmp_path: Path) -> None:
    _good(tmp_path, "1.txt", "asylum")
    doomed = _good(tmp_path, "2.txt", "borders")
    _good(tmp_path, "3.txt", "drugs")
    outcomes: list[ImportOutcome] = []
    for event in import_paths(library, [tmp_path]):
        if isinstance(event, ImportOutcome):
            outcomes.append(event)
            if event.path.name == "1.txt":
                doomed.unlink()
    assert [(o.path.name, o.status) for o in outcomes] == [
        ("1.txt", "imported"),
        ("2.txt", "failed"),
        ("3.txt", "imported"),
    ]
    assert "not found" in (outcomes[1].reason or "")


def test_missing_path_and_unsupported_file_fail_clearly(library: Library, tmp_path: Path) -> None:
    sheet = tmp_path / "table.xlsx"
    sheet.write_bytes(b"PK")
    report = import_all(library, [tmp_path / "nowhere.txt", sheet])
    assert [o.reason for o in report.outcomes] == [
        "no such file or folder",
        "unsupported format .xlsx (supported: .txt, .md, .html, .htm, .docx, .pdf)",
    ]


def test_a_failure_while_storing_rolls_the_document_back(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _good(tmp_path, "1.txt", "asylum")
    _good(tmp_path, "2.txt", "borders")
    _good(tmp_path, "3.txt", "drugs")

    def attach(session, document, guess):  # type: ignore[no-untyped-def]
        if document.file_name == "2.txt":
            raise RuntimeError("meeting service exploded")

    monkeypatch.setattr(importing, "attach_meeting", attach)
    report = import_all(library, [tmp_path])
    assert [o.status for o in report.outcomes] == ["imported", "failed", "imported"]
    assert "meeting service exploded" in (report.outcomes[1].reason or "")
    documents, passages, indexed = _counts(library)
    assert documents == 2
    assert passages == indexed == 2 * 3


def test_cancel_stops_between_files(library: Library, tmp_path: Path) -> None:
    for i in range(4):
        _good(tmp_path, f"{i}.txt", f"topic {i}", n=i)
    token = CancelToken()
    outcomes = []
    events = import_paths(library, [tmp_path], cancel=token)
    for event in events:
        if isinstance(event, ImportOutcome):
            outcomes.append(event)
            if len(outcomes) == 2:
                token.cancel()
    assert len(outcomes) == 2
    assert _counts(library)[0] == 2


def test_killed_import_leaves_only_whole_documents(tmp_path: Path, db_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(400):
        lines = [f"Meeting report number {i}"] + [
            f"Paragraph {j} of report {i}: the ministers agreed on point {j * i}."
            for j in range(i % 7 + 1)
        ]
        (folder / f"{i:04d}.txt").write_text("\n\n".join(lines), encoding="utf-8")
    from briefer.store.library import open_library

    open_library(str(db_path)).close()  # create the library before the race starts
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen(
        [sys.executable, "-m", "briefer", "--db", str(db_path), "import", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with sqlite3.connect(db_path, timeout=10) as connection:
                count = connection.execute("SELECT count(*) FROM document").fetchone()[0]
            if count >= 20 or process.poll() is not None:
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    with sqlite3.connect(db_path, timeout=10) as connection:
        rows = connection.execute(
            "SELECT d.file_name, count(p.id) FROM document d LEFT JOIN passage p "
            "ON p.document_id = d.id GROUP BY d.id"
        ).fetchall()
        orphans = connection.execute(
            "SELECT count(*) FROM passage WHERE document_id NOT IN (SELECT id FROM document)"
        ).fetchone()[0]
        indexed = connection.execute("SELECT count(*) FROM passage_fts").fetchone()[0]
        passages = connection.execute("SELECT count(*) FROM passage").fetchone()[0]
    assert 0 < len(rows) < 400, "the kill should land mid-import"
    for name, count in rows:
        assert count == len(prepare_document(folder / name).passages), name
    assert orphans == 0
    assert indexed == passages


def test_tags_are_stored_with_origin_confidence_and_evidence(tmp_path: Path) -> None:
    from briefer.services.library import open_ready_library
    from briefer.store.models import PassageCountry, PassageTheme, Theme
    from briefer.tagging.model import CountryMatch, Evidence, ThemeMatch
    from briefer.tagging.pipeline import DocumentTags, PassageTags, Tagger

    library = open_ready_library(str(tmp_path / "tags.sqlite"))
    with library.session() as session:
        theme_id = session.scalars(select(Theme.id).where(Theme.parent_id.is_not(None))).first()
    assert theme_id is not None, "the taxonomy should be loaded into a ready library"

    class FixedTagger(Tagger):
        def __init__(self) -> None:
            pass

        def tag_document(self, document):  # type: ignore[no-untyped-def]
            evidence = Evidence("Serbia", 10, 16, "name")
            tags = PassageTags(
                countries=[
                    CountryMatch("RS", 0.9, [evidence]),
                    CountryMatch("RS", 0.7, [Evidence("Belgrade", 30, 38, "capital")]),
                    CountryMatch("QQ", 0.9, []),  # unknown to the library: skipped
                ],
                themes=[ThemeMatch(theme_id, 0.8, [evidence]), ThemeMatch("no-such-theme", 1, [])],
            )
            return DocumentTags(passages={1: tags}, meeting=None)

    path = _good(tmp_path, "tagged.txt", "returns")
    report = import_all_with(library, path, FixedTagger())
    assert report.outcomes[0].status == "imported"
    with library.session() as session:
        [country] = session.scalars(select(PassageCountry)).all()
        [theme] = session.scalars(select(PassageTheme)).all()
        passage = session.get(Passage, country.passage_id)
        assert passage is not None and passage.position == 1
        assert (country.country_code, country.origin, country.excluded) == (
            "RS",
            "automatic",
            False,
        )
        assert country.confidence == 0.9
        assert [e["text"] for e in country.evidence] == ["Serbia", "Belgrade"]
        assert (theme.theme_id, theme.score, theme.origin) == (theme_id, 0.8, "automatic")
        assert theme.evidence == [{"text": "Serbia", "start": 10, "end": 16, "rule": "name"}]
    library.close()


def import_all_with(library: Library, path: Path, tagger: object) -> importing.ImportReport:
    events = import_paths(library, [path], tagger=tagger)  # type: ignore[arg-type]
    report = importing.ImportReport()
    for event in events:
        if isinstance(event, ImportOutcome):
            report.outcomes.append(event)
    return report


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux allows non-UTF-8 file names")
def test_a_file_name_that_is_not_utf8(library: Library, tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"Beograd-\xe9.txt")
    with open(raw, "wb") as out:
        out.write(GOOD.format(topic="returns", n=2).encode())
    report = import_all(library, [tmp_path])
    assert [o.status for o in report.outcomes] == ["imported"]
    with library.session() as session:
        assert session.scalars(select(Document.file_name)).one() == "Beograd-\ufffd.txt"


def test_a_document_that_loses_a_write_race_is_retried(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    path = _good(tmp_path, "1.txt", "asylum")
    calls: list[str] = []

    def attach(session, document, guess):  # type: ignore[no-untyped-def]
        calls.append(document.file_name)
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(importing, "attach_meeting", attach)
    report = import_all(library, [path])
    assert [o.status for o in report.outcomes] == ["imported"]
    assert calls == ["1.txt", "1.txt"]
    documents, passages, indexed = _counts(library)
    assert (documents, passages, indexed) == (1, 3, 3)
