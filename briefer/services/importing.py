"""Importing files and folders into the library: every document whole or not at all.

``import_paths`` is a generator so that both shells can show progress and cancel between
files: it yields a ``Progress`` before each file and an ``ImportOutcome`` once the file's
document is committed, and returns an ``ImportReport``. A document (its row, passages,
footnote links, tags, meeting link and full-text rows) is never committed in part: a
failure, a cancel or a killed process leaves either the whole document or nothing of it.
A small import commits each document on its own; a pooled import commits a few whole
documents together (``_CommitGroup``) and reports them after that commit, so whatever
stops it, the library holds exactly the documents reported.

Speed: reading, cleaning, segmentation, tagging and meeting extraction run in worker
processes for a large import (``worker_count``); this process is the single writer, in
file order, with bulk ``INSERT`` statements built once and no ORM objects per document.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from multiprocessing.connection import Connection as PipeEnd
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Literal, NamedTuple

from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from briefer.domain.progress import CancelToken, Progress
from briefer.ingest.model import CleanDocument
from briefer.ingest.pipeline import prepare_document
from briefer.ingest.readers import ReadError, is_supported, supported_suffixes
from briefer.services.meetings import MEETING_CORRECTION, link_new_document
from briefer.services.tagging import TAG_CORRECTION_KINDS, apply_manual_corrections
from briefer.store.library import Library
from briefer.store.models import (
    AUTOMATIC,
    Country,
    Document,
    ManualCorrection,
    Passage,
    PassageCountry,
    PassageFootnote,
    PassageTheme,
    Theme,
)
from briefer.store.search import PassageTagIds
from briefer.tagging.model import Evidence, MeetingGuess
from briefer.tagging.pipeline import DocumentTags, Tagger, load_tagger

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

Status = Literal["imported", "duplicate", "failed"]
STORE_ATTEMPTS = 3  # a document that loses a race with another writer is tried again


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file."""

    path: Path
    status: Status
    document_id: int | None = None  # the new document, or the one it duplicates
    passages: int = 0
    title: str | None = None
    reason: str | None = None  # why it failed

    @property
    def message(self) -> str:
        if self.status == "imported":
            return f"imported as document {self.document_id} ({self.passages} passages)"
        if self.status == "duplicate":
            return f"duplicate of document {self.document_id}, nothing changed"
        return f"failed: {self.reason}"


@dataclass
class ImportReport:
    outcomes: list[ImportOutcome] = field(default_factory=list)
    cancelled: bool = False

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> bool:
        return any(o.status == "failed" for o in self.outcomes)


ImportEvent = Progress | ImportOutcome


def import_paths(
    library: Library,
    paths: Iterable[Path | str],
    *,
    cancel: CancelToken | None = None,
    tagger: Tagger | None = None,
    workers: int | None = None,
) -> Generator[ImportEvent, None, ImportReport]:
    """Import files and folders (recursively, supported suffixes only, sorted).

    Yields ``Progress`` before each file and its ``ImportOutcome`` once committed (a
    pooled import reports up to ``GROUP_DOCUMENTS`` at a time); returns the
    ``ImportReport``. Cancelling stops before the next file (files written stay, and are
    reported).

    Reading, cleaning, segmentation and tagging run in ``workers`` processes (default:
    one per core for a large import, see ``worker_count``) while this process stays the
    only writer, storing the documents in file order.
    """
    files = list(_expand(paths))
    report = ImportReport()
    known = _Reference.load(library)
    if tagger is None:
        # The library's own taxonomy: themes the analyst added or edited tag new imports too.
        with library.session() as session:
            tagger = load_tagger(session)
    total = len(files)
    readable = [path for path, problem in files if problem is None]
    count = worker_count(len(readable), workers)
    with (
        _Preparer(readable, tagger, count) as preparer,
        _CommitGroup(library, known, GROUP_DOCUMENTS if count > 1 else 1) as group,
    ):
        for done, (path, problem) in enumerate(files):
            if cancel is not None and cancel.cancelled:
                report.cancelled = True
                break
            yield Progress(done, total, str(path))
            if problem is not None:
                group.add(ImportOutcome(path, "failed", reason=problem))
            else:
                if group.open and not preparer.ready(path, group.patience()):
                    yield from _report(report, group.commit())  # not held open while waiting
                prepared = preparer.next(path)
                if isinstance(prepared, ImportOutcome):
                    group.add(prepared)
                else:
                    group.store(path, prepared)
            if group.full:
                yield from _report(report, group.commit())
        yield from _report(report, group.commit())
        if not report.cancelled:
            yield Progress(total, total, "done")
    return report


