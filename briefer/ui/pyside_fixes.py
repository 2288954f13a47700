"""A guard against a PySide 6.12 reference-count bug that aborts the interpreter.

Measured with PySide6 6.12.0 on Python 3.11: every call of a Qt method that returns
nothing (``QLabel.setText``, ``QTimer.start``, ``QApplication.processEvents``...) and
every read of an unset QVariant (``QModelIndex.data(role)`` when the answer is None)
hands back ``None`` without taking a reference to it; emitting a signal does the same
to ``True``/``False``. Each call lowers the count by one; after enough of them Python
frees the singleton and aborts ("none_dealloc", "bool_dealloc"). A window makes such
calls all the time, so without this guard a long session would end in that abort.

``NoneGuard`` keeps the counts far from zero: a timer looks at ``sys.getrefcount`` of
each every second and, when one has fallen below a floor, gives it a million references
back (in place on CPython 3.11; 3.12 made these objects immortal). Extra references are
harmless (these objects are never freed in a healthy interpreter), so the guard changes
nothing when the bug is absent. Drop this
module once PySide is fixed (check with ``tests/ui/test_pyside_fixes.py``).
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, QTimer

FLOOR = 200_000  # references; a busy session loses far fewer than this per second
TOP_UP = 1_000_000
_BALLAST: list[bool | None] = []
_GUARD: NoneGuard | None = None


def _hold(singleton: object, count: int) -> None:
    """Give back ``count`` references to a singleton the bug took them from.

    On CPython before 3.12 the count is the object's first field, raised in place (no
    memory is used); 3.12 made these singletons immortal, so the bug cannot free them and
    nothing is needed. Other interpreters get real references held in a list.
    """
    if sys.implementation.name == "cpython":
        if sys.version_info < (3, 12):
            ctypes.c_ssize_t.from_address(id(singleton)).value += count
        return
    _BALLAST.extend([singleton] * count)


def top_up() -> int:
    """Give None, True and False more references where their counts fell low.

    Returns the lowest of the three counts.
    """
    lowest = sys.maxsize
    for singleton in (None, True, False):
        count = sys.getrefcount(singleton)
        if count < FLOOR:
            _hold(singleton, TOP_UP)
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
