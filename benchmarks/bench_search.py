"""Search at scale: our search service against hand-written sqlite3 FTS5 SQL on the same data.

Targets (issue #2, "Speed"), at 1,000,000 passages:
- a full-text query with two facet filters (a theme and a country or country group), the
  first 50 hits and the total count: p95 at most 100 ms;
- facet counts (themes, countries, meetings) for a filter: p95 at most 200 ms;
- each within 2x of raw sqlite3 doing the same work, measured in the same run.

Ours is ``briefer.services.searching`` (query parsing and folding, resolving the filters,
SQLAlchemy, hit rows, tags and snippets for the 50 hits). Raw is one sqlite3 connection
running hand-written SQL with the same FTS5 MATCH string (text, and theme and country
filters as the index's tag tokens) on the same index: the best a hand-written query can do
on this schema. (Checking the filters per text match with ``EXISTS`` on the tag tables
instead takes about a second for a common word at this size; see docs/benchmarks.md.)

    python -m benchmarks.bench_search [--library PATH] [--passages N] [--repeats R]

Without ``--library`` a synthetic library of N passages is generated in a temporary folder
(or reused at ``benchmarks/.data/library-N.sqlite`` when ``--keep`` is given).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import synthetic
from briefer.domain.search import SearchRequest
from briefer.services.searching import facet_counts, resolve_filters, search
from briefer.store.library import Library, open_library
from briefer.store.search import Filters
from briefer.store.search.query import parse_query
from briefer.store.search.sqlite_fts import SEARCH_PAGE_CACHE_KIB

TARGET_SEARCH_MS = 100.0
TARGET_FACETS_MS = 200.0
TARGET_RATIO = 2.0

# (kind, query, theme filter, country filter): what analysts type, with two facet filters.
# "typical": the phrases, names and word pairs of the field an analyst looks for;
# "broad": single common words, OR and prefixes that match a large share of this small
# synthetic vocabulary (``trafficking`` alone is in 21% of the passages). Both kinds
# count in the overall figures; they are also reported apart.
CASES: tuple[tuple[str, str, str, str], ...] = (
    ("typical", '"foreign terrorist fighters"', "security", "BA"),
    ("typical", "europol eurojust", "organised-crime", "DE"),
    ("typical", "dacic", "justice", "RS"),
    ("typical", "information exchange", "cooperation", "MK"),
    ("typical", "beograd", "cooperation", "RS"),
    ("typical", "co-operation", "migration", "group:wb6"),
    ("typical", '"readmission agreements"', "migration", "group:wb6"),
    ("typical", '"high-level corruption" montenegro', "organised-crime", "ME"),
    ("typical", '"joint investigation teams" europol', "cooperation", "group:eu"),
    ("typical", "nuhodzic frontex", "borders", "ME"),
    ("typical", '"asset recovery" OR confiscation', "organised-crime", "group:wb6"),
    ("typical", '"western balkan route" "migratory pressure"', "migration", "RS"),
    ("typical", "extradition", "justice", "group:wb6"),
    ("typical", "e-evidence", "organised-crime", "group:eu"),
    ("broad", "migrant smuggling", "migration", "group:wb6"),
    ("broad", "border", "borders", "RS"),
    ("broad", "firearms OR weapons", "security", "group:wb6"),
    ("broad", "radical*", "security", "group:eu"),
    ("broad", "cooperation NOT police", "justice", "AL"),
    ("broad", "trafficking", "organised-crime", "group:salzburg-forum"),
)
KINDS = ("typical", "broad")


@dataclass(frozen=True)
class Case:
    """One benchmark request and the FTS5 MATCH strings raw SQL uses for the same work.

    ``match`` is the full-text query with both filters as tag tokens (what our backend
    runs); ``without`` holds, per facet, the MATCH without that facet's own filter.
    """

    kind: str
    request: SearchRequest
    match: str
    without: dict[str, str]


def _expression(library: Library, request: SearchRequest, filters: Filters) -> str:
    match = library.search.text_match(parse_query(request.query), filters)
    assert match is not None and not match.negated
    return str(match.condition.right.value)  # type: ignore[attr-defined]


def _cases(library: Library) -> list[Case]:
    cases = []
    with library.sessions() as session:
        for kind, query, theme, country in CASES:
            request = SearchRequest(
                query=query, themes=(theme,), countries=(country,), limit=50, with_facets=False
            )
            filters = resolve_filters(session, request)
            without = {
                facet: _expression(library, request, filters.without(facet))
                for facet in ("themes", "countries")
            }
            cases.append(Case(kind, request, _expression(library, request, filters), without))
    return cases


def raw_search(db: sqlite3.Connection, case: Case) -> tuple[list[Any], int]:
    """Top 50 by bm25 with their document and meeting, and the total: hand-written SQL.

    The plain FTS5 way: ``ORDER BY bm25 LIMIT 50`` inside the index (no tie-break, so
    equal ranks may come in another order than ours), the 50 rows' fields by id, and a
    ``count(*)`` of the same MATCH.
    """
    top = db.execute(
        "SELECT p.id, p.paragraph, p.text, d.id, d.title, m.id, m.title, m.start_date, t.r "
        "FROM (SELECT rowid AS id, bm25(passage_fts, 1.0, 0.0) AS r FROM passage_fts "
        "WHERE passage_fts MATCH ? ORDER BY r LIMIT 50) t "
        "JOIN passage p ON p.id = t.id "
        "JOIN document d ON d.id = p.document_id LEFT JOIN meeting m ON m.id = d.meeting_id "
        "ORDER BY t.r",
        [case.match],
    ).fetchall()
    total = db.execute(
        "SELECT count(*) FROM passage_fts WHERE passage_fts MATCH ?", [case.match]
    ).fetchone()[0]
    return top, total


def raw_facets(db: sqlite3.Connection, case: Case) -> list[list[Any]]:
    """Theme (with parents), country and meeting counts, each without its own filter."""
    return [
        db.execute(
            "SELECT a, count(*) FROM (SELECT DISTINCT pt.passage_id, tt.a AS a "
            "FROM passage_fts JOIN passage_theme pt ON pt.passage_id = passage_fts.rowid "
            "JOIN (SELECT id AS d, id AS a FROM theme UNION ALL "
            "SELECT id, parent_id FROM theme WHERE parent_id IS NOT NULL) tt ON tt.d = pt.theme_id "
            "WHERE passage_fts MATCH ? AND pt.excluded = 0) GROUP BY a",
            [case.without["themes"]],
        ).fetchall(),
        db.execute(
            "SELECT pc.country_code, count(*) FROM passage_fts "
            "JOIN passage_country pc ON pc.passage_id = passage_fts.rowid "
            "WHERE passage_fts MATCH ? AND pc.excluded = 0 GROUP BY pc.country_code",
            [case.without["countries"]],
        ).fetchall(),
        db.execute(
            "SELECT d.meeting_id, count(*) FROM passage_fts "
            "JOIN passage p ON p.id = passage_fts.rowid JOIN document d ON d.id = p.document_id "
            "WHERE passage_fts MATCH ? AND d.meeting_id IS NOT NULL GROUP BY d.meeting_id",
            [case.match],
        ).fetchall(),
    ]


@dataclass
class Samples:
    """Wall-clock and CPU milliseconds of repeated calls.

    CPU time is this process's (SQLite runs in-process): on a shared, loaded machine it
    shows what the work costs when the cores are free; the targets are checked on wall time.
    """

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, other: Samples) -> None:
        self.wall += other.wall
        self.cpu += other.cpu

    def summary(self) -> dict[str, float]:
        return {
            "p50_ms": round(statistics.median(self.wall), 1),
            "p95_ms": round(_p95(self.wall), 1),
            "max_ms": round(max(self.wall), 1),
            "cpu_p50_ms": round(statistics.median(self.cpu), 1),
            "cpu_p95_ms": round(_p95(self.cpu), 1),
        }


def _timed(function: Callable[[], Any], repeats: int) -> Samples:
    function()  # warm the page cache and statement caches
    samples = Samples()
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        samples.cpu.append((time.process_time() - cpu) * 1000)
        samples.wall.append((time.perf_counter() - wall) * 1000)
    return samples


def _p95(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def measure(path: Path, repeats: int = 5) -> dict[str, Any]:
    """Time ours and raw on every case; check first that both find the same hits."""
    library = open_library(str(path))
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA cache_size=-{SEARCH_PAGE_CACHE_KIB}")  # the same cache as ours
    results: dict[str, Any] = {"cases": []}
    names = ("search", "raw_search", "facets", "raw_facets")
    totals = {name: Samples() for name in names}
    by_kind = {kind: {name: Samples() for name in names} for kind in KINDS}
    try:
        results["passages"] = db.execute("SELECT count(*) FROM passage").fetchone()[0]
        for case in _cases(library):
            page = search(library, case.request)
            raw_top, raw_total = raw_search(db, case)
            ours_ranks = [h.rank for h in page.hits]
            if page.total != raw_total or ours_ranks != [r[-1] for r in raw_top]:
                raise AssertionError(f"{case.request.query!r}: ours and raw disagree")
            timed = {
                "search": _timed(lambda c=case: search(library, c.request), repeats),
                "raw_search": _timed(lambda c=case: raw_search(db, c), repeats),
                "facets": _timed(lambda c=case: facet_counts(library, c.request), repeats),
                "raw_facets": _timed(lambda c=case: raw_facets(db, c), repeats),
            }
            for name, samples in timed.items():
                totals[name].add(samples)
                by_kind[case.kind][name].add(samples)
            results["cases"].append(
                {
                    "kind": case.kind,
                    "query": case.request.query,
                    "theme": case.request.themes[0],
                    "country": case.request.countries[0],
                    "total": page.total,
                    **{f"{n}_ms": round(statistics.median(s.wall), 1) for n, s in timed.items()},
                    **{f"{n}_cpu_ms": round(statistics.median(s.cpu), 1) for n, s in timed.items()},
                }
            )
    finally:
        db.close()
        library.close()
    for name in ("search", "facets"):
        results[name] = _compare(totals[name], totals[f"raw_{name}"])
    results["by_kind"] = {
        kind: {name: _compare(runs[name], runs[f"raw_{name}"]) for name in ("search", "facets")}
        for kind, runs in by_kind.items()
        if runs["search"].wall
    }
    results["targets_met"] = {
        "search_p95": results["search"]["p95_ms"] <= TARGET_SEARCH_MS,
        "facets_p95": results["facets"]["p95_ms"] <= TARGET_FACETS_MS,
        "search_ratio": results["search"]["ratio_p95"] <= TARGET_RATIO,
        "facets_ratio": results["facets"]["ratio_p95"] <= TARGET_RATIO,
    }
    results["load_average_1min"] = round(os.getloadavg()[0], 2)
    return results


def _compare(ours: Samples, raw: Samples) -> dict[str, Any]:
    """Our summary, raw's, and the ratios of their p95 (wall, and CPU: less noisy)."""
    mine, theirs = ours.summary(), raw.summary()
    return {
        **mine,
        "raw": theirs,
        "ratio_p95": round(mine["p95_ms"] / max(theirs["p95_ms"], 0.01), 2),
        "ratio_cpu_p95": round(mine["cpu_p95_ms"] / max(theirs["cpu_p95_ms"], 0.01), 2),
    }


def run(
    passages: int, repeats: int, library: Path | None = None, keep: bool = False
) -> dict[str, Any]:
    """Generate (or reuse) a library, then measure; returns the figures."""
    generation: dict[str, float] = {}
    if library is not None and library.exists():
        return {"generation": generation, **measure(library, repeats)}
    if library is None and keep:
        library = Path(__file__).resolve().parent / ".data" / f"library-{passages}.sqlite"
        library.parent.mkdir(exist_ok=True)
        if library.exists():
            return {"generation": generation, **measure(library, repeats)}
    if library is not None:
        generation = synthetic.generate(library, passages)
        return {"generation": generation, **measure(library, repeats)}
    with tempfile.TemporaryDirectory(prefix="briefer-bench-") as tmp:
        path = Path(tmp) / "library.sqlite"
        generation = synthetic.generate(path, passages, quiet=True)
        return {"generation": generation, **measure(path, repeats)}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description="Search benchmark (see module docstring).")
    parser.add_argument("--library", type=Path, help="use (or create) this synthetic library")
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the library for next runs")
    args = parser.parse_args(argv)
    results = run(args.passages, args.repeats, args.library, args.keep)
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
