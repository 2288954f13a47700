"""The guard against PySide losing references to None."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem

from briefer.ui import pyside_fixes


def test_reads_of_unset_roles_cannot_free_none(qtbot) -> None:
    pyside_fixes.install_none_guard()
    item = QStandardItem("x")
    start = sys.getrefcount(None)
    assert start >= pyside_fixes.FLOOR
    for _ in range(5000):
        item.data(Qt.ItemDataRole.UserRole + 7)  # unset: PySide 6.12 drops a reference
    lost = start - sys.getrefcount(None)
    assert lost >= 0
    # However many were lost, the guard tops the count up before it nears zero.
    assert pyside_fixes.top_up() >= pyside_fixes.FLOOR


def test_facet_rows_carry_every_role(qtbot) -> None:
    from briefer.ui.facets import KIND_ROLE, KeyRole, _row

    name, _count = _row("Western Balkans", None, checkable=False)
    assert name.data(KeyRole) == ""
    assert name.data(KIND_ROLE) == ""
