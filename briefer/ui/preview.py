"""The preview: the whole document with the chosen passage marked, its facts, tags and meeting.

Tags are a checkable list: unchecking an automatic tag removes it by hand, checking a
removed one restores it, and "Add" tags the passage by hand; the evidence of each
automatic tag (the words and rule that made it) shows on hover. The meeting fields can be
corrected (the form is offered first when the document's meeting is unknown).
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from briefer.domain.errors import BrieferError
from briefer.services.workspace import DocumentView, TagInfo, Workspace
from briefer.ui.jobs import Job, call_in_background

TagKeyRole = Qt.ItemDataRole.UserRole + 1
TagKindRole = Qt.ItemDataRole.UserRole + 2
MEETING_FIELDS = (
    ("title", "Title"),
    ("series", "Series"),
    ("start_date", "Start (YYYY-MM-DD)"),
    ("end_date", "End (YYYY-MM-DD)"),
    ("city", "City"),
    ("country", "Country code"),
)


def document_html(view: DocumentView, mark_color: str) -> str:
    """The document text as HTML paragraphs, the passage marked and anchored as ``here``."""
    text = view.text
    chosen = view.passage.id
    blocks: list[str] = []
    for pid, start, end in view.spans:
        body = html.escape(text[start:end]).replace("\n", "<br>")
        if pid == chosen:
            blocks.append(
                f'<p><a name="here"></a><span style="background-color:{mark_color}">{body}</span></p>'
            )
        else:
            blocks.append(f"<p>{body}</p>")
    if not blocks:
        blocks.append(f"<p>{html.escape(text)}</p>")
    return "".join(blocks)


def evidence_text(tag: TagInfo) -> str:
    if tag.origin == "manual":
        return "Set by hand" + (" (removed by hand)" if tag.excluded else "")
    lines = [f"Automatic ({tag.confidence:.2f})" if tag.confidence is not None else "Automatic"]
    for entry in tag.evidence[:6]:
        found = entry.get("text") or entry.get("matched") or entry.get("match") or ""
        rule = entry.get("rule") or entry.get("cue") or entry.get("source") or ""
        lines.append(f"\u2022 \u201c{found}\u201d {('— ' + str(rule)) if rule else ''}".rstrip())
    if len(tag.evidence) > 6:
        lines.append(f"\u2026 and {len(tag.evidence) - 6} more")
    return "\n".join(lines)


class TagListModel(QStandardItemModel):
    """The passage's tags; a check means the tag applies."""

    toggled = Signal(str, str, bool)  # kind, key, present

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._quiet = False
        self.itemChanged.connect(self._changed)

    def load(self, themes: list[TagInfo], countries: list[TagInfo]) -> None:
        self._quiet = True
        self.clear()
        for kind, tags in (("theme", themes), ("country", countries)):
            for tag in tags:
                label = tag.label or tag.key
                suffix = " (by hand)" if tag.origin == "manual" else ""
                item = QStandardItem(
                    f"{'Theme' if kind == 'theme' else 'Country'}: {label}{suffix}"
                )
                item.setEditable(False)
                item.setCheckable(True)
                item.setCheckState(
                    Qt.CheckState.Unchecked if tag.excluded else Qt.CheckState.Checked
                )
                item.setToolTip(evidence_text(tag))
                item.setData(tag.key, TagKeyRole)
                item.setData(kind, TagKindRole)
                self.appendRow(item)
        self._quiet = False

    def _changed(self, item: QStandardItem) -> None:
        if self._quiet:
            return
        present = item.checkState() == Qt.CheckState.Checked
        self.toggled.emit(item.data(TagKindRole), item.data(TagKeyRole), present)