def _report(report: ImportReport, outcomes: list[ImportOutcome]) -> Iterator[ImportOutcome]:
    for outcome in outcomes:
        report.outcomes.append(outcome)
        yield outcome


def import_all(library: Library, paths: Iterable[Path | str]) -> ImportReport:
    """Run ``import_paths`` to the end (for scripts and tests)."""
    events = import_paths(library, paths)
    while True:
        try:
            next(events)
        except StopIteration as stop:
            report: ImportReport = stop.value
            return report


@dataclass(frozen=True)
class PreparedFile:
    """A file read, cleaned, segmented and tagged: what the writer stores."""

    document: CleanDocument
    tags: DocumentTags
    rows: TagRows | None = None  # the tags as rows, when built ahead (by a worker)


def import_file(
    library: Library,
    path: Path,
    *,
    tagger: Tagger | None = None,
    reference: _Reference | None = None,
) -> ImportOutcome:
    """Read, clean, segment, tag and store one file; never raises for a bad file."""
    prepared = prepare_file(path, tagger)
    if isinstance(prepared, ImportOutcome):
        return prepared
    return store_prepared(library, path, prepared, reference or _Reference.load(library))


def prepare_file(path: Path, tagger: Tagger | None = None) -> PreparedFile | ImportOutcome:
    """Everything before the database (a worker process runs this); a failed outcome for
    a file that cannot be read or tagged."""
    try:
        document = prepare_document(path)
    except ReadError as exc:
        return ImportOutcome(path, "failed", reason=str(exc))
    except MemoryError:
        return ImportOutcome(path, "failed", reason="too large to read into memory")
    except RecursionError:
        return ImportOutcome(path, "failed", reason="too deeply nested to read")
    tagger = tagger or load_tagger()
    try:
        tags = tagger.tag_document(document)
    except Exception as exc:  # a tagger bug must not stop the import of other files
        return ImportOutcome(path, "failed", reason=f"tagging failed ({type(exc).__name__}: {exc})")
    return PreparedFile(document, tags)


def store_prepared(
    library: Library, path: Path, prepared: PreparedFile, reference: _Reference
) -> ImportOutcome:
    """Store one prepared file in its own transaction; never raises for a bad file."""
    document = prepared.document
    for attempt in range(1, STORE_ATTEMPTS + 1):
        try:
            with library.session() as session:
                outcome = _store_in(session, library, path, prepared, reference)
            return outcome
        except (IntegrityError, OperationalError) as exc:
            # Another writer got there first: the same content (a duplicate), a shared row
            # such as a meeting (retry sees it), or a lock or deadlock (retry after it).
            existing = _find_duplicate_safely(library, document.sha256)
            if existing is not None:
                return ImportOutcome(path, "duplicate", document_id=existing, title=document.title)
            if attempt == STORE_ATTEMPTS:
                reason = str(getattr(exc, "orig", exc)).splitlines()[0]
                return ImportOutcome(
                    path, "failed", reason=f"cannot write to the library ({reason})"
                )
            time.sleep(0.05 * attempt)
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", exc)).splitlines()[0]
            return ImportOutcome(path, "failed", reason=f"cannot write to the library ({reason})")
        except Exception as exc:  # rolled back: nothing of this document is stored
            return ImportOutcome(
                path, "failed", reason=f"not stored ({type(exc).__name__}: {exc}); nothing was kept"
            )
    raise AssertionError("the last attempt returns")  # pragma: no cover


