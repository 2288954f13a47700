"""Several analysts on one team library at once: real connections and processes, no mocks.

Each "analyst" is a separate ``Library`` (its own engine and connection pool) or a
separate ``briefer`` process, all on the same PostgreSQL database.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from briefer.domain.errors import Conflict, LibraryError
from briefer.domain.search import SearchRequest
from briefer.ingest.pipeline import prepare_document
from briefer.services import briefings
from briefer.services.importing import import_all, import_file
from briefer.services.library import open_ready_library
from briefer.services.searching import search
from briefer.services.tagging import set_passage_tag
from briefer.store.library import Library
from briefer.store.models import Document, Passage

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
BRIEFER = [sys.executable, "-m", "briefer"]

COMMUNIQUE = (
    "Ministers of the interior met in {city}\n\n"
    "The ministers agreed to strengthen border co-operation against migrant smuggling "
    "along the Western Balkans route, with Frontex support in {city}.\n\n"
    "They will meet again next year.\n"
)


@pytest.fixture
def analysts(pg_url: str) -> Iterator[Callable[[], Library]]:
    """Opens as many separate libraries (separate connection pools) as a test asks for."""
    opened: list[Library] = []

    def another() -> Library:
        opened.append(open_ready_library(pg_url))
        return opened[-1]

    yield another
    for library in opened:
        library.close()


def _communique(folder: Path, city: str) -> Path:
    path = folder / f"{city.lower()}.txt"
    path.write_text(COMMUNIQUE.format(city=city), encoding="utf-8")
    return path


def _items(library: Library, briefing_id: int) -> list[str]:
    with library.sessions() as session:
        data = briefings.briefing_data(session, briefing_id)
    return [item.text or "" for section in data.sections for item in section.items]


def _version(library: Library, briefing_id: int) -> int:
    with library.sessions() as session:
        return briefings.briefing_data(session, briefing_id).version


def _new_briefing(library: Library, title: str) -> tuple[int, int]:
    briefing = briefings.create_briefing(library, title).briefing_id
    assert briefing is not None
    section = briefings.add_section(library, briefing, "Notes").created_ids[0]
    return briefing, section


def _wait_for_lock_wait(library: Library, timeout: float = 30) -> None:
    """Until some other connection is waiting on a row lock (the race is then certain)."""
    deadline = time.monotonic() + timeout
    query = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    while time.monotonic() < deadline:
        with library.engine.connect() as connection:
            if connection.execute(query).scalar_one():
                return
        time.sleep(0.05)
    raise AssertionError("the second writer never reached the lock")


def _run_parallel(*jobs: Callable[[], None]) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], None]) -> None:
        try:
            start.wait()
            job()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors


def test_two_people_editing_different_briefings_never_interfere(analysts) -> None:  # type: ignore[no-untyped-def]
    anna, boris = analysts(), analysts()
    a_briefing, a_section = _new_briefing(anna, "Anna's pack")
    b_briefing, b_section = _new_briefing(boris, "Boris's pack")

    def edits(library: Library, briefing: int, section: int, who: str) -> Callable[[], None]:
        def run() -> None:
            version = _version(library, briefing)
            for n in range(15):
                change = briefings.add_text(
                    library, section, f"{who} {n}", expected_version=version
                )
                version = change.version or version

        return run

    _run_parallel(
        edits(anna, a_briefing, a_section, "anna"), edits(boris, b_briefing, b_section, "boris")
    )
    assert _items(boris, a_briefing) == [f"anna {n}" for n in range(15)]
    assert _items(anna, b_briefing) == [f"boris {n}" for n in range(15)]


def test_the_second_edit_of_the_same_version_is_refused_and_nothing_is_lost(analysts) -> None:  # type: ignore[no-untyped-def]
    anna, boris = analysts(), analysts()
    briefing, section = _new_briefing(anna, "Shared pack")
    seen_by_anna = _version(anna, briefing)
    seen_by_boris = _version(boris, briefing)

    briefings.rename_briefing(anna, briefing, "Shared pack (Anna)", expected_version=seen_by_anna)
    with pytest.raises(Conflict, match="changed by someone else") as refused:
        briefings.add_text(boris, section, "Boris's note", expected_version=seen_by_boris)
    assert "\n" not in str(refused.value) and "reload" in str(refused.value)
    assert _items(anna, briefing) == []  # Boris's refused edit left nothing half-stored

    # Boris reloads and tries again: both changes are kept.
    briefings.add_text(boris, section, "Boris's note", expected_version=_version(boris, briefing))
    with anna.sessions() as session:
        data = briefings.briefing_data(session, briefing)
    assert data.title == "Shared pack (Anna)"
    assert _items(anna, briefing) == ["Boris's note"]


def test_many_writers_on_one_briefing_lose_no_update(analysts) -> None:  # type: ignore[no-untyped-def]
    """Four analysts add notes at the same moment; each retries after a conflict."""
    first = analysts()
    briefing, section = _new_briefing(first, "Busy pack")
    libraries = [first] + [analysts() for _ in range(3)]
    before = _version(first, briefing)
    conflicts: list[str] = []

    def writer(library: Library, who: int) -> Callable[[], None]:
        def run() -> None:
            for n in range(6):
                while True:
                    try:
                        briefings.add_text(
                            library,
                            section,
                            f"{who}.{n}",
                            expected_version=_version(library, briefing),
                        )
                        break
                    except Conflict as exc:
                        conflicts.append(str(exc))

        return run

    _run_parallel(*(writer(lib, who) for who, lib in enumerate(libraries)))
    notes = _items(first, briefing)
    assert sorted(notes) == sorted(f"{who}.{n}" for who in range(4) for n in range(6))
    for who in range(4):  # each writer's own notes stay in the order it added them
        assert [n for n in notes if n.startswith(f"{who}.")] == [f"{who}.{n}" for n in range(6)]
    assert _version(first, briefing) == before + 24  # one version per stored change


def test_the_command_line_reports_a_conflict_in_one_line(
    analysts, pg_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """`briefer briefing add` races another writer's change of the same briefing, and loses."""
    anna = analysts()
    briefing, _section = _new_briefing(anna, "Raced pack")
    path = _communique(tmp_path, "Ohrid")
    assert not import_all(anna, [path]).failed
    with anna.sessions() as session:
        passage_id = session.scalars(select(Passage.id).order_by(Passage.id.desc())).first()

    with anna.engine.connect() as other_writer:
        # Another analyst's change in flight: the version is bumped but not yet committed.
        other_writer.execute(
            text("UPDATE briefing SET version = version + 1 WHERE id = :id"), {"id": briefing}
        )
        command = subprocess.Popen(
            [*BRIEFER, "--db", pg_url, "briefing", "add", str(briefing), str(passage_id)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        _wait_for_lock_wait(anna)
        other_writer.commit()
    out, err = command.communicate(timeout=120)
    assert command.returncode == 1, (out, err)
    assert err.strip().count("\n") == 0
    assert "changed by someone else" in err and f"briefing {briefing}" in err
    assert _items(anna, briefing) == []  # the refused quote was not half-stored


def test_two_imports_of_one_document_at_the_same_moment_store_it_once(
    analysts, pg_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    analysts()  # the library exists before the race starts
    files = [_communique(tmp_path, city) for city in ("Skopje", "Tirana", "Podgorica")]
    command = [*BRIEFER, "--db", pg_url, "import", "--json"]
    runs = [
        subprocess.Popen(
            command + [str(p) for p in files], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outcomes = [json.loads(run.communicate(timeout=180)[0]) for run in runs]
    for path in files:
        statuses = sorted(o["status"] for run in outcomes for o in run if o["file"] == str(path))
        assert statuses == ["duplicate", "imported"], (path, outcomes)
    library = analysts()
    with library.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 3


def test_the_loser_of_an_insert_race_reports_a_duplicate(analysts, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The unique constraint decides: the second insert waits, then reports the duplicate."""
    anna, boris = analysts(), analysts()
    path = _communique(tmp_path, "Sarajevo")
    sha256 = prepare_document(path).sha256
    outcome: list[object] = []
    with anna.session() as session:
        first = Document(
            file_name="sarajevo.txt", format="txt", sha256=sha256, text="x", removed_lines=[]
        )
        session.add(first)
        session.flush()  # inserted, not committed: Boris's check cannot see it yet
        racer = threading.Thread(target=lambda: outcome.append(import_file(boris, path)))
        racer.start()
        _wait_for_lock_wait(anna)
    racer.join(60)
    (result,) = outcome
    assert result.status == "duplicate", result.message  # type: ignore[attr-defined]
    assert result.document_id == first.id  # type: ignore[attr-defined]
    with boris.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 1


def test_tag_corrections_by_one_are_seen_by_another_on_refresh(analysts, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    importer, curator = analysts(), analysts()
    assert not import_all(importer, [_communique(tmp_path, "Belgrade")]).failed
    request = SearchRequest(query="smuggling", countries=("XK",))
    assert search(curator, request).total == 0
    with importer.sessions() as session:
        passage_id = session.scalars(
            select(Passage.id).where(Passage.text.contains("smuggling"))
        ).one()
    with importer.session() as session:
        set_passage_tag(session, passage_id, country="XK")
    page = search(curator, request)
    assert [hit.passage_id for hit in page.hits] == [passage_id]
    assert "XK" in page.hits[0].countries
    with importer.session() as session:
        set_passage_tag(session, passage_id, country="XK", remove=True)
    assert search(curator, request).total == 0


def test_a_deadlock_is_one_clear_line_and_the_other_change_is_kept(analysts) -> None:  # type: ignore[no-untyped-def]
    """Two changes lock the same two briefings in opposite order: the server aborts one."""
    anna, boris = analysts(), analysts()
    first, _ = _new_briefing(anna, "One")
    second, _ = _new_briefing(anna, "Two")
    outcomes: dict[str, str] = {}
    rename = text("UPDATE briefing SET title = title || :who WHERE id = :id")
    both_hold_one = threading.Barrier(2)

    def change(library: Library, who: str, order: tuple[int, int]) -> Callable[[], None]:
        def run() -> None:
            try:
                with library.session() as session:
                    session.execute(rename, {"who": who, "id": order[0]})
                    both_hold_one.wait()
                    session.execute(rename, {"who": who, "id": order[1]})
                outcomes[who] = "stored"
            except LibraryError as exc:
                outcomes[who] = str(exc)

        return run

    _run_parallel(change(anna, " A", (first, second)), change(boris, " B", (second, first)))
    assert sorted(outcomes) == [" A", " B"]
    refused = [message for message in outcomes.values() if message != "stored"]
    assert len(refused) == 1 and "\n" not in refused[0]
    assert "deadlock" in refused[0] and "nothing of it was stored" in refused[0]
    winner = next(who for who, message in outcomes.items() if message == "stored")
    with anna.sessions() as session:
        titles = session.execute(text("SELECT title FROM briefing ORDER BY id")).scalars().all()
    assert titles == ["One" + winner, "Two" + winner]
