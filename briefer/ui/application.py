"""Starting the window: ``briefer`` with no command calls ``run_window``."""

from __future__ import annotations

import gc
import importlib
import sys
import threading
from collections.abc import Callable

from PySide6.QtCore import QTimer
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


def settle_heap() -> None:
    """Keep what start-up made (modules, widgets, caches) out of later full GC passes.

    A full pass of CPython's cyclic collector walks every tracked object, and it runs on
    whichever thread happens to allocate, holding the GIL: with the window up on a big
    library that was 50-100 ms, a visible freeze in the middle of a search. Frozen
    objects are never scanned again (they live as long as the window anyway), so later
    passes only walk what was made since: 0.1 ms instead of 60. Called once per
    process, after start-up's garbage is collected, so no garbage is frozen.
    """
    gc.collect()
    gc.freeze()


# What import, export and their checks load on first use, lazily (a plain-text import
# should not pay for pdfminer): python-docx, trafilatura, pdfminer, reportlab, lxml.
WARM_UP_MODULES = (
    "briefer.ingest.readers.text",
    "briefer.ingest.readers.html",
    "briefer.ingest.readers.docx",
    "briefer.ingest.readers.pdf",
    "docx",
    "pdfminer.high_level",
    "pdfminer.layout",
    "briefer.writers.docx",
    "briefer.writers.pdf",
    "briefer.writers.readback_docx",
    "briefer.writers.readback_pdf",
    "briefer.services.verification",
    "lxml.etree",
)
WARM_UP_DELAY_MS = 3000  # after start-up, when the window has shown its first results
WARM_UP_RETRY_MS = 500  # while the window is busy
warmed_up = threading.Event()  # set once the background loading is done (benchmarks wait)


def warm_up_later(busy: Callable[[], bool] = lambda: False) -> None:
    """Load the import and export modules in the background, once start-up is over.

    Loaded on first use instead, they froze the window for 100-140 ms at the start of
    the first import or export (a worker thread executing module code holds the GIL in
    long stretches). Loaded at start-up they would add 0.3 s before the first results.
    While ``busy()`` (a search or count running) the loading waits, so it never slows
    what the analyst is waiting for.
    """
    QTimer.singleShot(WARM_UP_DELAY_MS, lambda: _start_warm_up(busy))


def _start_warm_up(busy: Callable[[], bool]) -> None:
    if busy():
        QTimer.singleShot(WARM_UP_RETRY_MS, lambda: _start_warm_up(busy))
        return
    threading.Thread(target=warm_up, name="briefer-warm-up").start()


def warm_up() -> None:
    """Import ``WARM_UP_MODULES``, then keep them out of later full GC passes."""
    for name in WARM_UP_MODULES:
        importlib.import_module(name)
    settle_heap()
    warmed_up.set()


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
    settle_heap()
    warm_up_later(busy=lambda: not window.is_idle())
    try:
        return app.exec()
    finally:
        wait_for_all(10000)
        workspace.close()
