"""The outline model: drops, moves, edits and their undo, checked in the model and the library."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from briefer.services.workspace import SearchRequest, Workspace
from briefer.ui.mime import OUTLINE_MIME, PASSAGE_MIME, passages_mime
from briefer.ui.outline_model import IdRole, KindRole, NoteRole, OutlineModel


def _passages(workspace: Workspace, n: int, query: str = "") -> list[int]:
    page = workspace.search(SearchRequest(query=query, limit=n, with_facets=False))
    return [h.passage_id for h in page.hits]


def _model(qtbot, workspace: Workspace, preset: str | None = None) -> OutlineModel:
    change = workspace.create_briefing("Test brief", preset=preset)
    model = OutlineModel(workspace)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_briefing(change.briefing_id)
    return model


def _stored(workspace: Workspace, briefing_id: int) -> list[tuple[str, list[int | None]]]:
    outline = workspace.outline(briefing_id)
    return [
        (s.heading, [i.passage_id if i.kind == "quote" else None for i in s.items])
        for s in outline.sections
    ]


def _shown(model: OutlineModel) -> list[tuple[str, list[int | None]]]:
    shown = []
    for row in range(model.rowCount()):
        section = model.index(row, 0)
        items = []
        for r in range(model.rowCount(section)):
            index = model.index(r, 0, section)
            items.append(index.data(PassageId) if index.data(KindRole) == "quote" else None)
        shown.append((section.data(Qt.ItemDataRole.EditRole), items))
    return shown


from briefer.ui.outline_model import PassageIdRole as PassageId  # noqa: E402


def test_drop_passages_into_a_section_then_undo_and_redo(qtbot, workspace: Workspace) -> None:
    model = _model(qtbot, workspace, preset="ministerial-meeting-brief")
    ids = _passages(workspace, 3, "firearms")
    key_messages = model.index(1, 0)
    assert key_messages.data(Qt.ItemDataRole.EditRole) == "Key messages"
    data = passages_mime(ids, "x")
    assert model.canDropMimeData(data, Qt.DropAction.CopyAction, -1, 0, key_messages)
    assert model.dropMimeData(data, Qt.DropAction.CopyAction, -1, 0, key_messages)
    assert _shown(model)[1] == ("Key messages", ids)
    assert _stored(workspace, model.briefing_id)[1] == ("Key messages", ids)

    # Between two items: at row 1 of the section.
    more = _passages(workspace, 1, "terrorism")
    model.dropMimeData(passages_mime(more, "y"), Qt.DropAction.CopyAction, 1, 0, model.index(1, 0))
    assert _stored(workspace, model.briefing_id)[1][1] == [ids[0], more[0], ids[1], ids[2]]

    model.undo_stack.undo()
    assert _stored(workspace, model.briefing_id)[1][1] == ids
    assert _shown(model) == _stored(workspace, model.briefing_id)
    model.undo_stack.undo()
    assert _stored(workspace, model.briefing_id)[1][1] == []
    model.undo_stack.redo()
    model.undo_stack.redo()
    assert _stored(workspace, model.briefing_id)[1][1] == [ids[0], more[0], ids[1], ids[2]]
    assert _shown(model) == _stored(workspace, model.briefing_id)


def test_move_items_within_and_across_sections_through_mime(qtbot, workspace: Workspace) -> None:
    model = _model(qtbot, workspace, preset="ministerial-meeting-brief")
    ids = _passages(workspace, 4)
    model.add_quotes(ids, section_id=model.index(1, 0).data(IdRole))
    section = model.index(1, 0)
    # Drag the first item to the end of its own section.
    data = model.mimeData([model.index(0, 0, section)])
    assert data.hasFormat(OUTLINE_MIME) and data.text().startswith("\u201c")
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 4, 0, section)
    assert _stored(workspace, model.briefing_id)[1][1] == [ids[1], ids[2], ids[3], ids[0]]
    assert _shown(model) == _stored(workspace, model.briefing_id)

    # Drag two items into "Background" (row 2).
    section = model.index(1, 0)
    data = model.mimeData([model.index(0, 0, section), model.index(2, 0, section)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, model.index(2, 0))
    stored = _stored(workspace, model.briefing_id)
    assert stored[1][1] == [ids[2], ids[0]]
    assert stored[2] == ("Background", [ids[1], ids[3]])
    assert _shown(model) == stored

    model.undo_stack.undo()
    assert _stored(workspace, model.briefing_id)[1][1] == [ids[1], ids[2], ids[3], ids[0]]
    assert _stored(workspace, model.briefing_id)[2][1] == []
    model.undo_stack.redo()
    assert _stored(workspace, model.briefing_id) == stored


def test_move_rows_and_sections(qtbot, workspace: Workspace) -> None:
    model = _model(qtbot, workspace, preset="ministerial-meeting-brief")
    ids = _passages(workspace, 3)
    model.add_quotes(ids, section_id=model.index(0, 0).data(IdRole))
    purpose = model.index(0, 0)
    assert model.moveRows(purpose, 2, 1, purpose, 0)
    assert _stored(workspace, model.briefing_id)[0][1] == [ids[2], ids[0], ids[1]]
    headings = [h for h, _ in _stored(workspace, model.briefing_id)]

    # Drag the "Lines to take" section (row 4) to the top.
    data = model.mimeData([model.index(4, 0)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    moved = [h for h, _ in _stored(workspace, model.briefing_id)]
    assert moved == [headings[4], *headings[:4], *headings[5:]]
    assert [h for h, _ in _shown(model)] == moved
    assert model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 5)
    assert [h for h, _ in _stored(workspace, model.briefing_id)] == headings

    model.undo_stack.undo()
    assert [h for h, _ in _stored(workspace, model.briefing_id)] == moved
    model.undo_stack.undo()
    model.undo_stack.undo()
    assert _stored(workspace, model.briefing_id)[0][1] == ids


def test_text_from_another_application_becomes_analyst_text(qtbot, workspace: Workspace) -> None:
    model = _model(qtbot, workspace, preset="thematic-digest")
    data = QMimeData()
    data.setText("Ask about the readmission agreement.")
    assert not data.hasFormat(PASSAGE_MIME)
    assert model.dropMimeData(data, Qt.DropAction.CopyAction, -1, 0, model.index(0, 0))
    outline = workspace.outline(model.briefing_id)
    item = outline.sections[0].items[0]
    assert item.kind == "text" and item.text == "Ask about the readmission agreement."
    assert item.sources == ()
    assert model.index(0, 0, model.index(0, 0)).data(KindRole) == "text"


def test_section_edits_notes_and_delete_are_undoable(qtbot, workspace: Workspace) -> None:
    model = _model(qtbot, workspace)
    assert model.rowCount() == 0
    # A drop on an empty briefing makes a section for it.
    ids = _passages(workspace, 2)
    assert model.dropMimeData(
        passages_mime(ids, "z"), Qt.DropAction.CopyAction, -1, 0, QModelIndex()
    )
    assert _stored(workspace, model.briefing_id) == [("Quotes", ids)]

    new_id = model.add_section("Lines to take")
    assert [h for h, _ in _stored(workspace, model.briefing_id)] == ["Quotes", "Lines to take"]
    assert model.setData(model.index(1, 0), "Lines to take (draft)", Qt.ItemDataRole.EditRole)
    assert workspace.outline(model.briefing_id).section(new_id).heading == "Lines to take (draft)"

    item = model.index(0, 0, model.index(0, 0))
    assert model.setData(item, "Check with the desk", NoteRole)
    assert workspace.outline(model.briefing_id).sections[0].items[0].note == "Check with the desk"
    assert model.set_intro(new_id, "What the minister should say.")

    assert model.remove([model.index(0, 0, model.index(0, 0)), model.index(1, 0)])
    assert _stored(workspace, model.briefing_id) == [("Quotes", ids[1:])]
    assert _shown(model) == [("Quotes", ids[1:])]

    stack = model.undo_stack
    stack.undo()  # delete
    restored = workspace.outline(model.briefing_id)
    assert [s.heading for s in restored.sections] == ["Quotes", "Lines to take (draft)"]
    assert restored.sections[0].items[0].note == "Check with the desk"
    assert restored.sections[1].intro == "What the minister should say."
    stack.undo()  # intro
    assert workspace.outline(model.briefing_id).sections[1].intro is None
    stack.undo()  # note
    assert workspace.outline(model.briefing_id).sections[0].items[0].note is None
    stack.undo()  # rename
    assert workspace.outline(model.briefing_id).sections[1].heading == "Lines to take"
    stack.undo()  # add section
    assert [h for h, _ in _stored(workspace, model.briefing_id)] == ["Quotes"]
    for _ in range(5):
        stack.redo()
    assert _stored(workspace, model.briefing_id) == [("Quotes", ids[1:])]


def test_kill_and_reopen_keeps_the_outline(qtbot, library_file: Path) -> None:
    workspace = Workspace.open(str(library_file))
    model = _model(qtbot, workspace, preset="ministerial-meeting-brief")
    ids = _passages(workspace, 3)
    model.add_quotes(ids, section_id=model.index(2, 0).data(IdRole))
    model.moveRows(model.index(2, 0), 0, 1, model.index(2, 0), 3)
    briefing_id = model.briefing_id
    expected = _shown(model)
    workspace.close()  # no save step anywhere: closing is all a crash would skip

    reopened = Workspace.open(str(library_file))
    try:
        fresh = OutlineModel(reopened)
        fresh.set_briefing(briefing_id)
        assert _shown(fresh) == expected
        assert expected[2][1] == [ids[1], ids[2], ids[0]]
    finally:
        reopened.close()


def test_many_passages_in_one_drop(qtbot, workspace: Workspace) -> None:
    model = _model(qtbot, workspace, preset="thematic-digest")
    ids = _passages(workspace, 150)
    assert len(ids) == 150
    assert model.dropMimeData(
        passages_mime(ids, ""), Qt.DropAction.CopyAction, -1, 0, model.index(0, 0)
    )
    assert _stored(workspace, model.briefing_id) == [("Quotes", ids)]
    model.undo_stack.undo()  # the section made for the drop goes with it: one step
    assert _stored(workspace, model.briefing_id) == []
    model.undo_stack.redo()
    assert _stored(workspace, model.briefing_id) == [("Quotes", ids)]
