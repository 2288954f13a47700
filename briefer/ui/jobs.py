"""Running core jobs off the GUI thread.

Core jobs are plain generators (import, re-tag, export) that yield progress or results
and check a ``CancelToken`` between steps. ``Job`` runs one in the thread pool and turns
each yielded value into a signal, so widgets only connect signals and never block.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from briefer.domain.errors import BrieferError, Cancelled
from briefer.domain.progress import CancelToken, Progress

_RUNNING: set[Job] = set()


class JobSignals(QObject):
    progress = Signal(int, int, str)  # done, total (-1 when unknown), message
    item = Signal(object)  # anything else the generator yields
    finished = Signal(object)  # the generator's return value
    failed = Signal(str)  # one line for the user
    cancelled = Signal()


class Job(QRunnable):
    """Run ``make(cancel)`` (a generator function) in the global thread pool."""

    def __init__(self, make: Callable[[CancelToken], Iterator[Any]]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.signals = JobSignals()
        self.cancel_token = CancelToken()
        self._make = make

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def start(self, pool: QThreadPool | None = None) -> Job:
        # Keep the job (and its signals object) alive until the GUI thread has heard how
        # it ended; connected last, so this runs after the caller's own slots.
        # (Slots of exact arity: a ``*args`` slot on an ``object`` signal makes PySide 6.12
        # drop a reference to the value each time, which crashes once the value is None.)
        _RUNNING.add(self)
        self.signals.finished.connect(lambda _value: _RUNNING.discard(self))
        self.signals.failed.connect(lambda _message: _RUNNING.discard(self))
        self.signals.cancelled.connect(lambda: _RUNNING.discard(self))
        (pool or QThreadPool.globalInstance()).start(self)
        return self

    def run(self) -> None:  # runs on a worker thread
        try:
            self._run()
        except RuntimeError as exc:  # the signals object is gone: the window was closed
            if "deleted" not in str(exc):
                raise

    def _run(self) -> None:
        signals = self.signals
        try:
            generator = self._make(self.cancel_token)
            while True:
                self.cancel_token.raise_if_cancelled()
                try:
                    value = next(generator)
                except StopIteration as stop:
                    result = stop.value
                    break
                if isinstance(value, Progress):
                    signals.progress.emit(
                        value.done, -1 if value.total is None else value.total, value.message
                    )
                else:
                    signals.item.emit(value)
        except Cancelled:
            signals.cancelled.emit()
            return
        except BrieferError as exc:
            signals.failed.emit(str(exc))
            return
        except RuntimeError as exc:
            if "deleted" in str(exc):
                raise  # the window is gone: nobody to tell
            traceback.print_exc()
            signals.failed.emit(f"unexpected error: RuntimeError: {exc}")
            return
        except Exception as exc:  # a bug: show it rather than lose it silently
            traceback.print_exc()
            signals.failed.emit(f"unexpected error: {type(exc).__name__}: {exc}")
            return
        signals.finished.emit(result)


_POOLS: dict[str, QThreadPool] = {}
POOL_SIZES = {"pages": 2, "counts": 1}


def pool(name: str) -> QThreadPool:
    """A thread pool of its own for one kind of job, so it never queues behind another.

    "pages" runs the pages of results (what the user waits for); "counts" runs facet
    counts and the facet lists, one at a time (stale ones are taken off its queue).
    Everything else (import, export, a document for the preview) uses the global pool.
    """
    found = _POOLS.get(name)
    if found is None:
        found = _POOLS[name] = QThreadPool()
        found.setMaxThreadCount(POOL_SIZES.get(name, 1))
        found.setExpiryTimeout(-1)
    return found


def wait_for_all(msecs: int = 30000) -> None:
    """Wait for every job of every pool (at shutdown and in tests)."""
    QThreadPool.globalInstance().waitForDone(msecs)
    for found in _POOLS.values():
        found.waitForDone(msecs)


def call_in_background(function: Callable[[], Any]) -> Job:
    """A one-shot job for a single slow call (a search, a facet count)."""

    def one_shot(_cancel: CancelToken) -> Iterator[Any]:
        return function()
        yield  # pragma: no cover - makes this a generator

    return Job(one_shot)
