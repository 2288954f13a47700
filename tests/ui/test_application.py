"""``briefer`` with no command opens the window on the library it is given."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from briefer.ui.application import run_window
from briefer.ui.main_window import MainWindow


def test_run_window_opens_the_library_and_returns_zero(
    qtbot, library_file: Path, monkeypatch
) -> None:
    # The application's own exec() cannot run inside the test process (once it returns,
    # Qt treats the application as closing and timers stop), so a local loop stands in.
    loop = QEventLoop()

    class Application:
        def exec(self) -> int:
            return loop.exec()

    monkeypatch.setattr("briefer.ui.application.make_application", lambda: Application())
    # Freezing the GC heap is for the application's one process, not for a test session.
    calls: list[str] = []
    monkeypatch.setattr("briefer.ui.application.settle_heap", lambda: calls.append("settle"))
    monkeypatch.setattr("briefer.ui.application.warm_up_later", lambda busy: calls.append("warm"))
    seen: list[str] = []

    def close_when_shown() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        shown = [w for w in windows if w.isVisible()]
        if not shown or not shown[0].is_idle():
            QTimer.singleShot(50, close_when_shown)
            return
        seen.append(shown[0].count_label.text())
        shown[0].close()
        loop.quit()

    QTimer.singleShot(50, close_when_shown)
    assert run_window(str(library_file)) == 0
    assert seen and seen[0].endswith("passages")
    assert calls == ["settle", "warm"]


def test_warm_up_loads_the_import_and_export_modules_and_freezes_the_heap() -> None:
    """In a fresh process: nothing of import or export is loaded before, all of it after."""
    script = (
        "import gc, sys\n"
        "from briefer.ui.application import WARM_UP_MODULES, warm_up\n"
        "before = [m for m in WARM_UP_MODULES if m in sys.modules]\n"
        "warm_up()\n"
        "after = [m for m in WARM_UP_MODULES if m not in sys.modules]\n"
        "print(before, after, gc.get_freeze_count() > 1000)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split("\n")[0] == "[] [] True"


def test_the_command_line_entry_point_reaches_the_window(monkeypatch) -> None:
    import briefer.app as app

    called: list[str | None] = []
    monkeypatch.setattr("briefer.ui.application.run_window", lambda db: called.append(db) or 0)
    assert app._open_window("somewhere.sqlite") == 0
    assert called == ["somewhere.sqlite"]


def test_warm_up_waits_while_the_window_is_busy(qtbot, monkeypatch) -> None:
    from briefer.ui import application

    ran: list[str] = []
    monkeypatch.setattr(application, "warm_up", lambda: ran.append("warm"))
    monkeypatch.setattr(application, "WARM_UP_DELAY_MS", 0)
    monkeypatch.setattr(application, "WARM_UP_RETRY_MS", 10)
    busy = [True]
    application.warm_up_later(busy=lambda: busy[0])
    qtbot.wait(150)
    assert ran == []  # a search is running: the loading waits
    busy[0] = False
    qtbot.waitUntil(lambda: ran == ["warm"], timeout=2000)
