"""Re-tagging the whole library after a taxonomy or gazetteer change, in the background.

Passages are read in batches by id; each batch's automatic links are swapped for fresh
ones in one short transaction, so searches keep running (SQLite WAL: readers are never
blocked by the writer) and a cancel, checked between batches, keeps the batches done.
Manual tags and manual removals are never touched: the delete spares them and the
insert skips any passage and key that already has a row. The search index's copy of the
tags is refreshed once per batch (its per-row triggers are suspended for the batch).

Tagging is the slow part, so large libraries are tagged by worker processes (one per
core) while this process reads and writes; each worker builds its own tagger from the
library's taxonomy (plain data, pickled), so nothing unpicklable crosses processes and
no process is forked from a threaded parent (the ``forkserver``/``spawn`` methods).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from briefer.domain.progress import CancelToken, Progress
from briefer.store.library import Library
from briefer.store.models import AUTOMATIC, Country, Passage, PassageCountry, PassageTheme, Theme
from briefer.store.search import SearchBackend
from briefer.tagging.pipeline import Tagger, load_tagger
from briefer.tagging.taxonomy import (
    INFO_HASH,
    INFO_TAGGED_HASH,
    Taxonomy,
    info,
    set_info,
    sync_themes,
    taxonomy_from_library,
)

DEFAULT_BATCH = 2000
# Below this many passages, starting worker processes costs more than it saves.
PARALLEL_FROM = 20_000

# One link row: passage id, theme id or country code, score or confidence, evidence JSON.
LinkRow = tuple[int, str, float | None, str]


@dataclass
class RetagReport:
    passages: int = 0
    theme_links: int = 0
    country_links: int = 0
    countries_refreshed: bool = False  # False when no country tagger is available
    cancelled: bool = False
    seconds: float = 0.0
    workers: int = 0  # worker processes used (0: tagged in this process)
    changed: int = 0  # passages whose automatic links changed (the others were not rewritten)
    tagging_cpu_seconds: float = 0.0  # CPU time spent tagging, in whichever process did it


def retag(
    library: Library,
    cancel: CancelToken | None = None,
    *,
    batch_size: int = DEFAULT_BATCH,
    tagger: Tagger | None = None,
    workers: int | None = None,
) -> Generator[Progress, None, RetagReport]:
    """Re-tag every passage with the library's current taxonomy and gazetteer.

    Yields ``Progress`` after each batch and returns a ``RetagReport``. ``workers``: how
    many tagging processes (default: one per core for large libraries, none for small
    ones or when a ``tagger`` is given, which is used in this process).
    """
    started = time.perf_counter()
    report = RetagReport()
    with library.session() as session:
        sync_themes(session)
        taxonomy = taxonomy_from_library(session)
        total = session.scalar(select(func.count(Passage.id))) or 0
        taxonomy_hash = info(session, INFO_HASH)
        known = Known(
            frozenset(session.scalars(select(Theme.id))),
            frozenset(session.scalars(select(Country.code))),
        )
    if workers is None:
        workers = (os.cpu_count() or 1) if tagger is None and total >= PARALLEL_FROM else 0
    local = tagger or load_tagger(taxonomy=taxonomy)
    report.countries_refreshed = local.countries is not None
    report.workers = workers
    yield Progress(0, total, "re-tagging")
    batches = _read_batches(library, batch_size)
    tagged = (
        _tag_in_workers(batches, taxonomy, known, workers, cancel)
        if workers > 0
        else (_tag_rows(local, rows, known) for rows in _until_cancelled(batches, cancel))
    )
    try:
        for batch in tagged:
            with library.session() as session:
                report.changed += _write_batch(
                    session, library.search, batch, report.countries_refreshed
                )
            report.passages += batch.count
            report.tagging_cpu_seconds += batch.cpu_seconds
            report.theme_links += len(batch.themes)
            report.country_links += len(batch.countries)
            yield Progress(report.passages, total, f"re-tagged {report.passages} of {total}")
    finally:
        close = getattr(tagged, "close", None)
        if close is not None:
            close()
    report.cancelled = cancel is not None and cancel.cancelled and report.passages < total
    if report.changed and not report.cancelled:  # a cancelled re-tag stops at once
        yield Progress(report.passages, total, "tidying the search index")
        with library.session() as session:
            library.search.merge_after_bulk_change(session.connection(), report.changed)
    if not report.cancelled and taxonomy_hash:
        with library.session() as session:
            set_info(session, INFO_TAGGED_HASH, taxonomy_hash)
    report.seconds = time.perf_counter() - started
    return report


def run_retag(library: Library, cancel: CancelToken | None = None, **options: Any) -> RetagReport:
    """Run ``retag`` to the end (for scripts and tests)."""
    job = retag(library, cancel, **options)
    while True:
        try:
            next(job)
        except StopIteration as stop:
            result: RetagReport = stop.value
            return result


def retag_needed(session: Session) -> bool:
    """Whether the taxonomy changed since passages were last tagged."""
    current, tagged = info(session, INFO_HASH), info(session, INFO_TAGGED_HASH)
    if current is None or current == tagged:
        return False
    return bool(session.scalar(select(func.count(Passage.id))))


# ---------------------------------------------------------------- reading and tagging


@dataclass(frozen=True)
class Known:
    """Theme ids and country codes the library has rows for (links to others are skipped)."""

    themes: frozenset[str]
    countries: frozenset[str]


@dataclass
class TaggedBatch:
    first: int
    last: int
    count: int
    themes: list[LinkRow]
    countries: list[LinkRow]
    cpu_seconds: float = 0.0  # CPU time tagging this batch took


def _read_batches(library: Library, batch_size: int) -> Iterator[list[tuple[int, str]]]:
    """Passages in id order, ``batch_size`` at a time, each read in its own short query."""
    last_id = 0
    while True:
        with library.session() as session:
            rows = session.execute(
                select(Passage.id, Passage.text)
                .where(Passage.id > last_id)
                .order_by(Passage.id)
                .limit(batch_size)
            ).all()
        if not rows:
            return
        last_id = rows[-1][0]
        yield [(row[0], row[1]) for row in rows]


def _until_cancelled(
    batches: Iterable[list[tuple[int, str]]], cancel: CancelToken | None
) -> Iterator[list[tuple[int, str]]]:
    for batch in batches:
        if cancel is not None and cancel.cancelled:
            return
        yield batch


def _tag_rows(tagger: Tagger, rows: Sequence[tuple[int, str]], known: Known) -> TaggedBatch:
    started = time.process_time()
    themes: list[LinkRow] = []
    countries: list[LinkRow] = []
    dumps = json.dumps
    for passage_id, text in rows:
        tags = tagger.tag_passage(text)
        for theme in tags.themes:
            if theme.theme_id in known.themes:
                evidence = dumps([e.as_dict() for e in theme.evidence])
                themes.append((passage_id, theme.theme_id, theme.score, evidence))
        merged: dict[str, tuple[float, list[dict[str, Any]]]] = {}
        for match in tags.countries:
            if match.code in known.countries:
                confidence, evidence_list = merged.get(match.code, (0.0, []))
                evidence_list.extend(e.as_dict() for e in match.evidence)
                merged[match.code] = (max(confidence, match.confidence), evidence_list)
        for code, (confidence, evidence_list) in merged.items():
            countries.append((passage_id, code, confidence, dumps(evidence_list)))
    cpu = time.process_time() - started
    return TaggedBatch(rows[0][0], rows[-1][0], len(rows), themes, countries, cpu)


# ---------------------------------------------------------------- worker processes

_worker: tuple[Tagger, Known] | None = None


def _start_worker(taxonomy: Taxonomy, known: Known) -> None:
    global _worker
    _worker = (load_tagger(taxonomy=taxonomy), known)


def _work(rows: list[tuple[int, str]]) -> TaggedBatch:
    assert _worker is not None, "worker not started"
    tagger, known = _worker
    return _tag_rows(tagger, rows, known)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _tag_in_workers(
    batches: Iterator[list[tuple[int, str]]],
    taxonomy: Taxonomy,
    known: Known,
    workers: int,
    cancel: CancelToken | None,
) -> Generator[TaggedBatch, None, None]:
    """Tagged batches in order; a few batches are in flight so workers never wait."""
    pool = _context().Pool(workers, initializer=_start_worker, initargs=(taxonomy, known))
    pending: deque[Any] = deque()
    try:
        for rows in _until_cancelled(batches, cancel):
            pending.append(pool.apply_async(_work, (rows,)))
            if len(pending) > 2 * workers:
                yield pending.popleft().get()
        while pending and not (cancel is not None and cancel.cancelled):
            yield pending.popleft().get()
    finally:
        pool.terminate()
        pool.join()


# ---------------------------------------------------------------- writing


def _write_batch(
    session: Session, search: SearchBackend, batch: TaggedBatch, with_countries: bool
) -> int:
    """Write the batch's links where they changed; returns how many passages changed.

    Links of unchanged passages are left alone, so re-tagging after a small taxonomy edit
    rewrites (and re-indexes for search) only the passages the edit affects. The search
    index's per-row triggers are suspended and the changed passages refreshed once.
    """
    connection = session.connection()
    plans = []
    touched: set[int] = set()
    reindex: set[int] = set()
    models: list[tuple[type[PassageTheme] | type[PassageCountry], list[LinkRow]]] = [
        (PassageTheme, batch.themes)
    ]
    if with_countries:
        models.append((PassageCountry, batch.countries))
    for model, rows in models:
        old, held = _current_links(session, model, batch.first, batch.last)
        if held:  # a manual tag or removal wins over the automatic link: leave it out
            rows = [row for row in rows if (row[0], row[1]) not in held]
        new = _by_passage(rows, parse=connection.dialect.name != "sqlite")
        changed = {pid for pid in old.keys() | new.keys() if old.get(pid) != new.get(pid)}
        if not changed:
            continue
        touched |= changed
        reindex |= {pid for pid in changed if old.get(pid, {}).keys() != new.get(pid, {}).keys()}
        plans.append((model, sorted(changed), [row for row in rows if row[0] in changed]))
    if not plans:
        return 0
    with search.tag_sync_suspended(connection):
        for model, passage_ids, rows in plans:
            _replace(session, model, passage_ids, rows)
        for first, last in _runs(sorted(reindex)):
            search.refresh_tags(connection, first, last)
    return len(touched)


def _current_links(
    session: Session, model: type[PassageTheme] | type[PassageCountry], first: int, last: int
) -> tuple[dict[int, dict[str, tuple[float | None, Any]]], set[tuple[int, str]]]:
    """The links of passages first..last: the automatic ones (passage -> key -> (score,
    evidence)), and the (passage, key) pairs held by a manual tag or removal.

    Evidence is the stored JSON text on SQLite (compared as text, cheaply) and the
    decoded value elsewhere.
    """
    table = model.__table__
    key, value = _columns(model)
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(
            f"SELECT passage_id, {key}, {value}, evidence, origin, excluded FROM {table.name} "
            "WHERE passage_id BETWEEN ? AND ?",
            (first, last),
        ).all()
    else:
        rows = session.execute(
            select(
                table.c.passage_id,
                table.c[key],
                table.c[value],
                table.c.evidence,
                table.c.origin,
                table.c.excluded,
            ).where(table.c.passage_id.between(first, last))
        ).all()
    found: dict[int, dict[str, tuple[float | None, Any]]] = {}
    held: set[tuple[int, str]] = set()
    for passage_id, code, score, evidence, origin, excluded in rows:
        if origin == AUTOMATIC and not excluded:
            found.setdefault(passage_id, {})[code] = (score, evidence)
        else:
            held.add((passage_id, code))
    return found, held


def _by_passage(
    rows: list[LinkRow], *, parse: bool
) -> dict[int, dict[str, tuple[float | None, Any]]]:
    found: dict[int, dict[str, tuple[float | None, Any]]] = {}
    for passage_id, code, score, evidence in rows:
        found.setdefault(passage_id, {})[code] = (
            score,
            json.loads(evidence) if parse else evidence,
        )
    return found


def _runs(ids: list[int]) -> Iterator[tuple[int, int]]:
    """Consecutive stretches of sorted ids, as (first, last) pairs."""
    if not ids:
        return
    first = previous = ids[0]
    for current in ids[1:]:
        if current != previous + 1:
            yield first, previous
            first = current
        previous = current
    yield first, previous


def _columns(model: type[PassageTheme] | type[PassageCountry]) -> tuple[str, str]:
    if model is PassageTheme:
        return "theme_id", "score"
    return "country_code", "confidence"


def _replace(
    session: Session,
    model: type[PassageTheme] | type[PassageCountry],
    passage_ids: list[int],
    rows: list[LinkRow],
) -> None:
    """Swap the automatic links of these passages for ``rows``; manual ones stay."""
    table = model.__table__
    key, value = _columns(model)
    for start in range(0, len(passage_ids), 500):
        chunk = passage_ids[start : start + 500]
        session.execute(
            delete(table).where(
                and_(
                    table.c.passage_id.in_(chunk),
                    table.c.origin == AUTOMATIC,
                    table.c.excluded.is_(False),
                )
            )
        )
    if not rows:
        return
    if session.get_bind().dialect.name == "sqlite":
        # The driver directly: SQLAlchemy's per-row processing would double the write time.
        session.connection().exec_driver_sql(
            f"INSERT OR IGNORE INTO {table.name} "
            f"(passage_id, {key}, origin, excluded, {value}, evidence) "
            f"VALUES (?, ?, '{AUTOMATIC}', 0, ?, ?)",
            rows,
        )
        return
    from sqlalchemy.dialects.postgresql import insert

    # A manual row (tag or removal) for the same passage and key wins: skip the automatic one.
    session.execute(
        insert(table).on_conflict_do_nothing(),
        [
            {
                "passage_id": passage_id,
                key: code,
                "origin": AUTOMATIC,
                "excluded": False,
                value: score,
                "evidence": json.loads(evidence),
            }
            for passage_id, code, score, evidence in rows
        ],
    )
