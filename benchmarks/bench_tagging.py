"""Tagging speed: per-passage cost of the taggers, and re-tagging a whole library.

Targets (issue #3, "Speed"):
- tagging (countries and themes together) costs at most 0.5 ms per passage on average;
- re-tagging 1,000,000 passages finishes within 10 minutes on a 2-core machine, in the
  background, without blocking searches.

Part 1 tags passages of two kinds: the bundled sample library's passages (real prose,
~175 characters) and synthetic communiqué sentences from ``benchmarks.synthetic``
(~270 characters, dense with the field's vocabulary, so slower). It reports CPU time per
passage (the machine is shared; wall time is reported too). ``--skip-taggers`` skips it.

Part 2 generates a synthetic library (or reuses one) and runs ``briefer.services.tagging
.retag`` over it while a reader thread runs a search (text and a theme filter, first 50
hits and the total) every 0.2 s on its own engine, as before the re-tag for comparison; it reports the total time, passages per second, CPU time here and in the workers, and
the slowest read. ``--edit`` first makes a small taxonomy edit (a new theme with one cue),
the typical reason to re-tag; without it (and on an already tagged library) nothing
changes and the run measures reading, tagging and comparing alone.

    python -m benchmarks.bench_tagging [--passages N] [--library PATH] [--keep] [--edit]
        [--workers N] [--skip-taggers] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks import synthetic
from briefer.domain.search import SearchRequest
from briefer.paths import sample_dir
from briefer.services.library import open_ready_library
from briefer.services.searching import search
from briefer.services.tagging import RetagReport, add_theme, retag, set_cue
from briefer.store.library import Library, open_library
from briefer.store.models import Theme
from briefer.tagging.pipeline import Tagger, load_tagger

TARGET_MS_PER_PASSAGE = 0.5
TARGET_RETAG_S_PER_MILLION = 600.0


def sample_passages() -> list[str]:
    """Paragraphs of the bundled sample library's text files (real prose)."""
    paragraphs: list[str] = []
    for path in sorted(sample_dir().glob("*.txt")) + sorted(sample_dir().glob("*.md")):
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        paragraphs += [p.strip() for p in text.split("\n\n") if len(p.strip()) > 40]
    return paragraphs


def synthetic_passages(count: int) -> list[str]:
    rng = random.Random(7)
    return [synthetic.passage_text(rng)[0] for _ in range(count)]


def time_tagger(tagger: Tagger, texts: list[str], repeats: int) -> dict[str, float]:
    """CPU and wall milliseconds per passage: both taggers, then each alone."""
    result: dict[str, float] = {"passages": len(texts) * repeats}
    parts = {"all": tagger.tag_passage, "themes": tagger.themes.tag if tagger.themes else None}
    parts["countries"] = tagger.countries
    for name, function in parts.items():
        if function is None:
            continue
        for text in texts[:50]:
            function(text)  # warm up caches
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(repeats):
            for text in texts:
                function(text)
        count = len(texts) * repeats
        result[f"{name}_cpu_ms"] = (time.process_time() - cpu) * 1000 / count
        result[f"{name}_wall_ms"] = (time.perf_counter() - wall) * 1000 / count
    return result


