"""The briefing pane: which briefing, its outline tree, and the note or introduction editor.

Layout and wiring only: every edit goes through the ``OutlineModel`` (which stores it and
makes it undoable). The note editor commits when it loses focus or the selection moves.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from briefer.domain.errors import BrieferError
from briefer.services.workspace import UpdateBriefing
from briefer.ui.delegates import OutlineDelegate
from briefer.ui.outline_model import IdRole, IntroRole, KindRole, NoteRole, OutlineModel

NOTE_SAVE_DELAY_MS = 1500


class NoteEdit(QPlainTextEdit):
    """A plain text editor that says when the user is done with it (focus leaves)."""

    committed = Signal()

    def focusOutEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.committed.emit()
        super().focusOutEvent(event)


class OutlineView(QTreeView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setAccessibleName("Briefing outline")

    def dragMoveEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        # Passages and outside text are copies; outline rows move.
        super().dragMoveEvent(event)
        if event.source() is not self and event.isAccepted():
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()


class BriefingPane(QWidget):
    briefingSelected = Signal(int)  # 0: none
    errorOccurred = Signal(str)
    exportRequested = Signal()

    def __init__(self, model: OutlineModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.workspace = model.workspace

        self.chooser = QComboBox()
        self.chooser.setAccessibleName("Briefing")
        self.chooser.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.chooser.setMinimumContentsLength(16)
        self.chooser.activated.connect(self._chosen)
        self.new_button = QPushButton("&New briefing")
        self.new_button.setToolTip("A new briefing, blank or from a preset")
        self.new_menu = QMenu(self)
        self.new_button.setMenu(self.new_menu)
        self._fill_new_menu()

        self.view = OutlineView()
        self.view.setModel(model)
        self.view.setItemDelegate(OutlineDelegate(self.view))
        model.outlineReloaded.connect(self._after_reload)
        self.view.selectionModel().currentChanged.connect(self._current_changed)

        self.add_section_button = QToolButton()
        self.add_section_button.setText("+ Section")
        self.add_section_button.setToolTip("Add a section after the current one")
        self.add_section_button.clicked.connect(self.add_section)
        self.delete_button = QToolButton()
        self.delete_button.setText("Delete")
        self.delete_button.setToolTip("Delete the selected sections or items (Delete)")
        self.delete_button.clicked.connect(self.delete_selected)
        self.export_button = QToolButton()
        self.export_button.setText("Export\u2026")
        self.export_button.setToolTip("Export as DOCX or PDF (Ctrl+E)")
        self.export_button.clicked.connect(self.exportRequested.emit)

        self.note_label = QLabel("Note")
        self.note = NoteEdit()
        self.note.setPlaceholderText(
            "Select an item to write a note, or a section for its introduction"
        )
        self.note.setAccessibleName("Note or introduction")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(90)
        self.note.committed.connect(self.commit_note)
        self._note_target: tuple[str, int] | None = None
        # Typing is stored after a short pause too, so a crash loses at most that pause.
        self.note_timer = QTimer(self)
        self.note_timer.setSingleShot(True)
        self.note_timer.setInterval(NOTE_SAVE_DELAY_MS)
        self.note_timer.timeout.connect(self.commit_note)
        self.note.textChanged.connect(self._note_typed)

        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Briefing</b>"))
        top.addWidget(self.chooser, 1)
        top.addWidget(self.new_button)
        tools = QHBoxLayout()
        tools.addWidget(self.add_section_button)
        tools.addWidget(self.delete_button)
        tools.addStretch(1)
        tools.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(tools)
        layout.addWidget(self.note_label)
        layout.addWidget(self.note)
        self.hint = QLabel("Drag passages here, or select them and press Ctrl+Enter.")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)

        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for text, shortcut, slot in (
            ("Add section\u2026", None, self.add_section),
            ("Rename", "F2", self.rename_current),
            ("Move up", "Alt+Up", lambda: self.move_selected(-1)),
            ("Move down", "Alt+Down", lambda: self.move_selected(1)),
            ("Delete", QKeySequence.StandardKey.Delete, self.delete_selected),
        ):
            action = QAction(text, self.view)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.view.addAction(action)
        self._update_buttons()

    # --- briefings -------------------------------------------------------------------------

    def _fill_new_menu(self) -> None:
        self.new_menu.clear()
        blank = self.new_menu.addAction("Blank briefing")
        blank.triggered.connect(lambda: self.new_briefing(None))
        for preset in self.workspace.presets():
            action = self.new_menu.addAction(preset.name)
            action.setToolTip(preset.description)
            action.triggered.connect(lambda _=False, key=preset.key: self.new_briefing(key))

    def refresh_list(self, select: int | None = None) -> None:
        current = select if select is not None else self.model.briefing_id
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for summary in self.workspace.briefings():
            self.chooser.addItem(f"{summary.title}  ({summary.items})", summary.id)
        index = self.chooser.findData(current) if current else -1
        self.chooser.setCurrentIndex(index)
        self.chooser.blockSignals(False)

    def _chosen(self, row: int) -> None:
        self.open_briefing(self.chooser.itemData(row))

    def open_briefing(self, briefing_id: int | None) -> None:
        self.commit_note()
        self.model.set_briefing(briefing_id)
        self.refresh_list(briefing_id)
        self.briefingSelected.emit(self.model.briefing_id or 0)

    def new_briefing(self, preset: str | None, title: str | None = None) -> int | None:
        if title is None:
            title, ok = QInputDialog.getText(self, "New briefing", "Title:", text="New briefing")
            if not ok or not title.strip():
                return None
        try:
            change = self.workspace.create_briefing(title, preset=preset)
        except BrieferError as exc:
            self.errorOccurred.emit(str(exc))
            return None
        self.open_briefing(change.briefing_id)
        return change.briefing_id

    def rename_briefing(self, title: str | None = None) -> bool:
        outline = self.model.outline
        if outline is None:
            return False
        if title is None:
            title, ok = QInputDialog.getText(self, "Rename briefing", "Title:", text=outline.title)
            if not ok:
                return False
        if not title.strip() or title.strip() == outline.title:
            return False
        op = UpdateBriefing(outline.id, (("title", title.strip()),), label="Rename briefing")
        done = self.model.apply(op) is not None
        self.refresh_list()
        return done

    # --- the outline -----------------------------------------------------------------------

    def _after_reload(self) -> None:
        self.view.expandAll()
        self._update_buttons()
        index = self.chooser.findData(self.model.briefing_id) if self.model.briefing_id else -1
        if index >= 0 and self.model.outline is not None:
            self.chooser.setItemText(
                index, f"{self.model.outline.title}  ({self.model.outline.item_count})"
            )
        self._load_note(self.view.currentIndex())

    def _update_buttons(self) -> None:
        has = self.model.outline is not None
        self.hint.setText(
            "Drag passages here, or select them and press Ctrl+Enter."
            if has
            else "No briefing yet: click \u201cNew briefing\u201d (a preset gives you its "
            "sections), or select passages and press Ctrl+Enter to start one."
        )
        for widget in (self.add_section_button, self.delete_button, self.export_button, self.view):
            widget.setEnabled(has)

    def current_section_id(self) -> int | None:
        section = self.model.section_id_for(self.view.currentIndex())
        if section is None and self.model.outline is not None and self.model.outline.sections:
            return self.model.outline.sections[-1].id
        return section

    def add_section(self) -> None:
        heading, ok = QInputDialog.getText(self, "Add section", "Heading:", text="New section")
        if ok and heading.strip():
            self.add_section_named(heading)

    def add_section_named(self, heading: str) -> int | None:
        position = None
        current = self.view.currentIndex()
        if current.isValid():
            section_row = current.row() if current.internalId() == 0 else current.internalId() - 1
            position = section_row + 1
        section_id = self.model.add_section(heading, position)
        if section_id is not None:
            self.view.setCurrentIndex(self.model.section_index(section_id))
        return section_id

    def rename_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid() and self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            self.view.edit(index)

    def move_selected(self, delta: int) -> bool:
        """Alt+Up / Alt+Down: the current section, or the selected items, one step.

        Items at the edge of their section step into the neighbouring section.
        """
        outline = self.model.outline
        current = self.view.currentIndex()
        if outline is None or not current.isValid():
            return False
        if current.internalId() == 0:
            row = current.row()
            target = row - 1 if delta < 0 else row + 2
            if target < 0 or target > len(outline.sections):
                return False
            section_id = outline.sections[row].id
            moved = self.model.moveRows(QModelIndex(), row, 1, QModelIndex(), target)
            if moved:
                self.view.setCurrentIndex(self.model.section_index(section_id))
            return moved
        section_row = current.internalId() - 1
        section = outline.sections[section_row]
        selected = sorted(
            i.row()
            for i in self.view.selectionModel().selectedIndexes()
            if i.internalId() == section_row + 1
        ) or [current.row()]
        ids = [section.items[r].id for r in selected]
        first, last = selected[0], selected[-1]
        if delta < 0 and first > 0:
            moved = self.model.move_items(ids, section.id, first - 1)
        elif delta > 0 and last < len(section.items) - 1:
            moved = self.model.move_items(ids, section.id, last + 2)
        elif delta < 0 and section_row > 0:
            before = outline.sections[section_row - 1]
            moved = self.model.move_items(ids, before.id, len(before.items))
        elif delta > 0 and section_row < len(outline.sections) - 1:
            moved = self.model.move_items(ids, outline.sections[section_row + 1].id, 0)
        else:
            return False
        if moved:
            self.select_items(ids)
        return moved

    def select_items(self, item_ids: list[int]) -> None:
        selection = self.view.selectionModel()
        selection.clearSelection()
        for n, item_id in enumerate(item_ids):
            index = self.model.item_index(item_id)
            if index.isValid():
                flag = selection.SelectionFlag.Select
                if n == 0:
                    self.view.setCurrentIndex(index)
                selection.select(index, flag)

    def delete_selected(self) -> None:
        indexes = self.view.selectionModel().selectedIndexes()
        if not indexes and self.view.currentIndex().isValid():
            indexes = [self.view.currentIndex()]
        self.model.remove(indexes)

    def add_passages(self, passage_ids: list[int]) -> bool:
        """Ctrl+Enter: the passages go to the end of the current section."""
        if self.model.outline is None and self.new_briefing(None, title="New briefing") is None:
            return False
        return self.model.add_quotes(passage_ids, self.current_section_id())

    # --- note and introduction -------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.commit_note()
        self._load_note(current)

    def _load_note(self, index: QModelIndex) -> None:
        if self.note.hasFocus() and self._note_target is not None:
            return  # do not overwrite what the user is typing
        if not index.isValid():
            self._note_target = None
            self.note_label.setText("Note")
            self.note.setPlainText("")
            self.note.setEnabled(False)
            return
        self.note.setEnabled(True)
        if index.data(KindRole) == "section":
            self._note_target = ("section", index.data(IdRole))
            self.note_label.setText("Introduction to this section")
            self.note.setPlaceholderText(
                "An introduction printed under the heading (saved as you type)"
            )
            self.note.setPlainText(index.data(IntroRole) or "")
        else:
            self._note_target = ("item", index.data(IdRole))
            self.note_label.setText("Analyst note on this item")
            self.note.setPlaceholderText("A note printed with this item (saved as you type)")
            self.note.setPlainText(index.data(NoteRole) or "")

    def _note_typed(self) -> None:
        if self.note.hasFocus():
            self.note_timer.start()

    def commit_note(self) -> None:
        self.note_timer.stop()
        target = self._note_target
        if target is None or self.model.outline is None:
            return
        kind, target_id = target
        text = self.note.toPlainText().strip() or None
        if kind == "section":
            index = self.model.section_index(target_id)
            if index.isValid() and (index.data(IntroRole) or None) != text:
                self.model.set_intro(target_id, text)
        else:
            index = self.model.item_index(target_id)
            if index.isValid() and (index.data(NoteRole) or None) != text:
                self.model.set_note(target_id, text)
