"""The team library at scale: copy SQLite → PostgreSQL, search, and 8 analysts at once.

Targets (issue #6, "Speed"), at 1,000,000 passages on PostgreSQL:
- the search of the library issue (text + a theme and a country filter, the first 50
  hits and the total): p95 at most 150 ms;
- 8 concurrent clients mixing searches and briefing edits: throughput and p95 reported;
- ``briefer copy`` of the SQLite library to PostgreSQL: at most 10 minutes.

The SQLite library is the synthetic one of ``benchmarks/synthetic.py`` (generated, or
reused with ``--library``). PostgreSQL is the server at ``--url`` (an empty database), or
else a throw-away server started like the tests' (``tests/support/pg_server.py``: Debian's
binaries, loopback, ``fsync=off``: durability costs are NOT in these figures).

    python -m benchmarks.bench_postgres [--library PATH] [--passages N] [--url URL]
        [--repeats R] [--clients C] [--seconds S] [--copy-only] [--shared-buffers SIZE]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import synthetic
from benchmarks.bench_search import CASES
from briefer.domain.errors import Conflict
from briefer.domain.search import SearchRequest
from briefer.services import briefings
from briefer.services.copying import copy_library
from briefer.services.searching import search
from briefer.store.library import open_library

TARGET_SEARCH_MS = 150.0
TARGET_COPY_S = 600.0
EDIT_SHARE = 0.2  # one operation in five is a briefing edit


def _p95(samples: Sequence[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _summary(samples: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(_p95(samples), 1),
        "max_ms": round(max(samples), 1),
    }


def _requests() -> list[SearchRequest]:
    """The search benchmark's cases: (query, theme, country), maybe after a kind label."""
    return [
        SearchRequest(
            query=case[-3], themes=(case[-2],), countries=(case[-1],), limit=50, with_facets=False
        )
        for case in CASES
    ]


def _kinds() -> list[str]:
    return [str(case[0]) if len(case) > 3 else "typical" for case in CASES]


def measure_search(sqlite: str, postgres: str, repeats: int) -> dict[str, Any]:
    """Each case once to warm up and to check both backends agree, then timed."""
    lite, team = open_library(sqlite), open_library(postgres)
    cases: list[dict[str, Any]] = []
    samples: list[float] = []
    by_kind: dict[str, list[float]] = {}
    try:
        for request, kind in zip(_requests(), _kinds(), strict=True):
            expected = search(lite, request).total
            got = search(team, request).total
            if got != expected:
                raise AssertionError(f"{request.query!r}: {got} hits on PostgreSQL, {expected}")
            timed = []
            for _ in range(repeats):
                start = time.perf_counter()
                search(team, request)
                timed.append((time.perf_counter() - start) * 1000)
            samples += timed
            by_kind.setdefault(kind, []).extend(timed)
            cases.append(
                {
                    "kind": kind,
                    "query": request.query,
                    "theme": request.themes[0],
                    "country": request.countries[0],
                    "total": got,
                    "median_ms": round(statistics.median(timed), 1),
                }
            )
    finally:
        lite.close()
        team.close()
    summary = _summary(samples)
    return {
        **summary,
        "target_met": summary["p95_ms"] <= TARGET_SEARCH_MS,
        "by_kind": {kind: _summary(timed) for kind, timed in by_kind.items()},
        "cases": cases,
    }


def _client(args: tuple[str, int, float, int]) -> dict[str, Any]:
    """One analyst: searches, and edits to one shared briefing (conflicts retried)."""
    url, briefing_id, seconds, seed = args
    rng = random.Random(seed)
    library = open_library(url)
    requests = _requests()
    searches: list[float] = []
    edits: list[float] = []
    conflicts = 0
    try:
        with library.sessions() as session:
            section = briefings.briefing_data(session, briefing_id).sections[0].id
        assert section is not None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            start = time.perf_counter()
            if rng.random() < EDIT_SHARE:
                while True:  # an edit is only done when it is stored
                    with library.sessions() as session:
                        version = briefings.briefing_data(session, briefing_id).version
                    try:
                        briefings.add_text(
                            library, section, f"client {seed} note", expected_version=version
                        )
                        break
                    except Conflict:
                        conflicts += 1
                edits.append((time.perf_counter() - start) * 1000)
            else:
                search(library, rng.choice(requests))
                searches.append((time.perf_counter() - start) * 1000)
    finally:
        library.close()
    return {"searches": searches, "edits": edits, "conflicts": conflicts}


