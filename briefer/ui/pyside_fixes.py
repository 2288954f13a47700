"""A guard against a PySide 6.12 reference-count bug that aborts the interpreter.

Measured with PySide6 6.12.0 on Python 3.11: every Python call that reads an unset
QVariant through Qt (``QStandardItem.data(role)``, ``QModelIndex.data(role)``,
``QAbstractItemModel.data`` called from Python when the answer is None) returns ``None``
without taking a reference to it. Each such read lowers ``None``'s reference count by
one; after enough of them Python frees ``None`` and aborts ("none_dealloc"). The same
abort was seen once for ``True``/``False`` ("bool_dealloc") at interpreter exit after a
test session, so those two are guarded alike. The window
avoids such reads where it can (every facet row carries all its roles), but views,
delegates and tests still make some.

``NoneGuard`` keeps the count far from zero: a timer looks at ``sys.getrefcount(None)``
every second and, when it has fallen below a floor, holds more references in a list.
Holding references is harmless (``None`` is never freed in a healthy interpreter), so the
guard changes nothing when the bug is absent. Drop this module once PySide is fixed.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer

FLOOR = 200_000  # references; a busy session loses far fewer than this per second
TOP_UP = 1_000_000
_BALLAST: list[bool | None] = []
_GUARD: NoneGuard | None = None


def top_up() -> int:
    """Hold more references to None, True and False where their counts fell low.

    Returns the lowest of the three counts.
    """
    lowest = sys.maxsize
    for singleton in (None, True, False):
        count = sys.getrefcount(singleton)
        if count < FLOOR:
            _BALLAST.extend([singleton] * TOP_UP)
            count = sys.getrefcount(singleton)
        lowest = min(lowest, count)
    return lowest


class NoneGuard(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(top_up)
        self.timer.start()


def install_none_guard() -> None:
    """Start the guard once per process (idempotent)."""
    global _GUARD
    top_up()
    if _GUARD is None:
        _GUARD = NoneGuard()
