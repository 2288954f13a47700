"""Run every benchmark (``make bench``), one subprocess each, and print their figures.

Each benchmark is also runnable on its own (``python -m benchmarks.<name>``); figures,
the machine and the date belong in docs/benchmarks.md. A full run takes tens of minutes
on a 2-core machine: the search benchmark generates a 1,000,000-passage library.
"""

from __future__ import annotations

import subprocess
import sys
import time

# (module, arguments): the targets at their stated sizes.
BENCHMARKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("benchmarks.bench_search", ("--passages", "1000000", "--repeats", "5")),
    ("benchmarks.bench_import", ("--documents", "1000", "--memory")),
    ("benchmarks.bench_tagging", ()),
    ("benchmarks.bench_export", ()),
)


def main() -> int:
    failed = []
    for module, args in BENCHMARKS:
        print(f"== {module} {' '.join(args)}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", module, *args], check=False)
        print(f"== {module}: exit {result.returncode} in {time.perf_counter() - started:.0f} s\n")
        if result.returncode != 0:
            failed.append(module)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
