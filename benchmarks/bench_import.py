"""Import speed and memory: plain-text communiqués of about 5 KB, segmentation and tagging included.

Targets (issue #2, "Speed"): at least 200 documents per second on a 2-core machine, and
an import of 10,000 documents under 300 MB resident memory.

Documents are written as web copies of communiqués would be: a skip link, a title, a
dateline, a photo caption and credit, ~14 paragraphs of sentences from
``benchmarks.synthetic`` (the field's vocabulary, diacritics, some Cyrillic), a footnote
and a press-contacts block. Three runs are reported:

- ``ingest``: reading, cleaning and segmentation only (no database);
- ``store_no_meetings``: the import service with a tagger that tags nothing and meeting
  linking switched off (the import path itself: transaction, rows, full-text index);
- ``store``: the same with meeting linking;
- ``full_one_process``: the import service with the real tagger and meeting linking, all
  in this process (``workers=1``);
- ``full``: the same with the default worker processes (one per core) reading, cleaning,
  segmenting and tagging while this process writes.

Rates are documents per second of wall-clock time and of CPU time; the CPU figures are
``[this process, this process + workers]`` (a document's whole cost) for the import rows.
Memory is the peak resident set of a separate ``briefer import`` process of all the files
and of its largest worker (the total is the process plus ``nproc`` workers).

    python -m benchmarks.bench_import [--documents N] [--folder PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import passage_text


def write_documents(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """``count`` communiqué-like text files of about 5 KB in ``folder`` (reused if present)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        path = folder / f"{i:06d}.txt"
        paths.append(path)
        paragraphs = [passage_text(rng)[0] for _ in range(14)]
        if path.exists():
            continue
        paragraphs[2] += "¹"
        lines = [
            "Skip to main content",
            f"Ministers meet on regional security, meeting {i}",
            f"{rng.randint(1, 28)} March {rng.randint(2010, 2025)}",
            *paragraphs[:3],
            "Ministers at the family photo\nPhoto: Ministry of the Interior",
            *paragraphs[3:],
            "¹ Such as the Salzburg Forum and the Brdo Process.",
            "Press contacts:\nJane DOE\n+32 2 555 01 23\njane.doe@example.org",
        ]
        path.write_text("\n\n".join(lines), encoding="utf-8")
    return paths


def bench_ingest(paths: list[Path]) -> tuple[float, float]:
    """(docs/s by wall clock, docs/s by this process's CPU time)."""
    from briefer.ingest.pipeline import prepare_document

    start, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        prepare_document(path)
    return _rates(len(paths), start, cpu)


def _rates(count: int, start: float, cpu: float) -> tuple[float, float]:
    wall = time.perf_counter() - start
    used = time.process_time() - cpu
    return round(count / wall), round(count / used)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_store(
    paths: list[Path],
    folder: Path,
    *,
    real_tagger: bool,
    link_meetings: bool = True,
    workers: int | None = 1,
) -> tuple[float, ...]:
    from briefer.services import importing
    from briefer.services.importing import import_paths
    from briefer.services.library import open_ready_library
    from briefer.tagging.pipeline import DocumentTags, Tagger

    class NullTagger(Tagger):
        def __init__(self) -> None:
            pass

        def tag_document(self, document):  # type: ignore[no-untyped-def]
            return DocumentTags(passages={}, meeting=None)

    with tempfile.TemporaryDirectory() as tmp:
        library = open_ready_library(str(Path(tmp) / "library.sqlite"))
        tagger = None if real_tagger else NullTagger()
        attach = importing.attach_meeting
        if not link_meetings:
            importing.attach_meeting = lambda session, document, guess: None  # type: ignore[assignment]
        try:
            start, cpu = time.perf_counter(), time.process_time()
            children = _children_cpu()
            for _ in import_paths(library, [folder], tagger=tagger, workers=workers):
                pass
            wall, own = _rates(len(paths), start, cpu)
            total = time.process_time() - cpu + _children_cpu() - children
            rates = (wall, own, round(len(paths) / total))
        finally:
            importing.attach_meeting = attach
        library.close()
    return rates


def peak_memory_mb(folder: Path) -> tuple[float, float]:
    """Peak RSS of a fresh process running ``briefer import`` on the folder, and of its
    largest worker process."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "library.sqlite"
        # The importing process's own peak is VmHWM where there is one: Linux keeps the
        # ``ru_maxrss`` of the process image before ``exec``, so a fresh process started
        # by this (by then larger) benchmark process reported this process's size.
        code = (
            "import re, resource, sys\n"
            "from briefer.cli.main import main\n"
            f"main(['--db', {str(db)!r}, 'import', {str(folder)!r}])\n"
            "try:\n"
            "    status = open('/proc/self/status').read()\n"
            "    print(re.search(r'VmHWM:\\s*(\\d+) kB', status).group(1))\n"
            "except (OSError, AttributeError):\n"
            "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    main_kb, worker_kb = out.strip().splitlines()[-2:]
    return int(main_kb) / 1024, int(worker_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--memory", action="store_true", help="also measure peak memory")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.gettempdir()) / f"briefer-import-{args.documents}"
    paths = write_documents(folder, args.documents)
    size = sum(p.stat().st_size for p in paths) / len(paths)
    results: dict[str, object] = {
        "documents": len(paths),
        "mean_size_kb": round(size / 1024, 1),
        "docs_per_s [wall, cpu here, cpu here + workers]": {
            "ingest": bench_ingest(paths),
            "store_no_meetings": bench_store(paths, folder, real_tagger=False, link_meetings=False),
            "store": bench_store(paths, folder, real_tagger=False),
            "full_one_process": bench_store(paths, folder, real_tagger=True),
            "full": bench_store(paths, folder, real_tagger=True, workers=None),
        },
    }
    if args.memory:
        main_mb, worker_mb = peak_memory_mb(folder)
        results["peak_rss_mb"] = {"import": round(main_mb), "largest_worker": round(worker_mb)}
    results["load_average"] = round(os.getloadavg()[0], 2)
    results["nproc"] = os.cpu_count()
    results["this_process_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