# ---------------------------------------------------------------------------------------
# Committing several documents together

GROUP_DOCUMENTS = 8  # documents a pooled import commits together
GROUP_SECONDS = 0.05  # longest a group's transaction stays open waiting for the next file


@dataclass(frozen=True)
class _Stored:
    """A document written in the group's open transaction: its outcome once committed."""

    path: Path
    prepared: PreparedFile
    outcome: ImportOutcome


class _CommitGroup:
    """Documents written in one transaction, each whole, reported once it commits.

    A commit costs a third of the writer's time per document on SQLite: the full-text
    index writes a new segment at every commit (and at every savepoint, so savepoints do
    not help), and every page a document touched in the by-key tag indexes goes to the
    WAL again. Committed eight at a time the pooled import's writer does ~0.6 ms less per
    document. Nothing of a document is ever committed without the rest of it; a kill or
    an error loses the group's documents whole, and none of them has been reported as
    imported yet. A document that fails in the group rolls the transaction back and the
    group is stored again one document per transaction, exactly as a single import
    would, so one bad file still costs only itself. The transaction is never held open
    while the next file is still being prepared for longer than ``GROUP_SECONDS``
    (another writer, such as the window, waits for it).
    """

    def __init__(self, library: Library, reference: _Reference, capacity: int) -> None:
        self.library = library
        self.reference = reference
        self.capacity = capacity
        self.entries: list[ImportOutcome | _Stored] = []
        self._session: Session | None = None
        self._opened = 0.0

    def __enter__(self) -> _CommitGroup:
        return self

    def __exit__(self, *exc: object) -> None:
        # Left without ``commit`` (an error, a closed generator): nothing of it stays.
        self._end(commit=False)
        self.entries.clear()

    @property
    def open(self) -> bool:
        return self._session is not None

    @property
    def full(self) -> bool:
        return len(self.entries) >= self.capacity

    def patience(self) -> float:
        """Seconds the open transaction may still wait for the next prepared file."""
        return max(0.0, GROUP_SECONDS - (time.monotonic() - self._opened))

    def add(self, outcome: ImportOutcome) -> None:
        """A file decided without writing (failed, or prepared as a failure)."""
        self.entries.append(outcome)

    def store(self, path: Path, prepared: PreparedFile) -> None:
        """Write ``prepared`` in the group's transaction (its own, for a group of one)."""
        if self.capacity == 1:
            self.entries.append(store_prepared(self.library, path, prepared, self.reference))
            return
        try:
            if self._session is None:
                self._session = self.library.sessions()
                self._session.begin()
                self._opened = time.monotonic()
            outcome = _store_in(self._session, self.library, path, prepared, self.reference)
        except Exception:
            self._redo_alone((path, prepared))
            return
        self.entries.append(_Stored(path, prepared, outcome))

    def commit(self) -> list[ImportOutcome]:
        """Commit what the group holds; the outcomes of its files, in order."""
        try:
            self._end(commit=True)
        except Exception:
            self._redo_alone(None)
        outcomes = [e.outcome if isinstance(e, _Stored) else e for e in self.entries]
        self.entries.clear()
        return outcomes

    def _end(self, *, commit: bool) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        try:
            if commit:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()

    def _redo_alone(self, failing: tuple[Path, PreparedFile] | None) -> None:
        """Roll the group back, then store each of its documents and ``failing`` in a
        transaction of its own, as an import of one file at a time does."""
        self._end(commit=False)
        pending = [(e.path, e.prepared) if isinstance(e, _Stored) else e for e in self.entries]
        if failing is not None:
            pending.append(failing)
        self.entries = [
            entry
            if isinstance(entry, ImportOutcome)
            else store_prepared(self.library, entry[0], entry[1], self.reference)
            for entry in pending
        ]