class Reader(threading.Thread):
    """Runs a search as a user would (text, a theme filter, the first 50 hits and the
    total) every 0.2 s on its own engine, and records how long each took."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        library = open_library(str(self.path))
        requests = [
            SearchRequest(query="border", themes=("migration",), limit=50),
            SearchRequest(query="terrorism", themes=("security",), limit=50),
            SearchRequest(query="smuggling networks", limit=50),
        ]
        i = 0
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                search(library, requests[i % len(requests)])
            except Exception as exc:  # a locked or failing read is what we look for
                self.errors.append(f"{type(exc).__name__}: {exc}")
            self.latencies.append(time.perf_counter() - started)
            i += 1
            self.stop.wait(0.2)
        library.close()


def baseline_reads(path: Path, seconds: float = 10.0) -> list[float]:
    reader = Reader(path)
    reader.start()
    time.sleep(seconds)
    reader.stop.set()
    reader.join()
    return sorted(reader.latencies) or [0.0]


def small_edit(library: Library) -> None:
    """A typical taxonomy edit: a new theme with one cue found in a few % of passages."""
    with library.session() as session:
        if session.get(Theme, "balkan-route") is None:
            add_theme(session, "balkan-route", "Western Balkan route", parent="migration")
        set_cue(session, "balkan-route", "Western Balkan route")


def bench_retag(
    path: Path, batch_size: int, workers: int | None, edit: bool = False
) -> dict[str, Any]:
    library = open_ready_library(str(path))  # syncs the taxonomy before timing
    if edit:
        small_edit(library)
    quiet = baseline_reads(path)
    reader = Reader(path)
    reader.start()
    cpu, started = time.process_time(), time.perf_counter()
    job = retag(library, batch_size=batch_size, workers=workers)
    while True:
        try:
            next(job)
        except StopIteration as stop:
            report: RetagReport = stop.value
            break
    elapsed = time.perf_counter() - started
    cpu_used = time.process_time() - cpu
    reader.stop.set()
    reader.join()
    library.close()
    latencies = sorted(reader.latencies) or [0.0]
    return {
        "passages": report.passages,
        "changed": report.changed,
        "theme_links": report.theme_links,
        "country_links": report.country_links,
        "countries_refreshed": report.countries_refreshed,
        "seconds": elapsed,
        "cpu_seconds": cpu_used,
        "workers": report.workers,
        "tagging_cpu_seconds": report.tagging_cpu_seconds,
        "passages_per_second": report.passages / elapsed if elapsed else 0.0,
        "projected_s_per_million": elapsed * 1_000_000 / max(report.passages, 1),
        "reads": len(reader.latencies),
        "read_median_ms": statistics.median(latencies) * 1000,
        "read_p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "idle_read_median_ms": statistics.median(quiet) * 1000,
        "idle_read_p95_ms": quiet[int(0.95 * (len(quiet) - 1))] * 1000,
        "read_max_ms": latencies[-1] * 1000,
        "read_errors": reader.errors[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--passages", type=int, default=1_000_000, help="library size")
    parser.add_argument("--library", type=Path, help="an existing library to re-tag (a copy!)")
    parser.add_argument("--keep", action="store_true", help="keep the generated library")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--workers", type=int, help="tagging processes (default: per core)")
    parser.add_argument("--skip-retag", action="store_true")
    parser.add_argument(
        "--edit", action="store_true", help="make a small taxonomy edit before re-tagging"
    )
    parser.add_argument("--skip-taggers", action="store_true", help="only the re-tag part")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    results: dict[str, Any] = {}
    if not args.skip_taggers:
        tagger = load_tagger()
        results["sample"] = time_tagger(tagger, sample_passages(), repeats=50)
        results["synthetic"] = time_tagger(tagger, synthetic_passages(5000), repeats=2)
    if not args.skip_retag:
        if args.library is not None:
            results["retag"] = bench_retag(args.library, args.batch, args.workers, args.edit)
        else:
            folder = Path("benchmarks/.data") if args.keep else Path(tempfile.mkdtemp(prefix="bt-"))
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"retag-{args.passages}.sqlite"
            if not path.exists():
                synthetic.generate(path, args.passages, quiet=args.json)
            results["retag"] = bench_retag(path, args.batch, args.workers, args.edit)
            if not args.keep:
                for leftover in folder.glob("*"):
                    leftover.unlink()
                folder.rmdir()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for kind in ("sample", "synthetic"):
        if kind not in results:
            continue
        r = results[kind]
        print(
            f"{kind:9} passages: all {r['all_cpu_ms']:.3f} ms CPU ({r['all_wall_ms']:.3f} wall), "
            f"themes {r.get('themes_cpu_ms', 0):.3f}, countries {r.get('countries_cpu_ms', 0):.3f}"
            f"  (target {TARGET_MS_PER_PASSAGE} ms)"
        )
    if "retag" in results:
        r = results["retag"]
        print(
            f"re-tag: {r['passages']:,} passages ({r['changed']:,} changed) in {r['seconds']:.1f} s "
            f"({r['passages_per_second']:,.0f}/s; CPU {r['cpu_seconds']:.1f} s in this process, "
            f"{r['tagging_cpu_seconds']:.1f} s tagging in {r['workers']} workers); "
            f"projected {r['projected_s_per_million']:.0f} s per million "
            f"(target {TARGET_RETAG_S_PER_MILLION:.0f} s); "
            f"{r['theme_links']:,} theme links, {r['country_links']:,} country links; "
            f"searches during re-tag: {r['reads']}, median {r['read_median_ms']:.0f} ms, "
            f"p95 {r['read_p95_ms']:.0f} ms, max {r['read_max_ms']:.0f} ms "
            f"(before: median {r['idle_read_median_ms']:.0f} ms, p95 {r['idle_read_p95_ms']:.0f} ms)"
        )


if __name__ == "__main__":
    main()
