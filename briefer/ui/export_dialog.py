"""Exporting a briefing: format and options, a worker job, then "Open folder" and a preview.

After writing, the export is read back and every quote checked against the library (the
check ``briefer verify`` makes); the result is shown beside the file name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from briefer.domain.errors import BrieferError
from briefer.domain.progress import CancelToken, Progress
from briefer.services.workspace import ComposeOptions, Workspace
from briefer.ui.jobs import Job


def _safe_name(title: str) -> str:
    keep = "".join(c if c.isalnum() or c in " -_" else " " for c in title)
    return "-".join(keep.split())[:80] or "briefing"


class ExportDialog(QDialog):
    exported = Signal(str)  # the path written

    def __init__(
        self,
        workspace: Workspace,
        briefing_id: int,
        title: str,
        folder: Path,
        classification: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Export \u201c{title}\u201d")
        self.resize(560, 300)
        self.workspace = workspace
        self.briefing_id = briefing_id
        self.job: Job | None = None
        self.written: Path | None = None
        self.verify_report: Any = None
        self.error: str | None = None

        self.format = QComboBox()
        self.format.addItem("Word document (DOCX)", "docx")
        self.format.addItem("PDF", "pdf")
        self.format.currentIndexChanged.connect(self._format_changed)
        self.path = QLineEdit(str(folder / f"{_safe_name(title)}.docx"))
        self.path.setAccessibleName("Export file")
        browse = QPushButton("Browse\u2026")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.classification = QComboBox()
        self.classification.setEditable(True)
        self.classification.addItem("")
        self.classification.addItems(list(workspace.classifications()))
        self.classification.setCurrentText(classification or "")
        self.classification.setToolTip(
            "The marking printed on every page (empty: the briefing's own)"
        )
        self.citations = QComboBox()
        self.citations.addItem("Under each quote", "inline")
        self.citations.addItem("As numbered footnotes", "footnotes")
        self.kosovo = QCheckBox("Write \u201cKosovo*\u201d with the designation footnote")
        self.kosovo.setChecked(True)

        form = QFormLayout()
        form.addRow("&Format", self.format)
        form.addRow("&File", where)
        form.addRow("&Classification", self.classification)
        form.addRow("C&itations", self.citations)
        form.addRow("", self.kosovo)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            "&Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_folder = self.buttons.addButton(
            "Open &folder", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.preview_button = self.buttons.addButton(
            "&Preview", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.open_folder.setEnabled(False)
        self.preview_button.setEnabled(False)
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.open_folder.clicked.connect(self._open_folder)
        self.preview_button.clicked.connect(self._preview)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def set_format(self, fmt: str) -> None:
        self.format.setCurrentIndex(max(self.format.findData(fmt), 0))

    def _format_changed(self) -> None:
        fmt = self.format.currentData()
        path = Path(self.path.text() or "briefing")
        self.path.setText(str(path.with_suffix(f".{fmt}")))

    def _browse(self) -> None:
        fmt = self.format.currentData()
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.path.text(), f"{fmt.upper()} (*.{fmt})"
        )
        if chosen:
            self.path.setText(chosen)

    def options(self) -> ComposeOptions:
        return ComposeOptions(
            citation_mode=self.citations.currentData(),
            classification=self.classification.currentText().strip() or None,
            kosovo_footnote=self.kosovo.isChecked(),
        )

    def start(self) -> None:
        """Write the export on a worker thread, then read it back and check the quotes."""
        if self.job is not None:
            return
        fmt = self.format.currentData()
        target = Path(self.path.text()).expanduser()
        if target.suffix.lower() != f".{fmt}":
            target = target.with_suffix(f".{fmt}")
            self.path.setText(str(target))
        options = self.options()
        workspace, briefing_id = self.workspace, self.briefing_id

        def writer_progress(done: int, total: int) -> None:  # on the worker thread
            if self.job is not None:
                self.job.signals.progress.emit(done, total, f"writing {target.name}")

        def run(cancel: CancelToken) -> Any:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise BrieferError(f"{target.parent}: cannot create the folder ({exc})") from exc
            report = yield from workspace.export(
                briefing_id, fmt, target, options, cancel, progress=writer_progress
            )
            yield Progress(1, 1, "checking the quotes against the library")
            return report, workspace.verify(target)

        self.error = None
        self.progress.setRange(0, 0)
        self.status.setText(f"Writing {target.name}\u2026")
        self.export_button.setEnabled(False)
        self.job = Job(run)
        self.job.signals.progress.connect(self._progress)
        self.job.signals.finished.connect(lambda result: self._done(target, result))
        self.job.signals.failed.connect(self._failed)
        self.job.start()

    def _progress(self, done: int, total: int, message: str) -> None:
        self.status.setText(message)
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)

    def _done(self, target: Path, result: Any) -> None:
        report, verify = result
        self.job = None
        self.written = target
        self.verify_report = verify
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        warnings = list(getattr(report, "warnings", []) or [])
        if verify.ok:
            check = f"all {verify.quotes} quotes match the library"
        else:
            check = f"{len(verify.mismatches)} quote(s) do not match the library"
        lines = [f"Wrote {target} \u2014 {check}."]
        lines.extend(f"Warning: {w}" for w in warnings[:5])
        self.status.setText("\n".join(lines))
        self.export_button.setEnabled(True)
        self.open_folder.setEnabled(True)
        self.preview_button.setEnabled(target.suffix.lower() == ".pdf" and pdf_preview_available())
        self.exported.emit(str(target))

    def _failed(self, message: str) -> None:
        self.job = None
        self.error = message
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText(f"Export failed: {message}")
        self.export_button.setEnabled(True)

    def _open_folder(self) -> None:
        if self.written is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written.parent)))

    def _preview(self) -> None:
        if self.written is not None:
            PdfPreview(self.written, self).show()


def pdf_preview_available() -> bool:
    try:
        from PySide6.QtPdf import QPdfDocument  # noqa: F401
        from PySide6.QtPdfWidgets import QPdfView  # noqa: F401
    except ImportError:
        return False
    return True


class PdfPreview(QDialog):
    """The exported PDF, shown with QtPdf inside the app."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        self.setWindowTitle(f"Preview \u2014 {path.name}")
        self.resize(720, 900)
        self.document = QPdfDocument(self)
        self.document.load(str(path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)

    def page_count(self) -> int:
        return self.document.pageCount()
