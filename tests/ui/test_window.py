"""The window over a real library: filters, search, curation, import, export, first run."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from briefer.services.workspace import SearchRequest, Workspace
from briefer.ui.export_dialog import PdfPreview
from briefer.ui.jobs import wait_for_all
from briefer.ui.main_window import MainWindow
from briefer.ui.outline_model import IdRole

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


def wait_results(qtbot, window: MainWindow) -> int:
    qtbot.waitUntil(window.is_idle, timeout=20000)
    return window.results.total


def check(model, key: str) -> None:
    assert model.check(key), key


@pytest.fixture
def make_window(qtbot) -> Iterator:
    made: list[tuple[MainWindow, Workspace]] = []

    def make(db: Path) -> MainWindow:
        workspace = Workspace.open(str(db))
        window = MainWindow(workspace)
        qtbot.addWidget(window)
        window.show()
        made.append((window, workspace))
        wait_results(qtbot, window)
        return window

    yield make
    for window, workspace in made:
        window.close()
        wait_for_all(20000)
        workspace.close()


def test_filters_and_search_change_the_counts(qtbot, make_window, library_file: Path) -> None:
    # Three crime passages tagged Montenegro by hand, so the country filter has something
    # to find whatever the automatic tagger finds in the sample.
    setup = Workspace.open(str(library_file))
    crime_hits = setup.search(SearchRequest(themes=("crime",), limit=3, with_facets=False)).hits
    for hit in crime_hits:
        setup.set_tag(hit.passage_id, "country", "ME", present=True)
    setup.close()
    window = make_window(library_file)
    ws = window.workspace
    everything = ws.search(SearchRequest(with_facets=False)).total
    assert window.results.total == everything > 0
    QAbstractItemModelTester(window.results, FATAL)
    for model in (window.facets.themes, window.facets.countries, window.facets.meetings):
        QAbstractItemModelTester(model, FATAL)
    assert window.facets.meetings.rowCount() > 0  # series, then years, then meetings

    check(window.facets.themes, "crime")  # a parent theme: its children count too
    crime = ws.search(SearchRequest(themes=("crime",), with_facets=False)).total
    assert wait_results(qtbot, window) == crime
    assert 0 < crime < everything
    assert window.count_label.text().startswith(f"{crime} passage")

    # Counts follow the filter: each country row shows its passages under the theme filter.
    facets = ws.search(SearchRequest(themes=("crime",))).facets["countries"]
    top = facets[0]
    assert 3 <= top.count < crime
    assert window.facets.countries.count_of(top.key) == f"{top.count:,}"

    check(window.facets.countries, top.key)
    assert wait_results(qtbot, window) == top.count

    window.search_box.setText("weapons")  # typed: the search waits for a pause
    assert window.debounce.isActive()
    expected = ws.search(
        SearchRequest(query="weapons", themes=("crime",), countries=(top.key,), with_facets=False)
    ).total
    assert wait_results(qtbot, window) == expected

    qtbot.mouseClick(window.facets.clear_button, Qt.MouseButton.LeftButton)
    weapons = ws.search(SearchRequest(query="weapons", with_facets=False)).total
    assert wait_results(qtbot, window) == weapons
    assert not window.facets.has_filters()

    window.search_box.setText("")
    assert wait_results(qtbot, window) == everything


def test_results_load_more_on_scroll_and_sort_by_date(
    qtbot, make_window, library_file: Path
) -> None:
    window = make_window(library_file)
    total = window.results.total
    assert total > 100  # the sample has more passages than one page
    assert window.results.rowCount() == 100
    assert window.results.canFetchMore(QModelIndex())
    window.results.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: window.results.rowCount() == min(total, 200), timeout=20000)

    window.sort_button.setChecked(True)
    wait_results(qtbot, window)
    dates = []
    for hit in window.results.hits[:30]:
        day = hit.meeting.start_date if hit.meeting and hit.meeting.start_date else hit.published
        dates.append(day)
    known = [d for d in dates if d is not None]
    assert known == sorted(known, reverse=True) or known == sorted(known)


def test_ctrl_enter_adds_the_selection_and_drag_from_results(
    qtbot, make_window, library_file: Path
) -> None:
    window = make_window(library_file)
    bid = window.briefing.new_briefing("ministerial-meeting-brief", title="Drag test")
    outline_view = window.briefing.view
    outline_view.setCurrentIndex(window.outline.index(1, 0))  # "Key messages"
    view = window.results_view
    selection = view.selectionModel()
    for row in (0, 2, 3):
        selection.select(window.results.index(row, 0), selection.SelectionFlag.Select)
    chosen = [window.results.hits[r].passage_id for r in (0, 2, 3)]
    view.setFocus()
    window.add_action.trigger()
    stored = window.workspace.outline(bid)
    assert [i.passage_id for i in stored.sections[1].items] == chosen

    # Drag rows 5 and 6 from the results into "Background", between nothing and nothing.
    data = window.results.mimeData([window.results.index(5, 0), window.results.index(6, 0)])
    assert data.text().count("\u201c") == 2  # quotes with citations for other applications
    background = window.outline.index(2, 0)
    assert window.outline.dropMimeData(data, Qt.DropAction.CopyAction, -1, 0, background)
    stored = window.workspace.outline(bid)
    assert [i.passage_id for i in stored.sections[2].items] == [
        window.results.hits[5].passage_id,
        window.results.hits[6].passage_id,
    ]
    window.undo_action.trigger()
    assert window.workspace.outline(bid).sections[2].items == []
    window.redo_action.trigger()
    assert len(window.workspace.outline(bid).sections[2].items) == 2


def test_a_synthesized_drop_event_on_the_outline_view(
    qtbot, make_window, library_file: Path
) -> None:
    window = make_window(library_file)
    bid = window.briefing.new_briefing("ministerial-meeting-brief", title="Drop event")
    view = window.briefing.view
    view.expandAll()
    data = window.results.mimeData([window.results.index(0, 0)])
    target = view.visualRect(window.outline.index(0, 0)).center()
    args = (
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # PySide 6.11 (pinned) takes QPoint for enter/move events and QPointF for drops.
    enter = QDragEnterEvent(target, *args)
    QApplication.sendEvent(view.viewport(), enter)
    move = QDragMoveEvent(target, *args)
    QApplication.sendEvent(view.viewport(), move)
    assert move.isAccepted()
    QApplication.sendEvent(view.viewport(), QDropEvent(QPointF(target), *args))
    outline = window.workspace.outline(bid)
    assert sum(len(s.items) for s in outline.sections) == 1
    assert outline.sections[0].items[0].passage_id == window.results.hits[0].passage_id


def test_import_with_cancel_keeps_whole_documents(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window(tmp_path / "empty.sqlite")
    assert window.banner.isVisibleTo(window)
    dialog = window.import_paths([window.workspace.sample_folder()])
    assert dialog is not None
    dialog.job.signals.item.connect(lambda _outcome: dialog.cancel())
    qtbot.waitUntil(lambda: dialog.done, timeout=60000)
    counts = dialog.counts()
    assert "Cancelled" in dialog.status.text()
    assert 1 <= counts["imported"] < 12
    assert window.workspace.document_count() == counts["imported"]
    # Every stored document is whole: its passages are all searchable.
    page = window.workspace.search(SearchRequest(with_facets=False))
    assert page.total > 0
    assert wait_results(qtbot, window) == page.total
    assert not window.banner.isVisibleTo(window)


def test_a_bad_file_dropped_on_the_window_shows_its_error(
    qtbot, make_window, library_file: Path, tmp_path: Path, monkeypatch
) -> None:
    window = make_window(library_file)
    refreshed: list[int] = []
    monkeypatch.setattr(window, "refresh_library_views", lambda: refreshed.append(1))
    bid = window.briefing.new_briefing(None, title="Keep me")
    window.outline.add_quotes([window.results.hits[0].passage_id])
    before = window.workspace.document_count()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n this is not really a pdf \x00\x01\x02")
    odd = tmp_path / "notes.xyz"
    odd.write_text("hello", encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(broken)), QUrl.fromLocalFile(str(odd))])
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    dialog = window.import_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.done, timeout=30000)
    lines = [dialog.outcomes.item(r).text() for r in range(dialog.outcomes.rowCount())]
    assert len(lines) == 2
    assert any("broken.pdf" in line and "failed" in line for line in lines)
    assert any("notes.xyz" in line and "unsupported format" in line for line in lines)
    assert dialog.counts()["failed"] == 2
    assert window.workspace.document_count() == before
    assert window.workspace.outline(bid).item_count == 1
    assert refreshed == []  # nothing stored: the lists and results are not re-read


def test_export_from_the_window_is_accepted_by_verify(
    qtbot, make_window, library_file: Path, tmp_path: Path
) -> None:
    window = make_window(library_file)
    bid = window.briefing.new_briefing("ministerial-meeting-brief", title="Export test")
    ids = [h.passage_id for h in window.results.hits[:4]]
    window.outline.add_quotes(ids, window.outline.index(1, 0).data(IdRole))
    for fmt in ("docx", "pdf"):
        dialog = window.export()
        assert dialog is not None
        dialog.set_format(fmt)
        target = tmp_path / f"brief.{fmt}"
        dialog.path.setText(str(target))
        dialog.classification.setCurrentText("OFFICIAL-SENSITIVE")
        dialog.start()
        qtbot.waitUntil(
            lambda d=dialog: d.written is not None or d.error is not None, timeout=60000
        )
        assert dialog.error is None
        assert target.is_file()
        assert dialog.verify_report.ok and dialog.verify_report.quotes == 4
        assert dialog.open_folder.isEnabled()
        if fmt == "pdf":
            assert dialog.preview_button.isEnabled()
            preview = PdfPreview(target, dialog)
            assert preview.page_count() >= 2  # cover and contents, then the sections
        result = subprocess.run(
            [sys.executable, "-m", "briefer", "--db", str(library_file), "verify", str(target)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        dialog.close()
    assert window.workspace.outline(bid).item_count == 4


def test_first_run_offers_the_sample_library(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window(tmp_path / "new.sqlite")
    assert window.results.total == 0
    assert window.banner.isVisibleTo(window)
    qtbot.mouseClick(window.banner.sample_button, Qt.MouseButton.LeftButton)
    dialog = window.import_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.done, timeout=60000)
    assert dialog.counts()["imported"] == 12
    assert wait_results(qtbot, window) > 100
    assert not window.banner.isVisibleTo(window)
    assert window.facets.themes.rowCount() > 0


def test_preview_edits_tags_and_an_unknown_meeting(qtbot, make_window, library_file: Path) -> None:
    window = make_window(library_file)
    ws = window.workspace
    hit = next(h for h in window.results.hits if h.themes)
    window.preview.show_passage(hit.passage_id)
    qtbot.waitUntil(
        lambda: window.preview.view is not None and window.preview.view.passage.id == hit.passage_id
    )
    tags = window.preview.tags
    row = next(
        r
        for r in range(tags.rowCount())
        if tags.item(r).data(Qt.ItemDataRole.UserRole + 2) == "theme"
    )
    key = tags.item(row).data(Qt.ItemDataRole.UserRole + 1)
    assert tags.item(row).toolTip()  # the evidence on hover
    tags.item(row).setCheckState(Qt.CheckState.Unchecked)
    detail = ws.document_view(hit.passage_id).passage
    removed = next(t for t in detail.themes if t.key == key)
    assert removed.excluded and removed.origin == "manual"

    # The undated news item has no meeting: the form is offered and a correction sticks.
    page = ws.search(SearchRequest(query="child abuse", with_facets=False, limit=50))
    unknown = next(h for h in page.hits if h.meeting is None)
    window.preview.show_passage(unknown.passage_id)
    qtbot.waitUntil(
        lambda: (
            window.preview.view is not None and window.preview.view.passage.id == unknown.passage_id
        )
    )
    assert "unknown" in window.preview.meeting_box.title()
    window.preview.meeting_edits["title"].setText("Informal JHA ministerial")
    window.preview.meeting_edits["start_date"].setText("2020-03-05")
    window.preview.meeting_edits["city"].setText("Zagreb")
    window.preview.save_meeting.click()
    meeting = ws.document_view(unknown.passage_id).passage.document.meeting
    assert meeting is not None and meeting.city == "Zagreb"
    assert str(meeting.start_date) == "2020-03-05"


def test_settings_remember_the_last_briefing_and_splitters(
    qtbot, make_window, library_file: Path
) -> None:
    window = make_window(library_file)
    first = window.briefing.new_briefing(None, title="First")
    second = window.briefing.new_briefing(None, title="Second")
    window.briefing.open_briefing(first)
    window.splitter.setSizes([200, 700, 380])
    sizes = window.splitter.sizes()
    window.close()
    assert QSettings("Briefer", "Briefer").value("briefing/last") in (first, str(first))
    again = make_window(library_file)
    assert again.outline.briefing_id == first != second
    assert again.splitter.sizes() == sizes


def test_shortcuts(qtbot, make_window, library_file: Path) -> None:
    window = make_window(library_file)
    window.activateWindow()
    shortcuts = {a.shortcut().toString() for a in window.actions()}
    assert {"Ctrl+F", "Ctrl+E", "Ctrl+I", "Ctrl+Return"} <= shortcuts
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert "Ctrl+Shift+Z" in [s.toString() for s in window.redo_action.shortcuts()]
    window.find_action.trigger()
    assert window.search_box.hasFocus() or QApplication.focusWidget() is window.search_box


def test_keyboard_moves_in_the_outline(qtbot, make_window, library_file: Path) -> None:
    window = make_window(library_file)
    bid = window.briefing.new_briefing("ministerial-meeting-brief", title="Keys")
    ids = [h.passage_id for h in window.results.hits[:3]]
    pane = window.briefing
    window.outline.add_quotes(ids, window.outline.index(0, 0).data(IdRole))
    pane.view.setFocus()
    pane.view.setCurrentIndex(window.outline.index(0, 0, window.outline.index(0, 0)))
    qtbot.keyClick(pane.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [i.passage_id for i in window.workspace.outline(bid).sections[0].items] == [
        ids[1],
        ids[0],
        ids[2],
    ]
    # The last item steps down into the next section.
    pane.view.setCurrentIndex(window.outline.index(2, 0, window.outline.index(0, 0)))
    assert pane.move_selected(1)
    stored = window.workspace.outline(bid)
    assert [i.passage_id for i in stored.sections[1].items] == [ids[2]]
    # A section moves up with Alt+Up.
    headings = [s.heading for s in stored.sections]
    pane.view.setCurrentIndex(window.outline.index(2, 0))
    qtbot.keyClick(pane.view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    moved = [s.heading for s in window.workspace.outline(bid).sections]
    assert moved == [headings[0], headings[2], headings[1], *headings[3:]]
    # Delete removes the current section and its items; Ctrl+Z brings them back.
    pane.view.setCurrentIndex(window.outline.index(0, 0))
    qtbot.keyClick(pane.view, Qt.Key.Key_Delete)
    assert len(window.workspace.outline(bid).sections) == len(headings) - 1
    window.undo_action.trigger()
    restored = window.workspace.outline(bid)
    assert [s.heading for s in restored.sections] == moved
    assert [i.passage_id for i in restored.sections[0].items] == [ids[1], ids[0]]


def test_notes_are_stored_while_typing_and_briefings_switch(
    qtbot, make_window, library_file: Path
) -> None:
    window = make_window(library_file)
    pane = window.briefing
    first = pane.new_briefing("ministerial-meeting-brief", title="First")
    window.outline.add_quotes(
        [window.results.hits[0].passage_id], window.outline.index(0, 0).data(IdRole)
    )
    item = window.outline.index(0, 0, window.outline.index(0, 0))
    pane.view.setCurrentIndex(item)
    pane.note.setFocus()
    pane.note.setPlainText("Ask the desk about the date")
    assert pane.note_timer.isActive()  # stored after a pause, without leaving the field
    qtbot.waitUntil(
        lambda: (
            window.workspace.outline(first).sections[0].items[0].note
            == "Ask the desk about the date"
        ),
        timeout=5000,
    )
    # An introduction on a section, committed when the selection moves.
    pane.view.setFocus()
    pane.view.setCurrentIndex(window.outline.index(1, 0))
    pane.note.setPlainText("The three messages the minister should land.")
    pane.view.setCurrentIndex(window.outline.index(2, 0))
    assert window.workspace.outline(first).sections[1].intro == (
        "The three messages the minister should land."
    )

    assert pane.rename_briefing("First, renamed")
    assert window.workspace.outline(first).title == "First, renamed"
    assert "First, renamed" in pane.chooser.currentText()

    second = pane.new_briefing(None, title="Second")
    assert window.outline.briefing_id == second
    assert window.undo_action.isEnabled() is False  # each briefing has its own history
    pane.open_briefing(first)
    window.undo_action.trigger()  # the rename
    assert window.workspace.outline(first).title == "First"
    window.undo_action.trigger()  # the introduction
    assert window.workspace.outline(first).sections[1].intro is None
    assert window.workspace.outline(second).title == "Second"


def test_meeting_and_date_filters(qtbot, make_window, library_file: Path) -> None:
    import datetime as dt

    from PySide6.QtCore import QDate

    window = make_window(library_file)
    ws = window.workspace
    meeting = max(ws.meetings(), key=lambda m: m.passages)
    check(window.facets.meetings, str(meeting.id))
    expected = ws.search(SearchRequest(meetings=(meeting.id,), with_facets=False)).total
    assert wait_results(qtbot, window) == expected == meeting.passages
    assert {h.meeting.id for h in window.results.hits if h.meeting} == {meeting.id}

    window.facets.clear()
    window.facets.date_from.setDate(QDate(2019, 1, 1))
    window.facets.use_from.setChecked(True)
    since = ws.search(SearchRequest(date_from=dt.date(2019, 1, 1), with_facets=False)).total
    assert wait_results(qtbot, window) == since
    everything = ws.search(SearchRequest(with_facets=False)).total
    assert 0 < since < everything
    qtbot.mouseClick(window.facets.clear_button, Qt.MouseButton.LeftButton)
    assert wait_results(qtbot, window) == everything
