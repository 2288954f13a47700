"""Importing with worker processes: the same library as preparing everything in one process.

Workers read, clean, segment and tag; this process stays the only writer, in file order.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from briefer.domain.progress import CancelToken, Progress
from briefer.services import importing
from briefer.services.importing import ImportOutcome, import_paths, worker_count
from briefer.services.library import open_ready_library
from briefer.store.library import Library
from briefer.store.models import Document, Meeting, Passage, PassageCountry, PassageTheme

COMMUNIQUE = (
    "Ministers of the interior meet in {city}\n\n"
    "{day} March 2019\n\n"
    "The ministers of the interior of the Western Balkans met in {city} on {day} March 2019 "
    "to discuss {topic} and agreed to intensify cooperation with Europol and Frontex.\n\n"
    "Serbia and Albania presented their action plans against migrant smuggling.\n"
)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    cities = ["Ljubljana", "Skopje", "Tirana"]
    topics = ["firearms trafficking", "asylum", "border management", "terrorism"]
    for i in range(10):
        text = COMMUNIQUE.format(city=cities[i % 3], day=i % 2 + 1, topic=topics[i % 4])
        (folder / f"{i:02d}.txt").write_text(text, encoding="utf-8")
    (folder / "05-copy.txt").write_text((folder / "05.txt").read_text(), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    return folder


def _run(library: Library, folder: Path, workers: int) -> list[tuple[str, str, int | None]]:
    outcomes = [
        e for e in import_paths(library, [folder], workers=workers) if isinstance(e, ImportOutcome)
    ]
    return [(o.path.name, o.status, o.passages) for o in outcomes]


def _contents(library: Library) -> list[tuple[object, ...]]:
    with library.session() as session:
        documents = session.execute(
            select(Document.file_name, Document.title, Document.published, Meeting.city)
            .outerjoin(Meeting)
            .order_by(Document.id)
        ).all()
        passages = session.execute(
            select(Passage.document_id, Passage.paragraph, Passage.text).order_by(Passage.id)
        ).all()
        countries = session.execute(
            select(PassageCountry.passage_id, PassageCountry.country_code).order_by(
                PassageCountry.passage_id, PassageCountry.country_code
            )
        ).all()
        themes = session.execute(
            select(PassageTheme.passage_id, PassageTheme.theme_id).order_by(
                PassageTheme.passage_id, PassageTheme.theme_id
            )
        ).all()
        meetings = session.execute(select(Meeting.city, Meeting.start_date)).all()
    return [documents, passages, countries, themes, sorted(meetings)]


def test_workers_store_the_same_library_as_one_process(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    alone = open_ready_library(str(tmp_path / "alone.sqlite"))
    pooled = open_ready_library(str(tmp_path / "pooled.sqlite"))
    try:
        outcomes = _run(pooled, folder, workers=2)
        assert outcomes == _run(alone, folder, workers=1)
        statuses = {name: status for name, status, _ in outcomes}
        assert statuses["05.txt"] == "duplicate"  # its copy sorts first
        assert statuses["empty.txt"] == "failed"
        assert list(statuses.values()).count("imported") == 10
        contents = _contents(pooled)
        assert contents == _contents(alone)
        assert contents[2] and contents[3], "countries and themes were tagged"
        assert len(contents[4]) == 6  # documents of the same city and day share a meeting
    finally:
        alone.close()
        pooled.close()


def test_cancel_with_workers_keeps_only_finished_files(library: Library, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    token = CancelToken()
    done = []
    for event in import_paths(library, [folder], cancel=token, workers=2):
        if isinstance(event, Progress) and event.done == 2:
            token.cancel()  # while the third file is stored: none reported yet
        if isinstance(event, ImportOutcome):
            done.append(event)
    assert [o.path.name for o in done] == ["00.txt", "01.txt", "02.txt"]
    with library.session() as session:
        assert sorted(session.scalars(select(Document.id)).all()) == [o.document_id for o in done]


def test_documents_committed_together_are_all_reported_before_a_cancel_stops(
    library: Library, tmp_path: Path
) -> None:
    """A pooled import commits several documents at once and reports them after the
    commit: whenever the import stops, the library holds exactly what it reported."""
    folder = _folder(tmp_path)
    token = CancelToken()
    events = import_paths(library, [folder], cancel=token, workers=2)
    done = []
    for event in events:
        if isinstance(event, ImportOutcome):
            done.append(event)
            token.cancel()
    assert 1 < len(done) < 12  # a whole group, not the whole folder
    imported = [o.document_id for o in done if o.status == "imported"]
    with library.session() as session:
        assert sorted(session.scalars(select(Document.id)).all()) == sorted(imported)


def test_a_document_failing_inside_a_group_costs_only_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The group's transaction is rolled back and its other documents stored again one by
    one: the library ends as an import of one file at a time leaves it."""
    folder = _folder(tmp_path)
    alone = open_ready_library(str(tmp_path / "alone.sqlite"))
    pooled = open_ready_library(str(tmp_path / "pooled.sqlite"))
    real_attach = importing.attach_meeting

    def attach(session, document, guess):  # type: ignore[no-untyped-def]
        if document.file_name == "03.txt":
            raise RuntimeError("meeting service exploded")
        return real_attach(session, document, guess)

    monkeypatch.setattr(importing, "attach_meeting", attach)
    try:
        outcomes = _run(pooled, folder, workers=2)
        assert outcomes == _run(alone, folder, workers=1)
        assert ("03.txt", "failed", 0) in outcomes
        assert [status for _, status, _ in outcomes].count("imported") == 9
        assert _contents(pooled) == _contents(alone)
        with pooled.session() as session:
            names = session.scalars(select(Document.file_name)).all()
            orphans = session.scalars(
                select(Passage.id).where(Passage.document_id.not_in(select(Document.id)))
            ).all()
        assert "03.txt" not in names and len(names) == 9 and not orphans
    finally:
        alone.close()
        pooled.close()


