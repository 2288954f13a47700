"""Starting the window: ``briefer`` with no command calls ``run_window``."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from briefer.domain.errors import BrieferError
from briefer.services.workspace import Workspace
from briefer.ui.jobs import wait_for_all
from briefer.ui.main_window import APPLICATION, ORGANIZATION, MainWindow, app_icon

# seconds a Python thread may hold the GIL while another waits for it (CPython: 0.005)
GUI_SWITCH_INTERVAL_S = 0.001


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    _favour_the_gui_thread()
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationName(APPLICATION)
    QApplication.setApplicationDisplayName("Briefer")
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setWindowIcon(app_icon())
    return app


def _favour_the_gui_thread() -> None:
    """Hand the GIL to the GUI thread sooner while import, export or search run beside it.

    Workers run Python (reportlab, pdfminer, SQLAlchemy rows) on their threads. Handling
    one timer tick or repaint takes the GUI thread many GIL acquisitions (each slot,
    delegate and property call), and with CPython's 5 ms switch interval each can wait a
    full interval behind a busy worker: a PDF export froze the window for 170-290 ms at a
    time. At 1 ms the longest freeze was 13-85 ms, with the export no slower (measured in
    docs/benchmarks.md, "Window").
    """
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)


def run_window(db: str | None) -> int:
    """Open the library (``db`` or the default) in the window; returns the exit code."""
    app = make_application()
    try:
        workspace = Workspace.open(db)
    except BrieferError as exc:
        QMessageBox.critical(None, "Briefer", f"Cannot open the library:\n{exc}")
        return 1
    window = MainWindow(workspace)
    window.show()
    try:
        return app.exec()
    finally:
        wait_for_all(10000)
        workspace.close()