def _store_in(
    session: Session, library: Library, path: Path, prepared: PreparedFile, reference: _Reference
) -> ImportOutcome:
    """``store_prepared``'s work inside a transaction the caller owns; raises on failure."""
    document = prepared.document
    existing = _find_duplicate(session, document.sha256)
    if existing is not None:
        return ImportOutcome(path, "duplicate", document_id=existing, title=document.title)
    document_id = store_document(
        session, library, document, prepared.tags, reference, prepared.rows
    )
    return ImportOutcome(
        path,
        "imported",
        document_id=document_id,
        passages=len(document.passages),
        title=document.title,
    )


# ---------------------------------------------------------------------------------------
# Preparing files in worker processes

WORKERS_ENV = "BRIEFER_IMPORT_WORKERS"  # "1" keeps everything in this process
POOL_MIN_FILES = 48  # below this, starting the workers costs more than it saves
WORKER_NICENESS = 5  # added to a worker's nice value: the single writer goes first


def worker_count(files: int, workers: int | None = None) -> int:
    """How many preparing processes an import of ``files`` files uses (1: none).

    ``workers`` (or ``BRIEFER_IMPORT_WORKERS``) is taken as given; by default a large
    import uses one per core, a small one none (starting a worker loads the tagger).
    """
    if workers is None and os.environ.get(WORKERS_ENV, "").strip().isdigit():
        workers = int(os.environ[WORKERS_ENV])
    if workers is None:
        workers = (os.cpu_count() or 1) if files >= POOL_MIN_FILES else 1
    return max(1, min(workers, files))


def _process_context() -> multiprocessing.context.BaseContext:
    """ "fork" when this process runs no other thread (the command line: workers start at
    once with the tagger already loaded); otherwise "spawn", a fresh interpreter, safe
    whatever threads (Qt, the window's import job) are running."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


_worker_tagger: Tagger | None = None


def _start_worker(tagger: Tagger | None) -> None:
    """Lower this worker's priority, load the tagger, then move everything alive out of
    the cyclic GC's sight.

    The writer is the import's one serial stage and the workers keep it fed from a few
    files ahead: with the same priority, two workers and the writer share two cores by
    turns, and every time the writer is preempted the import waits (≈ 175 documents per
    second on two cores; ≈ 200 with the workers a little lower). The window's thread
    and other programs keep their share too.

    A forked worker inherits the importing process's whole heap, and the tagger adds
    its own: each full collection walked all of it (and wrote to the pages it walked,
    copying them), about a twentieth of a worker's CPU. Those objects live as long as the
    worker; ``gc.freeze`` leaves the collector only what a document creates.
    """
    global _worker_tagger
    _lower_priority()
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _worker_tagger = tagger if tagger is not None else load_tagger()
    gc.freeze()


def _lower_priority() -> None:
    """``WORKER_NICENESS`` more (POSIX; elsewhere the worker keeps its priority)."""
    if hasattr(os, "nice"):
        # a platform or sandbox that refuses it: the worker runs as it is
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)


def _exit_with_parent(parent: int) -> None:
    """End this worker when the importing process is gone (killed: nothing else would
    tell a worker waiting for room in its pipe, and it would wait forever)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _prepare_in_worker(path: Path) -> PreparedFile | ImportOutcome:
    """``prepare_file`` with the tags turned into rows here: fewer objects to send back,
    and less work for the writer."""
    prepared = prepare_file(path, _worker_tagger)
    if isinstance(prepared, ImportOutcome):
        return prepared
    tags = DocumentTags(passages={}, meeting=prepared.tags.meeting)
    return PreparedFile(prepared.document, tags, tag_rows(prepared.tags))


class _Worker(NamedTuple):
    process: BaseProcess
    results: PipeEnd  # the read end of the pipe the worker sends its files over