def test_a_group_whose_commit_fails_is_stored_one_document_at_a_time(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    folder = _folder(tmp_path)
    make_session, failures = library.sessions, []

    def sessions():  # type: ignore[no-untyped-def]
        session = make_session()
        commit = session.commit

        def locked_once() -> None:
            if not failures:
                failures.append("locked")
                raise OperationalError("COMMIT", {}, Exception("database is locked"))
            commit()

        session.commit = locked_once  # type: ignore[method-assign]
        return session

    monkeypatch.setattr(library, "sessions", sessions)
    outcomes = _run(library, folder, workers=2)
    assert failures == ["locked"]
    assert [status for _, status, _ in outcomes].count("imported") == 10
    with library.session() as session:
        assert len(session.scalars(select(Document.id)).all()) == 10


_PREPARE = importing._prepare_in_worker


def _slow_on_05(path: Path) -> object:
    import time

    if path.name == "05.txt":
        time.sleep(1.0)
    return _PREPARE(path)


def test_a_group_is_committed_before_waiting_for_a_slow_file(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer (the window) would wait for an open transaction: the importer does
    not hold one while the next file takes long to prepare."""
    folder = _folder(tmp_path)
    (folder / "05-copy.txt").unlink()
    monkeypatch.setattr(importing, "_prepare_in_worker", _slow_on_05)
    reported: list[str] = []
    reported_before_05_was_stored: list[str] = []
    for event in import_paths(library, [folder], workers=2):
        if isinstance(event, ImportOutcome):
            reported.append(event.path.name)
        elif event.message.endswith("06.txt"):
            reported_before_05_was_stored = list(reported)
    assert reported_before_05_was_stored == ["00.txt", "01.txt", "02.txt", "03.txt", "04.txt"]
    assert len(reported) == 12 - 1


def test_a_worker_that_dies_does_not_stop_the_import(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    monkeypatch.setattr(importing, "_prepare_in_worker", _die)
    outcomes = _run(library, folder, workers=2)
    assert [status for _, status, _ in outcomes].count("imported") == 10


def test_workers_killed_mid_import_leave_the_rest_to_this_process(tmp_path: Path) -> None:
    """Workers can die between two files (the OOM killer): what they sent is used, the
    rest is prepared here, every file once and in order."""
    import signal

    paths = sorted(_folder(tmp_path).glob("0*.txt"))
    with importing._Preparer(paths, None, workers=2) as preparer:
        first = preparer.next(paths[0])
        for pid in preparer.worker_ids():
            os.kill(pid, signal.SIGKILL)
        rest = [preparer.next(path) for path in paths[1:]]
        assert preparer.worker_ids() == []
    prepared = [first, *rest]
    assert [p.document.path for p in prepared] == paths  # type: ignore[union-attr]


def test_a_file_that_breaks_a_worker_fails_alone(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected error preparing one file (a bug) is that file's failure, named."""
    folder = _folder(tmp_path)
    monkeypatch.setattr(importing, "_prepare_in_worker", _bug_on_03)
    outcomes = [
        e for e in import_paths(library, [folder], workers=2) if isinstance(e, ImportOutcome)
    ]
    failed = [(o.path.name, o.reason) for o in outcomes if o.status == "failed"]
    assert ("03.txt", "not read (IndexError: list index out of range)") in failed
    assert [o.status for o in outcomes].count("imported") == 9


def test_a_file_that_breaks_preparing_fails_alone_in_one_process(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same without workers: the import goes on after the file, as with them."""
    folder = _folder(tmp_path)
    prepare = importing.prepare_file

    def bug_on_03(path: Path, tagger: object = None) -> object:
        if path.name == "03.txt":
            return [][1]
        return prepare(path, tagger)  # type: ignore[arg-type]

    monkeypatch.setattr(importing, "prepare_file", bug_on_03)
    outcomes = [
        e for e in import_paths(library, [folder], workers=1) if isinstance(e, ImportOutcome)
    ]
    failed = [(o.path.name, o.reason) for o in outcomes if o.status == "failed"]
    assert failed == [
        ("03.txt", "not read (IndexError: list index out of range)"),
        ("empty.txt", "the file is empty"),
    ]
    assert [o.status for o in outcomes].count("imported") == 9


def _bug_on_03(path: Path) -> object:
    if path.name == "03.txt":
        return [][1]
    return _PREPARE(path)


def _die(path: Path) -> None:
    import os

    os._exit(3)  # as the kernel's OOM killer would end a worker


@pytest.mark.skipif(not hasattr(os, "nice"), reason="POSIX priorities")
def test_workers_run_below_the_writer(tmp_path: Path) -> None:
    """The single writer goes first: workers run at a lower priority (a higher nice value)."""
    paths = sorted(_folder(tmp_path).glob("0*.txt"))
    with importing._Preparer(paths, None, workers=2) as preparer:
        for path in paths[:2]:  # one from each worker: both have started
            preparer.next(path)
        niceness = {os.getpriority(os.PRIO_PROCESS, pid) for pid in preparer.worker_ids()}
    assert niceness == {min(19, os.nice(0) + importing.WORKER_NICENESS)}


def test_worker_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(importing.WORKERS_ENV, raising=False)
    assert worker_count(3) == 1  # a few files: starting workers would cost more
    assert worker_count(5000, workers=2) == 2
    assert worker_count(1, workers=4) == 1
    monkeypatch.setenv(importing.WORKERS_ENV, "1")
    assert worker_count(5000) == 1


def test_workers_started_from_a_thread_are_fresh_interpreters(tmp_path: Path) -> None:
    """The window imports from a worker thread: workers are spawned, not forked."""
    import threading

    folder = _folder(tmp_path)
    alone = open_ready_library(str(tmp_path / "alone.sqlite"))
    pooled = open_ready_library(str(tmp_path / "pooled.sqlite"))
    results: list[object] = []

    def run() -> None:
        results.append(importing._process_context().get_start_method())
        results.append(_run(pooled, folder, 2))

    try:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=300)
        assert results == ["spawn", _run(alone, folder, workers=1)]
        assert _contents(pooled) == _contents(alone)
    finally:
        alone.close()
        pooled.close()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_workers_end_when_the_import_is_killed(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(300):
        text = COMMUNIQUE.format(city="Skopje", day=i % 28 + 1, topic=f"topic {i}")
        (folder / f"{i:04d}.txt").write_text(text * 3, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop(importing.WORKERS_ENV, None)
    db = tmp_path / "library.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "briefer", "--db", str(db), "import", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            workers = _children(process.pid)
            if len(workers) >= 2:
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "the import should have started its workers"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_running(w) for w in workers):
        time.sleep(0.1)
    alive = [w for w in workers if _running(w)]
    for pid in alive:  # do not leave them behind even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not alive, "workers outlived the killed import"


@pytest.mark.parametrize(
    "text",
    [
        "Dačić",
        'the "Brdo" process',
        "back\\slash",
        "line\nbreak\ttab",
        "\u2028",
        "😀 emoji",
        "\ud800",
        "",
    ],
)
def test_evidence_is_stored_as_the_json_module_writes_it(text: str) -> None:
    """Tag evidence is written out by hand for speed; it must read back as it was."""
    from briefer.tagging.model import Evidence

    evidence = [Evidence(text, 0, len(text), 'cue "x" (weight 1)'), Evidence("b", 7, 8, "r")]
    written = importing.evidence_json(evidence)
    assert written == json.dumps([e.as_dict() for e in evidence])
    assert importing.evidence_json([]) == "[]"
