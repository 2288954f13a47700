"""The main window: filters | search and results over the preview | the briefing.

Layout and wiring only. Searches run on the thread pool (``ResultsModel``), debounced while
typing; the briefing is edited through ``OutlineModel``; import and export run as jobs in
their own non-modal dialogs. Files dropped on the window are imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from briefer.paths import resources_dir
from briefer.services.workspace import SearchRequest, Workspace
from briefer.ui.briefing_pane import BriefingPane
from briefer.ui.delegates import ResultDelegate
from briefer.ui.export_dialog import ExportDialog
from briefer.ui.facets import FacetsPane, FacetTrees, facet_trees
from briefer.ui.import_dialog import ImportDialog
from briefer.ui.jobs import Job, call_in_background, pool
from briefer.ui.outline_model import OutlineModel
from briefer.ui.preview import PreviewPane
from briefer.ui.results_model import PassageIdRole, ResultsModel

ORGANIZATION = "Briefer"
APPLICATION = "Briefer"
SEARCH_DELAY_MS = 250
ICONS = resources_dir() / "icons"


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256):
        png = ICONS / f"briefer-{size}.png"
        if png.is_file():
            icon.addFile(str(png))
    svg = ICONS / "briefer.svg"
    if svg.is_file():
        icon.addFile(str(svg))
    return icon


class EmptyLibraryBanner(QWidget):
    """First run: the library is empty; offer the sample library or an import."""

    loadSample = Signal()
    importFiles = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        text = QLabel(
            "<b>This library is empty.</b> Load the sample library (twelve fictional "
            "communiqu\u00e9s) to try Briefer, or import your own documents. "
            "You can also drop files on this window."
        )
        text.setWordWrap(True)
        self.sample_button = QPushButton("Load the &sample library")
        self.sample_button.clicked.connect(self.loadSample.emit)
        self.import_button = QPushButton("&Import files\u2026")
        self.import_button.clicked.connect(self.importFiles.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sample_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(buttons)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(self.palette().ColorRole.AlternateBase)


class MainWindow(QMainWindow):
    errorShown = Signal(str)

    def __init__(self, workspace: Workspace, *, settings: QSettings | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.settings = settings or QSettings(ORGANIZATION, APPLICATION)
        self.setWindowTitle("Briefer")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.import_dialog: ImportDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.last_error = ""
        self._library_jobs: set[Job] = set()
        self._sized = False

        # Models.
        self.results = ResultsModel(workspace, self)
        self.outline = OutlineModel(workspace, self)

        # Filters.
        self.facets = FacetsPane()
        self.facets.changed.connect(self.schedule_search)
        self.results.facetsChanged.connect(self.facets.set_counts)

        # Search box and results.
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(
            'Search passages: words, "a phrase", OR, -word, prefix*  (Ctrl+F)'
        )
        self.search_box.setToolTip(
            'Words must all appear; "quotes" for a phrase; OR, AND, NOT (in capitals);\n'
            "-word leaves it out; border* matches borders, bordering...; (parentheses) group.\n"
            "Accents and Cyrillic do not matter: dacic finds Da\u010di\u0107."
        )
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName("Search")
        self.search_box.textChanged.connect(self.schedule_search)
        self.search_box.returnPressed.connect(self.run_search)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(SEARCH_DELAY_MS)
        self.debounce.timeout.connect(self.run_search)
        self.sort_button = QPushButton("Sort: relevance")
        self.sort_button.setCheckable(True)
        self.sort_button.setToolTip("Sort by relevance or by date (newest first)")
        self.sort_button.toggled.connect(self._sort_toggled)
        self.count_label = QLabel("")
        self.results_view = QListView()
        self.results_view.setModel(self.results)
        self.delegate = ResultDelegate(self.results_view)
        self.results_view.setItemDelegate(self.delegate)
        self.results_view.setUniformItemSizes(True)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.results_view.setDragEnabled(True)
        self.results_view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.results_view.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_view.setAccessibleName("Results")
        self.results_view.selectionModel().currentChanged.connect(self._result_current)
        self.results.totalChanged.connect(self._total_changed)
        self.results.failed.connect(self.show_error)
        self.banner = EmptyLibraryBanner()
        self.banner.loadSample.connect(self.load_sample)
        self.banner.importFiles.connect(self.choose_import)
        self.banner.hide()

        search_row = QHBoxLayout()
        search_row.addWidget(self.search_box, 1)
        search_row.addWidget(self.sort_button)
        results_box = QWidget()
        results_layout = QVBoxLayout(results_box)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addLayout(search_row)
        results_layout.addWidget(self.banner)
        results_layout.addWidget(self.count_label)
        results_layout.addWidget(self.results_view, 1)

        # Preview.
        self.preview = PreviewPane(workspace)
        self.preview.errorOccurred.connect(self.show_error)
        self.preview.tagsChanged.connect(self.refresh_library_views)
        self.preview.meetingChanged.connect(self.refresh_library_views)

        # Briefing.
        self.briefing = BriefingPane(self.outline)
        self.briefing.errorOccurred.connect(self.show_error)
        self.briefing.exportRequested.connect(self.export)
        self.briefing.briefingSelected.connect(self._briefing_selected)
        self.outline.errorOccurred.connect(self.show_error)

        # Splitters: filters | (results / preview) | briefing.
        self.middle = QSplitter(Qt.Orientation.Vertical)
        self.middle.addWidget(results_box)
        self.middle.addWidget(self.preview)
        self.middle.setStretchFactor(0, 3)
        self.middle.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.facets)
        self.splitter.addWidget(self.middle)
        self.splitter.addWidget(self.briefing)
        # Extra width is shared a quarter to the filters, a third to the briefing.
        for index, share in enumerate((25, 42, 33)):
            self.splitter.setStretchFactor(index, share)
        self.facets.setMinimumWidth(240)
        self.briefing.setMinimumWidth(300)
        for index in range(3):
            self.splitter.setCollapsible(index, False)
        self.splitter.setSizes([320, 540, 420])
        self.middle.setSizes([450, 300])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)
        self.setCentralWidget(central)

        self._make_actions()
        self.statusBar().showMessage(f"Library: {workspace.url}")
        self.refresh_library_views()
        self.briefing.refresh_list()
        self._restore_settings()

    # --- actions and menus -----------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, tip: str | None = None) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.import_action = self._action("&Import files\u2026", self.choose_import, "Ctrl+I")
        self.import_folder_action = self._action("Import &folder\u2026", self.choose_import_folder)
        self.sample_action = self._action("Load the &sample library", self.load_sample)
        self.export_action = self._action("&Export briefing\u2026", self.export, "Ctrl+E")
        quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        for action in (self.import_action, self.import_folder_action, self.sample_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self.outline.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.outline.undo_group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.find_action = self._action("&Find", self.focus_search, QKeySequence.StandardKey.Find)
        self.add_action = self._action(
            "&Add selection to the current section", self.add_selection_to_briefing, "Ctrl+Return"
        )
        self.add_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.clear_filters_action = self._action(
            "&Clear filters", self.facets.clear, "Ctrl+Shift+L"
        )
        for action in (self.find_action, self.add_action, self.clear_filters_action):
            edit_menu.addAction(action)

        briefing_menu = bar.addMenu("&Briefing")
        self.new_briefing_action = self._action(
            "&New briefing\u2026",
            lambda: self.briefing.new_briefing(None),
            QKeySequence.StandardKey.New,
        )
        self.rename_briefing_action = self._action(
            "Rena&me briefing\u2026", lambda: self.briefing.rename_briefing()
        )
        self.add_section_action = self._action(
            "Add &section\u2026", self.briefing.add_section, "Ctrl+Shift+N"
        )
        self.rename_action = self._action("&Rename\tF2", self.briefing.rename_current)
        self.focus_outline_action = self._action(
            "Go to the &outline", self.briefing.view.setFocus, "Ctrl+2"
        )
        self.focus_results_action = self._action(
            "Go to the &results", self.results_view.setFocus, "Ctrl+1"
        )
        self.focus_filters_action = self._action(
            "Go to the &filters", self.facets.tabs.setFocus, "Ctrl+0"
        )
        briefing_menu.addAction(self.new_briefing_action)
        briefing_menu.addMenu(self.briefing.new_menu).setText("New &from preset")
        for action in (
            self.rename_briefing_action,
            self.add_section_action,
            self.rename_action,
            self.export_action,
        ):
            briefing_menu.addAction(action)
        self.reset_layout_action = self._action("Reset the &layout", self.reset_layout)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.reset_layout_action)
        view_menu.addSeparator()
        for action in (
            self.focus_filters_action,
            self.focus_results_action,
            self.focus_outline_action,
        ):
            view_menu.addAction(action)

    # --- searching -------------------------------------------------------------------------

    def current_request(self) -> SearchRequest:
        sort = "date" if self.sort_button.isChecked() else "relevance"
        return self.facets.apply_to(SearchRequest(query=self.search_box.text(), sort=sort))

    def schedule_search(self) -> None:
        self.debounce.start()

    def run_search(self) -> None:
        self.debounce.stop()
        self.count_label.setText("Searching\u2026")
        self.results.set_request(self.current_request())

    def _sort_toggled(self, by_date: bool) -> None:
        self.sort_button.setText("Sort: date" if by_date else "Sort: relevance")
        self.run_search()

    def _total_changed(self, total: int) -> None:
        self.count_label.setText(f"{total:,} passage{'s' if total != 1 else ''}")

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _result_current(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        self.preview.show_passage(current.data(PassageIdRole) if current.isValid() else None)

    def selected_passages(self) -> list[int]:
        indexes = self.results_view.selectionModel().selectedIndexes()
        if not indexes and self.results_view.currentIndex().isValid():
            indexes = [self.results_view.currentIndex()]
        return self.results.passage_ids(indexes)

    def add_selection_to_briefing(self) -> None:
        ids = self.selected_passages()
        if not ids:
            self.statusBar().showMessage("Select passages in the results first", 4000)
            return
        if self.briefing.add_passages(ids):
            self.statusBar().showMessage(f"Added {len(ids)} passage(s) to the briefing", 4000)

    # --- library views ---------------------------------------------------------------------

    def refresh_library_views(self) -> None:
        """Re-read the facet lists (after an import, a tag or a meeting correction), off the GUI thread."""
        workspace = self.workspace

        def read() -> tuple[Any, ...]:
            themes = workspace.themes(with_counts=False)  # counts come with the facet counts
            countries = workspace.countries()
            trees = facet_trees(workspace.meetings(), themes, countries)
            return trees, themes, countries, workspace.document_count() == 0

        job = call_in_background(read)
        self._library_jobs.add(job)

        def done(result: tuple[Any, ...]) -> None:
            self._library_jobs.discard(job)
            self._show_library_views(*result)

        def failed(message: str) -> None:
            self._library_jobs.discard(job)
            self.show_error(message)

        job.signals.finished.connect(done)
        job.signals.failed.connect(failed)
        job.start(pool("counts"))
        self.run_search()

    def _show_library_views(
        self, trees: FacetTrees, themes: Any, countries: Any, empty: bool
    ) -> None:
        self.facets.load_trees(trees)
        labels: dict[str, str] = {}

        def walk(nodes: Any) -> None:
            for node in nodes:
                labels[node.id] = node.label
                walk(node.children)

        walk(themes)
        self.delegate.theme_labels = labels
        self.results_view.viewport().update()
        choices = [
            ("theme", key, f"Theme: {label}")
            for key, label in sorted(labels.items(), key=lambda kv: kv[1])
        ]
        choices += [("country", c.code, f"Country: {c.name}") for c in countries]
        self.preview.set_tag_choices(choices)
        self.banner.setVisible(empty)

    def is_idle(self) -> bool:
        """No search waiting or running and the facet lists loaded (tests wait for this)."""
        return not (self.debounce.isActive() or self.results.loading or self._library_jobs)

    # --- import ----------------------------------------------------------------------------

    def choose_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Import documents",
            self._last_folder(),
            "Documents (*.txt *.md *.html *.htm *.docx *.pdf);;All files (*)",
        )
        if files:
            self.import_paths(files)

    def choose_import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder", self._last_folder())
        if folder:
            self.import_paths([folder])

    def load_sample(self) -> None:
        self.import_paths([self.workspace.sample_folder()])

    def import_paths(self, paths: list[str] | list[Path]) -> ImportDialog | None:
        if self.import_dialog is not None and not self.import_dialog.done:
            self.show_error("an import is already running; wait for it or cancel it")
            return None
        if paths:
            self.settings.setValue("import/folder", str(Path(paths[0]).parent))
        dialog = ImportDialog(self.workspace, paths, self)
        dialog.finishedImport.connect(lambda _report: self._imported(dialog))
        self.import_dialog = dialog
        dialog.show()
        dialog.start()
        return dialog

    def _imported(self, dialog: ImportDialog) -> None:
        """Re-read the lists and the results if the import stored anything.

        Duplicates and failures change nothing; at a million passages the re-read costs
        the GUI thread about 100 ms and the library a second of counting.
        """
        if dialog.counts()["imported"]:
            self.refresh_library_views()

    def _last_folder(self) -> str:
        return str(
            self.settings.value("import/folder", "")
            or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)
        else:
            super().dropEvent(event)

    # --- export ----------------------------------------------------------------------------

    def export(self) -> ExportDialog | None:
        outline = self.outline.outline
        if outline is None:
            self.show_error("no briefing is open: create or choose one first")
            return None
        self.briefing.commit_note()
        folder = Path(
            str(
                self.settings.value("export/folder", "")
                or QStandardPaths.writableLocation(
                    QStandardPaths.StandardLocation.DocumentsLocation
                )
            )
        )
        dialog = ExportDialog(
            self.workspace, outline.id, outline.title, folder, outline.classification, self
        )
        dialog.exported.connect(
            lambda path: self.settings.setValue("export/folder", str(Path(path).parent))
        )
        self.export_dialog = dialog
        dialog.show()
        return dialog

    # --- errors, settings ------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        """Errors go to the status bar (and a dialog when the window is in use)."""
        self.last_error = message
        self.statusBar().showMessage(message, 10000)
        self.errorShown.emit(message)

    def _briefing_selected(self, briefing_id: int) -> None:
        self.settings.setValue("briefing/last", briefing_id)

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        for name, splitter in (("window/splitter", self.splitter), ("window/middle", self.middle)):
            state = self.settings.value(name)
            if isinstance(state, QByteArray):
                restored = splitter.restoreState(state)
                self._sized = self._sized or (restored and splitter is self.splitter)
        last = self.settings.value("briefing/last")
        briefings = [b.id for b in self.workspace.briefings()]
        try:
            wanted = int(last) if last else None
        except (TypeError, ValueError):
            wanted = None
        if wanted not in briefings:
            wanted = briefings[0] if briefings else None
        if wanted is not None:
            self.briefing.open_briefing(wanted)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if not self._sized:  # first show without remembered sizes: a quarter for the filters
            self._sized = True
            QTimer.singleShot(0, self.reset_layout)

    def reset_layout(self) -> None:
        """A quarter of the width for the filters, a third for the briefing."""
        width = self.splitter.width()
        self.splitter.setSizes([width * 25 // 100, width * 42 // 100, width * 33 // 100])

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/middle", self.middle.saveState())
        if self.outline.briefing_id:
            self.settings.setValue("briefing/last", self.outline.briefing_id)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.briefing.commit_note()
        if self.import_dialog is not None and not self.import_dialog.done:
            answer = QMessageBox.question(
                self,
                "Import running",
                "An import is still running. Cancel it and quit? Files already imported are kept.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.import_dialog.cancel()
        self.save_settings()
        super().closeEvent(event)
