"""Search at scale: our search service against hand-written sqlite3 FTS5 SQL on the same data.

Targets (issue #2, "Speed"), at 1,000,000 passages:
- a full-text query with two facet filters (a theme and a country or country group), the
  first 50 hits and the total count: p95 at most 100 ms;
- facet counts (themes, countries, meetings) for a filter: p95 at most 200 ms;
- each within 2x of raw sqlite3 doing the same work, measured in the same run.

Ours is ``briefer.services.searching`` (query parsing and folding, SQLAlchemy, hit rows,
tags and snippets for the 50 hits). Raw is one sqlite3 connection running hand-written SQL
with the same MATCH expression and the same (already expanded) theme and country lists.

    python -m benchmarks.bench_search [--library PATH] [--passages N] [--repeats R]

Without ``--library`` a synthetic library of N passages is generated in a temporary folder
(or reused at ``benchmarks/.data/library-N.sqlite`` when ``--keep`` is given).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import synthetic
from briefer.domain.search import SearchRequest
from briefer.services.searching import facet_counts, resolve_filters, search
from briefer.store.library import Library, open_library
from briefer.store.search.query import parse_query, to_fts5

TARGET_SEARCH_MS = 100.0
TARGET_FACETS_MS = 200.0
TARGET_RATIO = 2.0

# (query, theme filter, country filter): what analysts type, with two facet filters.
CASES: tuple[tuple[str, str, str], ...] = (
    ("migrant smuggling", "migration", "group:wb6"),
    ("border", "borders", "RS"),
    ('"foreign terrorist fighters"', "security", "BA"),
    ("firearms OR weapons", "security", "group:wb6"),
    ("europol eurojust", "organised-crime", "DE"),
    ("dacic", "justice", "RS"),
    ("radical*", "security", "group:eu"),
    ("cooperation NOT police", "justice", "AL"),
    ("information exchange", "cooperation", "MK"),
    ("beograd", "cooperation", "RS"),
    ("co-operation", "migration", "group:wb6"),
    ("trafficking", "organised-crime", "group:salzburg-forum"),
)


@dataclass(frozen=True)
class Case:
    request: SearchRequest
    match: str
    themes: tuple[str, ...]
    countries: tuple[str, ...]


def _cases(library: Library) -> list[Case]:
    cases = []
    with library.sessions() as session:
        for query, theme, country in CASES:
            request = SearchRequest(
                query=query, themes=(theme,), countries=(country,), limit=50, with_facets=False
            )
            filters = resolve_filters(session, request)
            compiled = to_fts5(parse_query(query))
            assert compiled is not None and not compiled.negated
            assert filters.themes is not None and filters.countries is not None
            cases.append(Case(request, compiled.expression, filters.themes, filters.countries))
    return cases


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


def _raw_filters(case: Case) -> tuple[str, list[Any]]:
    sql = (
        f" AND EXISTS (SELECT 1 FROM passage_theme t WHERE t.passage_id = p.id"
        f" AND t.theme_id IN ({_marks(case.themes)}) AND t.excluded = 0)"
        f" AND EXISTS (SELECT 1 FROM passage_country c WHERE c.passage_id = p.id"
        f" AND c.country_code IN ({_marks(case.countries)}) AND c.excluded = 0)"
    )
    return sql, [*case.themes, *case.countries]


def raw_search(db: sqlite3.Connection, case: Case) -> tuple[list[Any], int]:
    """Top 50 by bm25 with their document and meeting, and the total: hand-written SQL."""
    where, params = _raw_filters(case)
    top = db.execute(
        "SELECT p.id, p.paragraph, p.text, d.id, d.title, m.id, m.title, m.start_date, "
        "bm25(passage_fts) AS r FROM passage_fts JOIN passage p ON p.id = passage_fts.rowid "
        "JOIN document d ON d.id = p.document_id LEFT JOIN meeting m ON m.id = d.meeting_id "
        f"WHERE passage_fts MATCH ?{where} ORDER BY r LIMIT 50",
        [case.match, *params],
    ).fetchall()
    total = db.execute(
        "SELECT count(*) FROM passage_fts JOIN passage p ON p.id = passage_fts.rowid "
        f"WHERE passage_fts MATCH ?{where}",
        [case.match, *params],
    ).fetchone()[0]
    return top, total


def raw_facets(db: sqlite3.Connection, case: Case) -> list[list[Any]]:
    """Theme (with parents), country and meeting counts, each without its own filter."""
    themes_where = (
        " AND EXISTS (SELECT 1 FROM passage_country c WHERE c.passage_id = p.id"
        f" AND c.country_code IN ({_marks(case.countries)}) AND c.excluded = 0)"
    )
    countries_where = (
        " AND EXISTS (SELECT 1 FROM passage_theme t WHERE t.passage_id = p.id"
        f" AND t.theme_id IN ({_marks(case.themes)}) AND t.excluded = 0)"
    )
    both, params = _raw_filters(case)
    base = "FROM passage_fts JOIN passage p ON p.id = passage_fts.rowid "
    return [
        db.execute(
            "SELECT a, count(*) FROM (SELECT DISTINCT pt.passage_id, tt.a AS a "
            f"{base}JOIN passage_theme pt ON pt.passage_id = p.id "
            "JOIN (SELECT id AS d, id AS a FROM theme UNION ALL "
            "SELECT id, parent_id FROM theme WHERE parent_id IS NOT NULL) tt ON tt.d = pt.theme_id "
            f"WHERE passage_fts MATCH ?{themes_where} AND pt.excluded = 0) GROUP BY a",
            [case.match, *case.countries],
        ).fetchall(),
        db.execute(
            f"SELECT pc.country_code, count(*) {base}"
            "JOIN passage_country pc ON pc.passage_id = p.id "
            f"WHERE passage_fts MATCH ?{countries_where} AND pc.excluded = 0 "
            "GROUP BY pc.country_code",
            [case.match, *case.themes],
        ).fetchall(),
        db.execute(
            f"SELECT d.meeting_id, count(*) {base}JOIN document d ON d.id = p.document_id "
            f"WHERE passage_fts MATCH ?{both} AND d.meeting_id IS NOT NULL GROUP BY d.meeting_id",
            [case.match, *params],
        ).fetchall(),
    ]


def _timed(function: Callable[[], Any], repeats: int) -> list[float]:
    function()  # warm the page cache and statement caches
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _p95(samples: list[float]) -> float:
    return (
        statistics.quantiles(samples, n=20, method="inclusive")[18]
        if len(samples) > 1
        else samples[0]
    )


def _summary(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(_p95(samples), 2),
        "max_ms": round(max(samples), 2),
    }


def measure(path: Path, repeats: int = 5) -> dict[str, Any]:
    """Time ours and raw on every case; check that both find the same hits first."""
    library = open_library(str(path))
    db = sqlite3.connect(path)
    results: dict[str, Any] = {"cases": []}
    ours_search: list[float] = []
    raw_search_ms: list[float] = []
    ours_facets: list[float] = []
    raw_facets_ms: list[float] = []
    try:
        passages = db.execute("SELECT count(*) FROM passage").fetchone()[0]
        results["passages"] = passages
        for case in _cases(library):
            page = search(library, case.request)
            raw_top, raw_total = raw_search(db, case)
            if page.total != raw_total or [h.passage_id for h in page.hits] != [
                r[0] for r in raw_top
            ]:
                raise AssertionError(f"{case.request.query!r}: ours and raw disagree")
            s_ours = _timed(lambda c=case: search(library, c.request), repeats)
            s_raw = _timed(lambda c=case: raw_search(db, c), repeats)
            f_ours = _timed(lambda c=case: facet_counts(library, c.request), repeats)
            f_raw = _timed(lambda c=case: raw_facets(db, c), repeats)
            ours_search += s_ours
            raw_search_ms += s_raw
            ours_facets += f_ours
            raw_facets_ms += f_raw
            results["cases"].append(
                {
                    "query": case.request.query,
                    "theme": case.request.themes[0],
                    "country": case.request.countries[0],
                    "total": page.total,
                    "search_ms": round(statistics.median(s_ours), 1),
                    "raw_search_ms": round(statistics.median(s_raw), 1),
                    "facets_ms": round(statistics.median(f_ours), 1),
                    "raw_facets_ms": round(statistics.median(f_raw), 1),
                }
            )
    finally:
        db.close()
        library.close()
    search_summary = _summary(ours_search)
    facets_summary = _summary(ours_facets)
    raw_s, raw_f = _summary(raw_search_ms), _summary(raw_facets_ms)
    results["search"] = {**search_summary, "raw": raw_s}
    results["facets"] = {**facets_summary, "raw": raw_f}
    results["search"]["ratio_p95"] = round(search_summary["p95_ms"] / raw_s["p95_ms"], 2)
    results["facets"]["ratio_p95"] = round(facets_summary["p95_ms"] / raw_f["p95_ms"], 2)
    results["targets_met"] = {
        "search_p95": search_summary["p95_ms"] <= TARGET_SEARCH_MS,
        "facets_p95": facets_summary["p95_ms"] <= TARGET_FACETS_MS,
        "search_ratio": results["search"]["ratio_p95"] <= TARGET_RATIO,
        "facets_ratio": results["facets"]["ratio_p95"] <= TARGET_RATIO,
    }
    return results


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