def measure_concurrency(url: str, clients: int, seconds: float) -> dict[str, Any]:
    library = open_library(url)
    try:
        change = briefings.create_briefing(library, "Benchmark pack")
        assert change.briefing_id is not None
        briefings.add_section(library, change.briefing_id, "Notes")
    finally:
        library.close()
    context = multiprocessing.get_context("spawn")
    jobs = [(url, change.briefing_id, seconds, n) for n in range(clients)]
    with context.Pool(clients) as pool:
        started = time.perf_counter()
        results = pool.map(_client, jobs)
        elapsed = time.perf_counter() - started
    searches = [s for r in results for s in r["searches"]]
    edits = [e for r in results for e in r["edits"]]
    stored = len(edits)
    library = open_library(url)
    try:
        with library.sessions() as session:
            data = briefings.briefing_data(session, change.briefing_id)
        notes = sum(len(s.items) for s in data.sections)
    finally:
        library.close()
    if notes != stored:
        raise AssertionError(f"{stored} edits reported stored, {notes} notes in the briefing")
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "operations_per_second": round((len(searches) + len(edits)) / elapsed, 1),
        "search": _summary(searches),
        "edit": _summary(edits) if edits else {},
        "conflicts_retried": sum(r["conflicts"] for r in results),
        "edits_stored": notes,
    }


def _partial(phase: str, figures: dict[str, Any]) -> None:
    """Each phase's figures on stderr as soon as they are known (a long run may be cut)."""
    print(json.dumps({phase: figures}), file=sys.stderr, flush=True)


def run(
    library: Path | None,
    passages: int,
    url: str | None,
    repeats: int,
    clients: int,
    seconds: float,
    copy_only: bool = False,
    shared_buffers: str | None = None,
) -> dict[str, Any]:
    results: dict[str, Any] = {"load_average_1min_start": round(os.getloadavg()[0], 2)}
    results["shared_buffers"] = shared_buffers or "server default (128MB)"
    with tempfile.TemporaryDirectory(prefix="briefer-pgbench-") as tmp:
        if library is None or not library.exists():
            library = library or Path(tmp) / "library.sqlite"
            results["generation"] = synthetic.generate(library, passages, quiet=True)
        server = None
        if url is None:
            from tests.support.pg_server import start_server

            server = start_server({"shared_buffers": shared_buffers} if shared_buffers else None)
            url = server.create_database("bench")
        try:
            start = time.perf_counter()
            report = copy_library(str(library), url)
            copy_s = time.perf_counter() - start
            if not report.ok:
                raise AssertionError(report.mismatches)
            results["passages"] = report.source_counts["passage"]
            results["copy"] = {
                "seconds": round(copy_s, 1),
                "target_met": copy_s <= TARGET_COPY_S,
                "rows": report.source_counts,
            }
            _partial("copy", results["copy"])
            if not copy_only:
                results["search"] = measure_search(str(library), url, repeats)
                _partial("search", results["search"])
                results["concurrency"] = measure_concurrency(url, clients, seconds)
        finally:
            if server is not None:
                server.stop()
    results["load_average_1min_end"] = round(os.getloadavg()[0], 2)
    return results


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description="PostgreSQL benchmark (see module docstring).")
    parser.add_argument("--library", type=Path, help="use (or create) this synthetic library")
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a throw-away one)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--copy-only", action="store_true", help="time the copy alone")
    parser.add_argument(
        "--shared-buffers", help="the throw-away server's shared_buffers (default: 128MB)"
    )
    args = parser.parse_args(argv)
    results = run(
        args.library,
        args.passages,
        args.url,
        args.repeats,
        args.clients,
        args.seconds,
        args.copy_only,
        args.shared_buffers,
    )
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
