"""The search benchmark's code runs (on 2,000 passages; speeds are not asserted here)."""

from __future__ import annotations

from pathlib import Path

from benchmarks import bench_search, synthetic
from briefer.domain.search import SearchRequest
from briefer.services.searching import search
from briefer.store.library import open_library


def test_the_generator_builds_a_searchable_tagged_library(tmp_path: Path) -> None:
    path = tmp_path / "synthetic.sqlite"
    synthetic.generate(path, 2000, quiet=True)
    library = open_library(str(path))
    try:
        page = search(
            library,
            SearchRequest(query="smuggling", themes=("migration",), countries=("group:wb6",)),
        )
        assert 0 < page.total < 2000
        assert all("[[" in hit.snippet for hit in page.hits)
        assert {f.key for f in page.facets["themes"]} >= {"migration", "migrant-smuggling"}
    finally:
        library.close()


def test_the_benchmark_compares_ours_with_raw_on_the_same_hits(tmp_path: Path) -> None:
    results = bench_search.run(2000, repeats=1, library=tmp_path / "bench.sqlite")
    assert results["passages"] == 2000
    assert len(results["cases"]) == len(bench_search.CASES)
    assert any(case["total"] > 0 for case in results["cases"])
    assert set(results["targets_met"]) == {
        "search_p95",
        "facets_p95",
        "search_ratio",
        "facets_ratio",
    }
