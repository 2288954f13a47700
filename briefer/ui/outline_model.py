"""The briefing outline as a Qt tree model: sections, and under each its items.

Every edit (drop, move, rename, note, delete) becomes one briefing operation of the
service layer, applied at once in its own transaction (no Save button: what is shown is
stored), then pushed on the briefing's ``QUndoStack`` holding the operation's inverse.
Undo applies the inverse, whose own inverse is kept for redo. After each change the model
re-reads the outline from the library, so the tree always shows what is stored.

Drag and drop goes through ``mimeData``/``dropMimeData`` and ``moveRows``. A move is done
in ``dropMimeData`` itself; ``removeRows`` is deliberately not implemented, so the view's
"remove the source after a move" step does nothing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QUndoCommand, QUndoGroup, QUndoStack

from briefer.briefing.citations import cite_passage
from briefer.domain.errors import BrieferError, NotFound
from briefer.services.workspace import (
    ArrangeSections,
    Batch,
    BriefingOutline,
    Change,
    InsertItems,
    InsertSection,
    ItemData,
    MoveItems,
    Operation,
    Placement,
    RemoveItems,
    RemoveSection,
    SectionData,
    UpdateItem,
    UpdateSection,
    Workspace,
)
from briefer.ui.mime import (
    OUTLINE_MIME,
    PASSAGE_MIME,
    TEXT_MIME,
    OutlinePayload,
    outline_mime,
    outline_payload_of,
    passage_ids_of,
    quote_text,
)

KindRole = Qt.ItemDataRole.UserRole + 1  # "section", "quote" or "text"
IdRole = Qt.ItemDataRole.UserRole + 2  # the section's or item's id
NoteRole = Qt.ItemDataRole.UserRole + 3  # an item's note
IntroRole = Qt.ItemDataRole.UserRole + 4  # a section's introduction
CitationRole = Qt.ItemDataRole.UserRole + 5
PassageIdRole = Qt.ItemDataRole.UserRole + 6

_PREVIEW_CHARS = 220
DEFAULT_HEADING = "Quotes"  # the section made for quotes when a briefing has none
ModelIndex = QModelIndex | QPersistentModelIndex


class OperationCommand(QUndoCommand):
    """One applied edit on the undo stack; holds the operation that reverses it."""

    def __init__(self, model: OutlineModel, change: Change, label: str) -> None:
        super().__init__(label)
        self._model = model
        self._pending = change.inverse
        self._first = True

    def redo(self) -> None:
        if self._first:  # pushed after being applied: nothing to do the first time
            self._first = False
            return
        self._pending = self._model._replay(self._pending, self)

    def undo(self) -> None:
        self._pending = self._model._replay(self._pending, self)


class OutlineModel(QAbstractItemModel):
    errorOccurred = Signal(str)
    briefingChanged = Signal(int)  # the briefing shown (0: none)
    outlineReloaded = Signal()

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.outline: BriefingOutline | None = None
        self.undo_group = QUndoGroup(self)
        self._stacks: dict[int, QUndoStack] = {}

    # --- which briefing --------------------------------------------------------------------

    @property
    def briefing_id(self) -> int | None:
        return self.outline.id if self.outline is not None else None

    def set_briefing(self, briefing_id: int | None) -> None:
        self.beginResetModel()
        try:
            self.outline = self.workspace.outline(briefing_id) if briefing_id else None
        except BrieferError as exc:
            self.outline = None
            self.errorOccurred.emit(str(exc))
        self.endResetModel()
        if self.outline is not None:
            stack = self._stacks.get(self.outline.id)
            if stack is None:
                stack = self._stacks[self.outline.id] = QUndoStack(self.undo_group)
            self.undo_group.setActiveStack(stack)
        else:
            self.undo_group.setActiveStack(None)
        self.briefingChanged.emit(self.briefing_id or 0)
        self.outlineReloaded.emit()

    @property
    def undo_stack(self) -> QUndoStack | None:
        return self.undo_group.activeStack()

    def reload(self) -> None:
        """Re-read the outline; fine-grained when only texts changed, a reset otherwise."""
        if self.outline is None:
            return
        try:
            fresh = self.workspace.outline(self.outline.id)
        except NotFound as exc:  # deleted by someone else: nothing left to show
            self.errorOccurred.emit(str(exc))
            self.set_briefing(None)
            return
        except BrieferError as exc:  # e.g. the team server is down: keep showing what was stored
            self.errorOccurred.emit(str(exc))
            return
        if _shape(fresh) == _shape(self.outline):
            self.outline = fresh
            self._emit_all_changed()
        else:
            self.beginResetModel()
            self.outline = fresh
            self.endResetModel()
        self.outlineReloaded.emit()

    def _emit_all_changed(self) -> None:
        sections = self.rowCount()
        if sections == 0:
            return
        self.dataChanged.emit(self.index(0, 0), self.index(sections - 1, 0))
        for row in range(sections):
            parent = self.index(row, 0)
            count = self.rowCount(parent)
            if count:
                self.dataChanged.emit(self.index(0, 0, parent), self.index(count - 1, 0, parent))

    # --- applying edits --------------------------------------------------------------------

    def apply(self, operation: Operation, label: str | None = None) -> Change | None:
        """Apply an edit now, store it, and push its undo; None (and a message) on failure."""
        if self.outline is None:
            self.errorOccurred.emit("no briefing is open: create or choose one first")
            return None
        try:
            change = self.workspace.apply(operation, expected_version=self.outline.version)
        except BrieferError as exc:
            self.errorOccurred.emit(str(exc))
            self.reload()
            return None
        self.reload()
        stack = self.undo_stack
        if stack is not None:
            stack.push(OperationCommand(self, change, label or operation.label))
        return change

    def _replay(self, operation: Operation, command: OperationCommand) -> Operation:
        """Undo or redo: apply a stored inverse; on failure, report and drop the history."""
        try:
            change = self.workspace.apply(operation)
        except BrieferError as exc:
            self.errorOccurred.emit(f"cannot {command.text().lower()}: {exc}")
            stack = self.undo_stack
            if stack is not None:
                QTimer.singleShot(0, stack.clear)
            self.reload()
            return operation
        self.reload()
        return change.inverse

    # --- edits the window offers -----------------------------------------------------------

    def add_section(self, heading: str, position: int | None = None) -> int | None:
        if self.outline is None:
            self.errorOccurred.emit("no briefing is open: create or choose one first")
            return None
        change = self.apply(InsertSection(self.outline.id, SectionData(heading), position))
        return change.created_ids[0] if change and change.created_ids else None

    def rename_section(self, section_id: int, heading: str) -> bool:
        op = UpdateSection(section_id, (("heading", heading),), label="Rename section")
        return self.apply(op) is not None

    def set_intro(self, section_id: int, intro: str | None) -> bool:
        op = UpdateSection(section_id, (("intro", intro or None),), label="Edit introduction")
        return self.apply(op) is not None

    def set_note(self, item_id: int, note: str | None) -> bool:
        return (
            self.apply(UpdateItem(item_id, (("note", note or None),), label="Edit note"))
            is not None
        )

    def set_text(self, item_id: int, text: str) -> bool:
        return self.apply(UpdateItem(item_id, (("text", text),), label="Edit text")) is not None

    def add_quotes(
        self, passage_ids: list[int], section_id: int | None = None, position: int | None = None
    ) -> bool:
        if not passage_ids:
            return False
        section_id = section_id if section_id is not None else self.default_section_id()
        if section_id is None:
            return False
        start = position if position is not None else 1 << 30
        placements = tuple(
            Placement(section_id, start + n, ItemData.quote(pid))
            for n, pid in enumerate(passage_ids)
        )
        label = "Add quote" if len(passage_ids) == 1 else f"Add {len(passage_ids)} quotes"
        return self.apply(InsertItems(placements, label=label)) is not None

    def add_text(
        self, text: str, section_id: int | None = None, position: int | None = None
    ) -> bool:
        section_id = section_id if section_id is not None else self.default_section_id()
        if section_id is None or not text.strip():
            return False
        placement = Placement(
            section_id, position if position is not None else 1 << 30, ItemData.analyst_text(text)
        )
        return self.apply(InsertItems((placement,), label="Add text")) is not None

    def remove(self, indexes: list[QModelIndex]) -> bool:
        """Delete the given sections (with their items) and items, as one undo step."""
        sections, items = self._split(indexes)
        items = [i for i in items if self._section_of_item(i) not in sections]
        if not sections and not items:
            return False
        assert self.outline is not None
        ops: list[Operation] = []
        if items:
            ops.append(RemoveItems(tuple(items)))
        ops.extend(RemoveSection(s) for s in sections)
        if len(ops) == 1:
            return self.apply(ops[0]) is not None
        return self.apply(Batch(self.outline.id, tuple(ops), label="Delete")) is not None

    def default_section_id(self) -> int | None:
        """Where quotes go when no section is named: the last section, made when none."""
        if self.outline is None:
            self.errorOccurred.emit("no briefing is open: create or choose one first")
            return None
        if self.outline.sections:
            return self.outline.sections[-1].id
        return self.add_section(DEFAULT_HEADING)

    # --- lookup helpers --------------------------------------------------------------------

    def section_index(self, section_id: int) -> QModelIndex:
        if self.outline is not None:
            for row, section in enumerate(self.outline.sections):
                if section.id == section_id:
                    return self.index(row, 0)
        return QModelIndex()

    def item_index(self, item_id: int) -> QModelIndex:
        if self.outline is not None:
            for srow, section in enumerate(self.outline.sections):
                for row, item in enumerate(section.items):
                    if item.id == item_id:
                        return self.index(row, 0, self.index(srow, 0))
        return QModelIndex()

    def section_id_for(self, index: QModelIndex) -> int | None:
        """The section an index is in (itself for a section)."""
        if not index.isValid() or self.outline is None:
            return None
        if index.internalId() == 0:
            return self.outline.sections[index.row()].id
        return self.outline.sections[index.internalId() - 1].id

    def _section_of_item(self, item_id: int) -> int | None:
        assert self.outline is not None
        for section in self.outline.sections:
            if any(item.id == item_id for item in section.items):
                return section.id
        return None

    def _split(self, indexes: list[QModelIndex]) -> tuple[list[int], list[int]]:
        """(section ids, item ids) of the indexes, each once, in outline order."""
        if self.outline is None:
            return [], []
        picked = {(i.internalId(), i.row()) for i in indexes if i.isValid() and i.column() == 0}
        sections: list[int] = []
        items: list[int] = []
        for srow, section in enumerate(self.outline.sections):
            if (0, srow) in picked:
                sections.append(section.id)
            for row, item in enumerate(section.items):
                if (srow + 1, row) in picked:
                    items.append(item.id)
        return sections, items

    # --- the tree --------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if self.outline is None or column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row < len(self.outline.sections):
                return self.createIndex(row, 0, 0)
            return QModelIndex()
        if parent.internalId() != 0:
            return QModelIndex()
        section = self.outline.sections[parent.row()]
        if row < len(section.items):
            return self.createIndex(row, 0, parent.row() + 1)
        return QModelIndex()

    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if self.outline is None or parent.column() > 0:
            return 0
        if not parent.isValid():
            return len(self.outline.sections)
        if parent.internalId() == 0:
            return len(self.outline.sections[parent.row()].items)
        return 0

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.outline is None:
            return None
        if index.internalId() == 0:
            section = self.outline.sections[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                count = len(section.items)
                return f"{section.heading}  ({count})" if count else section.heading
            if role == Qt.ItemDataRole.EditRole:
                return section.heading
            if role == Qt.ItemDataRole.ToolTipRole:
                return section.intro or "Double-click or F2 to rename; drop passages here"
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == KindRole:
                return "section"
            if role == IdRole:
                return section.id
            if role == IntroRole:
                return section.intro or ""
            return None
        item = self.outline.sections[index.internalId() - 1].items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if item.kind == "text":
                text = item.text or ""
                return text if role == Qt.ItemDataRole.EditRole else f"\u270e {_short(text)}"
            return f"\u201c{_short(item.quote or '')}\u201d"
        if role == Qt.ItemDataRole.ToolTipRole:
            if item.kind == "text":
                return item.text
            parts = [item.quote or "", f"\u2014 {self._citation(item)}"]
            if item.note:
                parts.append(f"Note: {item.note}")
            return "\n\n".join(parts)
        if role == KindRole:
            return item.kind
        if role == IdRole:
            return item.id
        if role == NoteRole:
            return item.note or ""
        if role == CitationRole:
            return self._citation(item) if item.kind == "quote" else ""
        if role == PassageIdRole:
            return item.passage_id
        return None

    @staticmethod
    def _citation(item: Any) -> str:
        return cite_passage(item.sources[0]) if item.sources else ""

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.outline is None:
            return False
        if index.internalId() == 0:
            section = self.outline.sections[index.row()]
            if role == Qt.ItemDataRole.EditRole:
                text = str(value).strip()
                if not text or text == section.heading:
                    return False
                return self.rename_section(section.id, text)
            if role == IntroRole:
                if (value or None) == (section.intro or None):
                    return False
                return self.set_intro(section.id, str(value) if value else None)
            return False
        item = self.outline.sections[index.internalId() - 1].items[index.row()]
        if role == Qt.ItemDataRole.EditRole and item.kind == "text":
            text = str(value)
            if not text.strip() or text == item.text:
                return False
            return self.set_text(item.id, text)
        if role == NoteRole:
            if (value or None) == (item.note or None):
                return False
            return self.set_note(item.id, str(value) if value else None)
        return False

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return (
                Qt.ItemFlag.ItemIsDropEnabled
                if self.outline is not None
                else Qt.ItemFlag.NoItemFlags
            )
        flags = (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )
        if index.internalId() == 0:
            return flags | Qt.ItemFlag.ItemIsDropEnabled | Qt.ItemFlag.ItemIsEditable
        # Items accept drops "on" them (placed after the item) so a drop never misses.
        flags |= Qt.ItemFlag.ItemIsDropEnabled | Qt.ItemFlag.ItemNeverHasChildren
        assert self.outline is not None
        if self.outline.sections[index.internalId() - 1].items[index.row()].kind == "text":
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    # --- drag and drop ---------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [OUTLINE_MIME, PASSAGE_MIME, TEXT_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData | None:  # type: ignore[override]
        if self.outline is None:
            return None
        sections, items = self._split(list(indexes))
        if not sections and not items:
            return None
        texts: list[str] = []
        for section in self.outline.sections:
            whole = section.id in sections
            if whole:
                texts.append(section.heading)
            for item in section.items:
                if whole or item.id in items:
                    if item.kind == "quote":
                        texts.append(quote_text(item.quote or "", self._citation(item)))
                    else:
                        texts.append(item.text or "")
        payload = OutlinePayload(self.outline.id, sections, [] if sections else items)
        return outline_mime(payload, "\n\n".join(texts))

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        if self.outline is None or action == Qt.DropAction.IgnoreAction:
            return False
        payload = outline_payload_of(data)
        if payload is not None:
            if payload.briefing_id != self.outline.id:
                return False
            if payload.sections:
                return not parent.isValid() or parent.internalId() == 0
            return bool(payload.items) and self._target(row, parent) is not None
        if data.hasFormat(PASSAGE_MIME):
            return bool(passage_ids_of(data))
        return data.hasText() and bool(data.text().strip())

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        assert self.outline is not None
        payload = outline_payload_of(data)
        if payload is not None:
            if payload.sections:
                at = row if not parent.isValid() else parent.row()
                return self._move_sections(payload.sections, at)
            target = self._target(row, parent)
            assert target is not None
            return self.move_items(payload.items, *target)
        target = self._target(row, parent)
        ids = passage_ids_of(data)
        if target is None:  # an empty briefing: the first drop makes its section, one step
            items = (
                tuple(ItemData.quote(pid) for pid in ids)
                if ids
                else (ItemData.analyst_text(data.text().strip()),)
            )
            op = InsertSection(
                self.outline.id, SectionData(DEFAULT_HEADING, items=items), label="Add quotes"
            )
            return self.apply(op) is not None
        if ids:
            return self.add_quotes(ids, *target)
        return self.add_text(data.text().strip(), *target)

    def _target(self, row: int, parent: ModelIndex) -> tuple[int, int] | None:
        """(section id, position among its current items) for a drop at ``row`` of ``parent``."""
        assert self.outline is not None
        sections = self.outline.sections
        if parent.isValid() and parent.internalId() != 0:  # on an item: just after it
            return sections[parent.internalId() - 1].id, parent.row() + 1
        if parent.isValid():
            section = sections[parent.row()]
            return section.id, row if row >= 0 else len(section.items)
        if not sections:
            return None
        if row < 0 or row > len(sections):
            return sections[-1].id, len(sections[-1].items)
        if row == 0:
            return sections[0].id, 0
        before = sections[row - 1]
        return before.id, len(before.items)

    def move_items(self, item_ids: list[int], section_id: int, position: int) -> bool:
        assert self.outline is not None
        current = [i.id for i in self.outline.section(section_id).items]
        moving = [i for i in item_ids if self._section_of_item(i) is not None]
        if not moving:
            return False
        # Positions count the moved items out of the target list (the service's convention).
        adjusted = position - sum(1 for i in current[:position] if i in moving)
        layout = [i for i in current if i not in moving]
        layout[adjusted:adjusted] = moving
        if layout == current and all(self._section_of_item(i) == section_id for i in moving):
            return False  # dropped where it already was
        label = "Move item" if len(moving) == 1 else f"Move {len(moving)} items"
        return self.apply(MoveItems(tuple(moving), section_id, adjusted, label=label)) is not None

    def _move_sections(self, section_ids: list[int], row: int) -> bool:
        assert self.outline is not None
        order = [s.id for s in self.outline.sections]
        row = len(order) if row < 0 or row > len(order) else row
        adjusted = row - sum(1 for s in order[:row] if s in section_ids)
        new = [s for s in order if s not in section_ids]
        new[adjusted:adjusted] = [s for s in order if s in section_ids]
        if new == order:
            return False
        label = "Move section" if len(section_ids) == 1 else "Move sections"
        return self.apply(ArrangeSections(self.outline.id, tuple(new), label=label)) is not None

    def moveRows(
        self,
        sourceParent: ModelIndex,
        sourceRow: int,
        count: int,
        destinationParent: ModelIndex,
        destinationChild: int,
    ) -> bool:
        """Move items within or across sections, or sections within the briefing."""
        if self.outline is None or count <= 0:
            return False
        if not sourceParent.isValid():
            if destinationParent.isValid():
                return False
            ids = [s.id for s in self.outline.sections[sourceRow : sourceRow + count]]
            return len(ids) == count and self._move_sections(ids, destinationChild)
        if sourceParent.internalId() != 0 or not destinationParent.isValid():
            return False
        if destinationParent.internalId() != 0:
            return False
        source = self.outline.sections[sourceParent.row()]
        ids = [i.id for i in source.items[sourceRow : sourceRow + count]]
        if len(ids) != count:
            return False
        target = self.outline.sections[destinationParent.row()]
        position = destinationChild if destinationChild >= 0 else len(target.items)
        return self.move_items(ids, target.id, position)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _PREVIEW_CHARS else text[: _PREVIEW_CHARS - 1] + "\u2026"


def _shape(outline: BriefingOutline) -> tuple[tuple[int, tuple[int, ...]], ...]:
    return tuple((s.id, tuple(i.id for i in s.items)) for s in outline.sections)
