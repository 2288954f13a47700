"""Guard for the PySide pin: Qt calls must not lose references to None, True or False.

PySide6 6.12.0 drops one reference to ``None`` on every Qt method that returns nothing and
to ``True``/``False`` on every signal emit; on Python 3.11 a busy window then aborts the
interpreter ("none_dealloc"). pyproject pins PySide6 below 6.12; this test fails if an
upgrade brings the bug back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QStandardItem
from PySide6.QtWidgets import QLabel

CALLS = 20_000


def test_void_calls_keep_their_reference_to_none(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("x")
    assert before - sys.getrefcount(None) < CALLS // 10


def test_reading_an_unset_role_keeps_its_reference_to_none(qtbot) -> None:
    item = QStandardItem("x")
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        item.data(Qt.ItemDataRole.UserRole + 7)
    assert before - sys.getrefcount(None) < CALLS // 10


def test_emits_keep_their_references_to_booleans(qtbot) -> None:
    timer = QTimer()
    before = (sys.getrefcount(True), sys.getrefcount(False))
    for _ in range(CALLS):
        timer.timeout.emit()
    after = (sys.getrefcount(True), sys.getrefcount(False))
    assert before[0] - after[0] < CALLS // 10 and before[1] - after[1] < CALLS // 10