class PreviewPane(QWidget):
    tagsChanged = Signal()  # a tag was set or removed by hand (counts may change)
    meetingChanged = Signal()
    errorOccurred = Signal(str)
    loaded = Signal(int)  # passage id shown

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.view: DocumentView | None = None
        self._job: Job | None = None
        self._wanted: int | None = None

        self.heading = QLabel("Select a passage to read it in its document.")
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setAccessibleName("Document text")

        self.tags = TagListModel(self)
        self.tags.toggled.connect(self._toggle_tag)
        self.tag_view = QListView()
        self.tag_view.setModel(self.tags)
        self.tag_view.setAccessibleName("Tags")
        self.tag_choice = QComboBox()
        self.tag_choice.setEditable(False)
        self.tag_choice.setAccessibleName("Tag to add")
        add = QPushButton("Add tag")
        add.clicked.connect(self._add_tag)
        tags_box = QWidget()
        tags_layout = QVBoxLayout(tags_box)
        tags_layout.addWidget(QLabel("Uncheck a tag to remove it; hover for the evidence."))
        tags_layout.addWidget(self.tag_view, 1)
        row = QHBoxLayout()
        row.addWidget(self.tag_choice, 1)
        row.addWidget(add)
        tags_layout.addLayout(row)

        self.meeting_box = QGroupBox("Meeting")
        form = QFormLayout(self.meeting_box)
        self.meeting_edits: dict[str, QLineEdit] = {}
        for name, label in MEETING_FIELDS:
            edit = QLineEdit()
            edit.setAccessibleName(label)
            self.meeting_edits[name] = edit
            form.addRow(label, edit)
        self.save_meeting = QPushButton("Save meeting")
        self.save_meeting.clicked.connect(self._save_meeting)
        form.addRow("", self.save_meeting)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.text, "Document")
        self.tabs.addTab(tags_box, "Tags")
        self.tabs.addTab(self.meeting_box, "Meeting")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        self._set_enabled(False)

    def set_tag_choices(self, choices: list[tuple[str, str, str]]) -> None:
        """(kind, key, label) of every theme and country a passage may be tagged with."""
        self.tag_choice.clear()
        for kind, key, label in choices:
            self.tag_choice.addItem(label, (kind, key))

    def _set_enabled(self, on: bool) -> None:
        for widget in (self.tag_view, self.tag_choice, self.meeting_box):
            widget.setEnabled(on)

    # --- loading ---------------------------------------------------------------------------

    def show_passage(self, passage_id: int | None) -> None:
        """Load the passage's document off the GUI thread; the newest request wins."""
        self._wanted = passage_id
        if passage_id is None:
            self.view = None
            self.heading.setText("Select a passage to read it in its document.")
            self.text.clear()
            self.tags.load([], [])
            self._set_enabled(False)
            return
        job = call_in_background(lambda: self.workspace.document_view(passage_id))
        self._job = job

        def done(view: DocumentView) -> None:
            if self._wanted == passage_id:
                self._show(view)

        job.signals.finished.connect(done)
        job.signals.failed.connect(self.errorOccurred.emit)
        job.start()

    def reload(self) -> None:
        if self.view is not None:
            self.show_passage(self.view.passage.id)

    def _show(self, view: DocumentView) -> None:
        self.view = view
        detail = view.passage
        document = detail.document
        meeting = document.meeting
        title = document.title or document.file
        facts = [f"<b>{html.escape(title)}</b>"]
        if meeting is not None:
            when = meeting.start_date.isoformat() if meeting.start_date else "date unknown"
            if meeting.end_date and meeting.end_date != meeting.start_date:
                when += f" \u2013 {meeting.end_date.isoformat()}"
            name = meeting.title or meeting.series or "Meeting"
            parts = ["Meeting" if name == title else name, meeting.city or "place unknown", when]
            facts.append(html.escape(", ".join(parts)))
        else:
            facts.append("<i>Meeting unknown \u2014 fill it in under Meeting</i>")
        source = [document.file, document.format.upper()]
        if document.published:
            source.append(f"published {document.published.isoformat()}")
        if document.publisher:
            source.append(document.publisher)
        label = (
            f"\u00b6 {detail.paragraph}" if detail.paragraph else f"passage {detail.position + 1}"
        )
        facts.append(html.escape(" \u00b7 ".join([*source, label])))
        self.heading.setText("<br>".join(facts))
        dark = self.palette().base().color().lightness() < 128
        self.text.setHtml(document_html(view, "#6b5a00" if dark else "#ffe98a"))
        self.text.scrollToAnchor("here")
        self.tags.load(detail.themes, detail.countries)
        for name, edit in self.meeting_edits.items():
            value = getattr(meeting, name, None) if meeting is not None else None
            edit.setText(value.isoformat() if isinstance(value, dt.date) else (value or ""))
        self.meeting_box.setTitle(
            "Meeting" if meeting is not None else "Meeting (unknown: please fill in)"
        )
        self._set_enabled(True)
        if meeting is None:
            self.tabs.setCurrentWidget(self.meeting_box)
        self.loaded.emit(detail.id)

    # --- editing ---------------------------------------------------------------------------

    def _toggle_tag(self, kind: str, key: str, present: bool) -> None:
        if self.view is None:
            return
        try:
            self.workspace.set_tag(self.view.passage.id, kind, key, present=present)
        except BrieferError as exc:
            self.errorOccurred.emit(str(exc))
        self.tagsChanged.emit()
        self.reload()

    def _add_tag(self) -> None:
        data = self.tag_choice.currentData()
        if self.view is None or not data:
            return
        kind, key = data
        self._toggle_tag(kind, key, True)

    def meeting_changes(self) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for name, edit in self.meeting_edits.items():
            value = edit.text().strip()
            if name.endswith("_date") and value:
                try:
                    changes[name] = dt.date.fromisoformat(value)
                except ValueError as exc:
                    raise BrieferError(
                        f"{name.replace('_', ' ')}: {value!r} is not a date (use YYYY-MM-DD)"
                    ) from exc
            else:
                changes[name] = value or None
        return changes

    def _save_meeting(self) -> None:
        if self.view is None:
            return
        try:
            self.workspace.set_meeting(self.view.passage.document.id, self.meeting_changes())
        except BrieferError as exc:
            self.errorOccurred.emit(str(exc))
            return
        self.meetingChanged.emit()
        self.reload()
