"""Export progress as a percentage over the writer's phases (building blocks, layout, saving).

``write_document``'s ``progress(done, total)`` receives ``(percent, 100)``, rising, each
value once, ending with ``(100, 100)``. A PDF spends most of its time in reportlab's
layout, after every block has been turned into flowables, so counting blocks alone would
reach 100% long before the file exists.
"""

from __future__ import annotations

from collections.abc import Callable

ProgressCallback = Callable[[int, int], None]


class PercentProgress:
    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._last = -1

    def phase(self, start: int, end: int, done: int, total: int) -> None:
        """Report ``done`` of ``total`` within the phase spanning ``start``..``end`` percent."""
        if self._callback is None:
            return
        fraction = done / total if total > 0 else 1.0
        percent = start + int((end - start) * min(1.0, max(0.0, fraction)))
        if percent > self._last:
            self._last = percent
            self._callback(percent, 100)

    def finish(self) -> None:
        self.phase(100, 100, 1, 1)
