"""Importing files: a worker job, a progress bar, one line per file, Cancel.

The dialog is not modal: the window stays usable while files are read. Each file is its
own transaction in the importer, so Cancel keeps every file already imported and never
leaves half a document.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from briefer.services.workspace import Workspace
from briefer.ui.jobs import Job

StatusRole = Qt.ItemDataRole.UserRole + 1
_SYMBOLS = {"imported": "\u2713", "duplicate": "=", "failed": "\u2717"}


class ImportDialog(QDialog):
    finishedImport = Signal(object)  # the ImportReport, or None when cancelled or failed

    def __init__(
        self, workspace: Workspace, paths: Sequence[Path | str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import documents")
        self.setModal(False)
        self.resize(640, 420)
        self.workspace = workspace
        self.paths = [Path(p) for p in paths]
        self.outcomes = QStandardItemModel(self)
        self.report: Any = None
        self.cancelled = False
        self.done = False

        self.status = QLabel(f"Importing {len(self.paths)} item(s)\u2026")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.list = QListView()
        self.list.setModel(self.outcomes)
        self.list.setAccessibleName("Import results")
        self.list.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.cancel_button: QPushButton = self.buttons.addButton(
            QDialogButtonBox.StandardButton.Cancel
        )
        self.close_button: QPushButton = self.buttons.addButton(
            QDialogButtonBox.StandardButton.Close
        )
        self.close_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)

        self.job = Job(lambda cancel: self.workspace.import_files(self.paths, cancel))
        self.job.signals.progress.connect(self._progress)
        self.job.signals.item.connect(self._outcome)
        self.job.signals.finished.connect(self._finished)
        self.job.signals.failed.connect(self._failed)
        self.job.signals.cancelled.connect(self._cancelled)

    def start(self) -> ImportDialog:
        self.job.start()
        return self

    def cancel(self) -> None:
        if self.done:
            self.reject()
            return
        self.cancelled = True
        self.cancel_button.setEnabled(False)
        self.status.setText("Cancelling after the current file\u2026")
        self.job.cancel()

    def reject(self) -> None:  # Escape or the close box: cancel first if still running
        if not self.done:
            self.cancel()
            return
        super().reject()

    def _progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if not self.cancelled:
            self.status.setText(
                f"{done} of {total}: {Path(message).name}" if total > 0 else message
            )

    def _outcome(self, outcome: Any) -> None:
        if not hasattr(outcome, "status"):
            return
        line = f"{_SYMBOLS.get(outcome.status, '?')} {outcome.path.name}: {outcome.message}"
        item = QStandardItem(line)
        item.setEditable(False)
        item.setData(outcome.status, StatusRole)
        item.setToolTip(str(outcome.path))
        self.outcomes.appendRow(item)
        self.list.scrollToBottom()

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {"imported": 0, "duplicate": 0, "failed": 0}
        for row in range(self.outcomes.rowCount()):
            status = self.outcomes.item(row).data(StatusRole)
            found[status] = found.get(status, 0) + 1
        return found

    def _end(self, summary: str) -> None:
        self.done = True
        self.status.setText(summary)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self.close_button.setDefault(True)

    def _summary(self) -> str:
        c = self.counts()
        return f"{c['imported']} imported, {c['duplicate']} duplicate(s), {c['failed']} failed"

    def _finished(self, report: Any) -> None:
        self.report = report
        cancelled = bool(getattr(report, "cancelled", False))
        self._end(("Cancelled: " if cancelled else "Done: ") + self._summary())
        self.finishedImport.emit(report)

    def _failed(self, message: str) -> None:
        self._end(f"Import stopped: {message}. {self._summary()}")
        self.finishedImport.emit(None)

    def _cancelled(self) -> None:
        self._end(f"Cancelled: {self._summary()}")
        self.finishedImport.emit(None)
