"""Progress and cancellation for slow jobs, shared by the CLI and the window.

Jobs are plain generators that yield ``Progress`` and check a ``CancelToken``
between steps; the shells decide how to show progress (a bar, a line, nothing).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from briefer.domain.errors import Cancelled


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int | None
    message: str = ""


class CancelToken:
    """A thread-safe flag a shell sets and a job checks between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled by the user")
