"""The job runner: results, progress, cancel, and no reference lost on the way."""

from __future__ import annotations

import sys
from collections.abc import Iterator

from PySide6.QtCore import QThreadPool

from briefer.domain.errors import BrieferError
from briefer.domain.progress import CancelToken, Progress
from briefer.ui.jobs import Job, call_in_background


def test_none_results_keep_their_references(qtbot) -> None:
    # PySide drops a reference per delivery with *args slots; a job returning None 300
    # times would then free None itself and abort the interpreter.
    before = sys.getrefcount(None)
    got: list[object] = []
    for _ in range(300):
        job = call_in_background(lambda: None)
        job.signals.finished.connect(got.append)
        job.start()
    qtbot.waitUntil(lambda: len(got) == 300, timeout=20000)
    assert got == [None] * 300
    got.clear()
    assert sys.getrefcount(None) >= before


def test_progress_items_result_and_errors(qtbot) -> None:
    def work(cancel: CancelToken) -> Iterator[object]:
        yield Progress(0, 2, "first")
        yield "an outcome"
        yield Progress(1, 2, "second")
        return 42

    job = Job(work)
    progress: list[tuple[int, int, str]] = []
    items: list[object] = []
    job.signals.progress.connect(lambda d, t, m: progress.append((d, t, m)))
    job.signals.item.connect(items.append)
    with qtbot.waitSignal(job.signals.finished, timeout=10000) as blocker:
        job.start()
    assert blocker.args == [42]
    assert progress == [(0, 2, "first"), (1, 2, "second")]
    assert items == ["an outcome"]

    def fails() -> object:
        raise BrieferError("library.sqlite: cannot read")

    failing = call_in_background(fails)
    with qtbot.waitSignal(failing.signals.failed, timeout=10000) as blocker:
        failing.start()
    assert blocker.args == ["library.sqlite: cannot read"]


def test_cancel_stops_between_steps(qtbot) -> None:
    steps: list[int] = []

    def work(cancel: CancelToken) -> Iterator[object]:
        for n in range(1000):
            steps.append(n)
            yield Progress(n, 1000)
        return "finished"

    job = Job(work)
    job.cancel()  # before it starts: not one step runs
    with qtbot.waitSignal(job.signals.cancelled, timeout=10000):
        job.start()
    assert steps == []
    QThreadPool.globalInstance().waitForDone()
