"""Starting the window: ``briefer`` with no command calls ``run_window``."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from briefer.domain.errors import BrieferError
from briefer.services.workspace import Workspace
from briefer.ui.jobs import wait_for_all
from briefer.ui.main_window import APPLICATION, ORGANIZATION, MainWindow, app_icon


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationName(APPLICATION)
    QApplication.setApplicationDisplayName("Briefer")
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setWindowIcon(app_icon())
    return app


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