class _Preparer:
    """Prepared files in the order asked for: from worker processes that run ahead of the
    writer, or in this process (one worker, or after a worker died).

    Each worker prepares a fixed share of the files (every ``workers``-th, in order) and
    sends each file back over its own pipe as soon as it is ready; the writer reads file
    ``i`` from worker ``i % workers``. Why not a ``ProcessPoolExecutor``: its feeder and
    result threads cost the writer about 0.13 ms of CPU per file plus the thread switches
    (measured on trivial tasks), a pipe read about 0.01 ms, and the writer is the stage
    every document waits for. A worker runs ahead until its pipe is full; the pipe is
    enlarged (``PIPE_BYTES``, Linux) so that the worker that got the quicker files keeps
    going while the writer waits for the other's: with the default 64 KiB a core stood
    idle for 8-10 % of an import, with 1 MiB for 3-5 %. What is prepared ahead is bounded
    by the pipes; cancelling ends the workers with it.
    """

    def __init__(self, paths: list[Path], tagger: Tagger | None, workers: int) -> None:
        self.tagger = tagger
        self.paths = paths
        self.position = 0  # index in ``paths`` of the next file asked for
        self.workers: list[_Worker] = []
        if workers > 1:
            self._start(workers)

    def __enter__(self) -> _Preparer:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def next(self, path: Path) -> PreparedFile | ImportOutcome:
        """The prepared ``path`` (the next file in order)."""
        worker = self._worker_for(path)
        self.position += 1
        if worker is not None:
            try:
                prepared: PreparedFile | ImportOutcome = pickle.loads(worker.results.recv_bytes())
                return prepared
            except (EOFError, OSError):
                # A worker died (killed, out of memory): this file and the rest are
                # prepared here, so one worker cannot stop the import.
                self._stop()
        if self.tagger is None:
            self.tagger = load_tagger()
        return _prepare_or_fail(path, self.tagger)

    def ready(self, path: Path, timeout: float) -> bool:
        """Whether ``path`` (the next file) is prepared within ``timeout`` seconds; never
        ahead of time in this process, where preparing is the wait itself. A dead
        worker's pipe is ready too (``next`` then prepares the file here)."""
        worker = self._worker_for(path)
        return worker is not None and worker.results.poll(timeout)

    def worker_ids(self) -> list[int]:
        """The workers' process ids (none when everything is prepared here)."""
        return [worker.process.pid for worker in self.workers if worker.process.pid]

    def _worker_for(self, path: Path) -> _Worker | None:
        """The worker preparing ``path``, the next file (None: it is prepared here)."""
        assert self.paths[self.position] == path, "files are prepared in the order stored"
        return self.workers[self.position % len(self.workers)] if self.workers else None

    def _start(self, count: int) -> None:
        context = _process_context()
        try:
            for k in range(count):
                results, sending = context.Pipe(duplex=False)
                _enlarge_pipe(sending)
                process = context.Process(
                    target=_serve,
                    # passed, not looked up in the worker: a spawned worker gets the same one
                    args=(sending, self.paths[k::count], self.tagger, _prepare_in_worker),
                    name=f"briefer-import-{k + 1}",
                    daemon=True,
                )
                self.workers.append(_Worker(process, results))
                try:
                    process.start()
                finally:
                    sending.close()  # the worker's end: EOF here once the worker is gone
        except (pickle.PicklingError, AttributeError, TypeError, OSError):
            # A tagger that cannot be sent to a fresh interpreter (one defined inside a
            # function, under "spawn"), or no process to be had: prepare here instead.
            self._stop()

    def _stop(self) -> None:
        for worker in self.workers:
            worker.results.close()
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in self.workers:
            if worker.process.pid is not None:
                worker.process.join()
        self.workers = []


PIPE_BYTES = 1 << 20  # a worker's pipe: about 50 prepared communiqués of 5 KB


