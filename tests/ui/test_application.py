"""``briefer`` with no command opens the window on the library it is given."""

from __future__ import annotations

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


def test_the_command_line_entry_point_reaches_the_window(monkeypatch) -> None:
    import briefer.app as app

    called: list[str | None] = []
    monkeypatch.setattr("briefer.ui.application.run_window", lambda db: called.append(db) or 0)
    assert app._open_window("somewhere.sqlite") == 0
    assert called == ["somewhere.sqlite"]