def _enlarge_pipe(connection: PipeEnd) -> None:
    """``PIPE_BYTES`` of buffer where the platform allows it (Linux); as it is elsewhere."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if set_size is not None:
        with contextlib.suppress(OSError):  # above the system's limit: the default size
            fcntl.fcntl(connection.fileno(), set_size, PIPE_BYTES)


def _serve(
    results: PipeEnd,
    paths: list[Path],
    tagger: Tagger | None,
    prepare: Callable[[Path], PreparedFile | ImportOutcome],
) -> None:
    """A worker's life: prepare its share of the files in order, sending each when ready."""
    _start_worker(tagger)
    with results:
        for path in paths:
            try:
                data = pickle.dumps(prepare(path), pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # a bug for one file must not stop the others
                data = pickle.dumps(_not_prepared(path, exc))
            try:
                results.send_bytes(data)
            except OSError:  # the importer stopped reading (cancelled, or gone)
                return


def _prepare_or_fail(path: Path, tagger: Tagger) -> PreparedFile | ImportOutcome:
    """``prepare_file``, with any error a failed outcome for this file (as in a worker)."""
    try:
        return prepare_file(path, tagger)
    except Exception as exc:
        return _not_prepared(path, exc)


def _not_prepared(path: Path, exc: Exception) -> ImportOutcome:
    return ImportOutcome(path, "failed", reason=f"not read ({type(exc).__name__}: {exc})")


def store_document(
    session: Session,
    library: Library,
    document: CleanDocument,
    tags: DocumentTags,
    reference: _Reference,
    rows: TagRows | None = None,
) -> int:
    """Write one document and everything hanging off it in the caller's transaction."""
    values: dict[str, Any] = {
        "file_name": display_path(document.path.name),
        "source_path": display_path(document.path.resolve()),
        "format": document.format,
        "sha256": document.sha256,
        "title": document.title,
        "publisher": document.publisher,
        "url": document.url,
        "language": document.language,
        "published": document.published,
        "imported_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "text": document.text,
        "removed_lines": [{"line": r.line, "rule": r.rule} for r in document.removed],
        "meeting_id": None,
        "meeting_origin": AUTOMATIC,
    }
    # One Core INSERT and no ORM object: the meeting is linked with Core statements too.
    connection = session.connection()
    document_id: int = connection.scalar(_STATEMENTS.insert_document, values)
    passage_rows = [
        {
            "document_id": document_id,
            "position": p.position,
            "paragraph": p.paragraph,
            "kind": p.kind,
            "text": p.text,
            "start": p.start,
            "end": p.end,
        }
        for p in document.passages
    ]
    ids: dict[int, int] = {}
    if passage_rows:
        # Core executemany, then one SELECT for the ids: INSERT … RETURNING with a
        # guaranteed row order runs row by row on SQLite (one statement per passage).
        connection.execute(_STATEMENTS.insert_passage, passage_rows)
        ids = dict(connection.execute(_STATEMENTS.passage_ids, {"document": document_id}).all())
    _store_footnotes(session, document, ids)
    # Decisions an analyst made on this content before it was deleted come back (tags
    # below, the meeting in ``attach_meeting``); almost always there are none.
    kinds = _correction_kinds(connection, document.sha256)
    # The passages are not in the search index yet (``index`` below reads their tags), so
    # the index's per-tag-row triggers would only look for rows that are not there.
    with library.search.tag_sync_suspended(connection):
        stored = _store_tags(session, rows if rows is not None else tag_rows(tags), ids, reference)
        corrected = 0
        if kinds.intersection(TAG_CORRECTION_KINDS):
            corrected = apply_manual_corrections(session, document_id, sha256=document.sha256)
    new = NewDocument(
        document_id, document.sha256, values["file_name"], MEETING_CORRECTION in kinds
    )
    attach_meeting(session, new, tags.meeting)
    library.search.index(
        session.connection(),
        ((ids[p.position], p.text) for p in document.passages),
        None if corrected else stored,  # corrected: the index reads the links back
    )
    return document_id


@dataclass(frozen=True)
class NewDocument:
    """The document row just inserted (what meeting linking needs, without an ORM object)."""

    id: int
    sha256: str
    file_name: str
    meeting_corrected: bool | None = None  # None: not looked up yet


def attach_meeting(session: Session, document: NewDocument, guess: MeetingGuess | None) -> None:
    """Link the new document to its meeting (``briefer.services.meetings`` rules)."""
    link_new_document(
        session, document.id, document.sha256, guess, corrected=document.meeting_corrected
    )


def _correction_kinds(connection: Connection, sha256: str) -> frozenset[str]:
    """The kinds of manual correction recorded for this content, in one query.

    Tag and meeting corrections were looked up apart, the tags through the ORM: two
    queries per document that find nothing in all but a re-import of a corrected one.
    """
    return frozenset(connection.scalars(_STATEMENTS.correction_kinds, {"sha256": sha256}))


def display_path(path: Path | str) -> str:
    """A path as text that can always be stored and printed.

    File names that are not valid UTF-8 (possible on Linux) come from the OS with
    surrogate escapes, which SQLite and terminals refuse; they are shown with U+FFFD.
    """
    return os.fsencode(path).decode("utf-8", "replace")


def _store_footnotes(session: Session, document: CleanDocument, ids: dict[int, int]) -> None:
    notes = {
        p.footnote_marker: p.position
        for p in reversed(document.passages)
        if p.kind == "footnote" and p.footnote_marker
    }
    links = [
        {"passage_id": ids[p.position], "footnote_id": ids[notes[m]], "marker": m}
        for p in document.passages
        for m in dict.fromkeys(p.footnote_markers)
        if m in notes and notes[m] != p.position
    ]
    if links:
        session.connection().execute(_STATEMENTS.insert_footnote, links)


@dataclass(frozen=True)
class TagRows:
    """A document's tags as the rows the writer inserts (one per passage and tag, matches
    of the same tag merged), evidence already JSON text. Built where the tagging ran, so
    the single writer only filters and inserts."""

    countries: list[tuple[int, str, float, str]]  # position, code, confidence, evidence
    themes: list[tuple[int, str, float, str]]  # position, theme id, score, evidence


def tag_rows(tags: DocumentTags) -> TagRows:
    countries: dict[tuple[int, str], list[Any]] = {}
    themes: dict[tuple[int, str], list[Any]] = {}
    for position, passage_tags in tags.passages.items():
        for match in passage_tags.countries:
            row = countries.setdefault((position, match.code), [match.confidence, []])
            row[0] = max(row[0] or 0.0, match.confidence)
            row[1].extend(match.evidence)
        for theme in passage_tags.themes:
            row = themes.setdefault((position, theme.theme_id), [theme.score, []])
            row[0] = max(row[0] or 0.0, theme.score)
            row[1].extend(theme.evidence)
    return TagRows(
        [(p, code, c, evidence_json(e)) for (p, code), (c, e) in countries.items()],
        [(p, theme, s, evidence_json(e)) for (p, theme), (s, e) in themes.items()],
    )


def evidence_json(evidence: Iterable[Evidence]) -> str:
    """``json.dumps([e.as_dict() for e in evidence])``, character for character.

    Written out with the json module's own string escaping: one ``json.dumps`` per tag
    row (dozens per document) built an encoder each time and cost more than the rest of
    turning a document's tags into rows.
    """
    quote = encode_basestring_ascii
    return (
        "["
        + ", ".join(
            f'{{"text": {quote(e.text)}, "start": {e.start:d}, "end": {e.end:d}, '
            f'"rule": {quote(e.rule)}}}'
            for e in evidence
        )
        + "]"
    )


def _store_tags(
    session: Session, rows: TagRows, ids: dict[int, int], reference: _Reference
) -> Mapping[int, PassageTagIds]:
    """Insert the tag rows the library can hold; return each passage's (themes, countries)."""
    countries = [
        (ids[p], code, AUTOMATIC, False, confidence, evidence)
        for p, code, confidence, evidence in rows.countries
        if code in reference.countries and p in ids
    ]
    themes = [
        (ids[p], theme, AUTOMATIC, False, score, evidence)
        for p, theme, score, evidence in rows.themes
        if theme in reference.themes and p in ids
    ]
    stored: dict[int, tuple[list[str], list[str]]] = {pid: ([], []) for pid in ids.values()}
    for row in themes:
        stored[row[0]][0].append(row[1])
    for row in countries:
        stored[row[0]][1].append(row[1])
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # The driver's executemany with the JSON text as it is: SQLAlchemy's per-row
        # parameter processing and JSON encoding cost more than SQLite's insert.
        if countries:
            connection.exec_driver_sql(_INSERT_COUNTRY_SQL, countries)
        if themes:
            connection.exec_driver_sql(_INSERT_THEME_SQL, themes)
        return stored
    for statement, key, value, tag_rows_ in (
        (_STATEMENTS.insert_country, "country_code", "confidence", countries),
        (_STATEMENTS.insert_theme, "theme_id", "score", themes),
    ):
        if tag_rows_:
            connection.execute(
                statement,
                [
                    {
                        "passage_id": r[0],
                        key: r[1],
                        "origin": r[2],
                        "excluded": r[3],
                        value: r[4],
                        "evidence": json.loads(r[5]),
                    }
                    for r in tag_rows_
                ],
            )
    return stored


_INSERT_COUNTRY_SQL = (
    "INSERT INTO passage_country (passage_id, country_code, origin, excluded, confidence, "
    "evidence) VALUES (?, ?, ?, ?, ?, ?)"
)
_INSERT_THEME_SQL = (
    "INSERT INTO passage_theme (passage_id, theme_id, origin, excluded, score, evidence) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def _find_duplicate_safely(library: Library, sha256: str) -> int | None:
    try:
        with library.session() as session:
            return _find_duplicate(session, sha256)
    except SQLAlchemyError:
        return None


def _find_duplicate(session: Session, sha256: str) -> int | None:
    return session.connection().scalar(_STATEMENTS.duplicate, {"sha256": sha256})


class _Statements:
    """The import's statements, built once: building and cache-keying a SQLAlchemy
    expression per document cost more than running it."""

    def __init__(self) -> None:
        document, passage = Document.__table__, Passage.__table__
        self.duplicate = select(document.c.id).where(document.c.sha256 == bindparam("sha256"))
        self.insert_document = insert(document).returning(document.c.id)
        self.insert_passage = insert(passage)
        self.passage_ids = select(passage.c.position, passage.c.id).where(
            passage.c.document_id == bindparam("document")
        )
        self.insert_footnote = insert(PassageFootnote.__table__)
        correction = ManualCorrection.__table__
        self.correction_kinds = (
            select(correction.c.kind)
            .distinct()
            .where(correction.c.document_sha256 == bindparam("sha256"))
        )
        self.insert_country = insert(PassageCountry.__table__)
        self.insert_theme = insert(PassageTheme.__table__)


_STATEMENTS = _Statements()


@dataclass(frozen=True)
class _Reference:
    """Country codes and theme ids the library knows (tags naming others are skipped)."""

    countries: frozenset[str]
    themes: frozenset[str]

    @classmethod
    def load(cls, library: Library) -> _Reference:
        with library.session() as session:
            return cls(
                frozenset(session.scalars(select(Country.code))),
                frozenset(session.scalars(select(Theme.id))),
            )


def _expand(paths: Iterable[Path | str]) -> Iterator[tuple[Path, str | None]]:
    """Files to import, each with a problem found before reading (or None)."""
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in _walk(path):
                if file not in seen:
                    seen.add(file)
                    yield file, None
        elif path.exists() or path.is_symlink():
            if path in seen:
                continue
            seen.add(path)
            if is_supported(path):
                yield path, None
            else:
                yield (
                    path,
                    (
                        f"unsupported format {path.suffix or '(no suffix)'} "
                        f"(supported: {', '.join(supported_suffixes())})"
                    ),
                )
        else:
            yield path, "no such file or folder"


def _walk(folder: Path) -> list[Path]:
    """Supported files under ``folder``, sorted; hidden and Office lock files skipped."""
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.startswith((".", "~$")):
                continue
            file = Path(root) / name
            if is_supported(file):
                found.append(file)
    return sorted(found)
