"""The facets: meetings by series and year, the theme tree, countries by group, a date range.

Each facet list is a two-column ``QStandardItemModel`` (name, passage count) whose
checkable rows carry their filter key. Counts follow the current search: the results
model hands the facet counts of each new request to ``set_counts``. A row whose count
falls to zero is greyed, not hidden, so the list does not jump while the user clicks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from PySide6.QtCore import QDate, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDateEdit,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from briefer.services.workspace import (
    COUNTRY_GROUPS,
    WESTERN_BALKANS,
    CountryFacet,
    FacetCount,
    MeetingFacet,
    SearchRequest,
    ThemeNode,
)

KeyRole = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # "series", "year" (groups summing their children)
GROUP_KEYS = {WESTERN_BALKANS: "group:wb6", "EU member states": "group:eu"}


def _row(
    label: str, key: str | None, *, checkable: bool, tooltip: str | None = None
) -> list[QStandardItem]:
    name = QStandardItem(label)
    name.setEditable(False)
    name.setToolTip(tooltip or label)
    # Every row carries both roles ("" when none): reading a role that is not set gives
    # None, and PySide 6.12 loses a reference to None on each such read.
    name.setData(key or "", KeyRole)
    name.setData("", KIND_ROLE)
    if checkable:
        name.setCheckable(True)
        name.setCheckState(Qt.CheckState.Unchecked)
    count = QStandardItem("")
    count.setEditable(False)
    count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return [name, count]


class FacetModel(QStandardItemModel):
    """A facet list: check rows to filter; ``checked_keys`` says which; counts are updated."""

    checkedChanged = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeaderLabels(["Name", "Passages"])
        self.itemChanged.connect(self._on_item_changed)
        self._quiet = False

    def _on_item_changed(self, item: QStandardItem) -> None:
        if not self._quiet and item.isCheckable():
            self.checkedChanged.emit()

    def _walk(self, parent: QStandardItem | None = None) -> Iterable[QStandardItem]:
        parent = parent or self.invisibleRootItem()
        for row in range(parent.rowCount()):
            child = parent.child(row, 0)
            if child is None:
                continue
            yield child
            yield from self._walk(child)

    def checked_keys(self) -> list[str]:
        return [
            str(item.data(KeyRole))
            for item in self._walk()
            if item.isCheckable()
            and item.checkState() == Qt.CheckState.Checked
            and item.data(KeyRole)
        ]

    def set_checked(self, keys: Iterable[str], *, notify: bool = True) -> None:
        wanted = set(keys)
        self._quiet = True
        try:
            for item in self._walk():
                if item.isCheckable():
                    state = item.data(KeyRole) in wanted
                    item.setCheckState(Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)
        finally:
            self._quiet = False
        if notify:
            self.checkedChanged.emit()

    def set_counts(self, counts: dict[str, int]) -> None:
        """Show the passages each row has under the current filter (groups sum their rows)."""
        muted = QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        normal = QApplication.palette().color(QPalette.ColorRole.Text)
        self._quiet = True
        try:
            self._count_children(self.invisibleRootItem(), counts, muted, normal)
        finally:
            self._quiet = False

    def _count_children(self, parent: QStandardItem, counts: dict[str, int], muted, normal) -> int:  # type: ignore[no-untyped-def]
        total = 0
        for row in range(parent.rowCount()):
            name, count_item = parent.child(row, 0), parent.child(row, 1)
            if name is None or count_item is None:
                continue
            below = self._count_children(name, counts, muted, normal)
            key = name.data(KeyRole)
            if name.data(KIND_ROLE) == "sum":
                value: int | None = below
            elif key and not str(key).startswith("group:"):
                value = counts.get(str(key), 0)
            else:
                value = None
            if value is not None:
                total += value
                count_item.setText(f"{value:,}")
                color = normal if value else muted
                name.setForeground(color)
                count_item.setForeground(color)
            else:
                count_item.setText("")
        return total

    def count_of(self, key: str) -> str | None:
        for item in self._walk():
            if item.data(KeyRole) == key:
                index = item.index()
                return self.index(index.row(), 1, index.parent()).data()
        return None


def meetings_model(meetings: list[MeetingFacet], parent: QObject | None = None) -> FacetModel:
    model = FacetModel(parent)
    series_rows: dict[str, QStandardItem] = {}
    year_rows: dict[tuple[str, int | None], QStandardItem] = {}
    for meeting in meetings:
        series = series_rows.get(meeting.series)
        if series is None:
            row = _row(meeting.series, None, checkable=False)
            row[0].setData("sum", KIND_ROLE)
            model.appendRow(row)
            series = series_rows[meeting.series] = row[0]
        year = year_rows.get((meeting.series, meeting.year))
        if year is None:
            row = _row(str(meeting.year) if meeting.year else "Undated", None, checkable=False)
            row[0].setData("sum", KIND_ROLE)
            series.appendRow(row)
            year = year_rows[(meeting.series, meeting.year)] = row[0]
        dates = meeting.start_date.isoformat() if meeting.start_date else "date unknown"
        place = meeting.city or "place unknown"
        tooltip = f"{meeting.title}\n{dates}, {place}\n{meeting.passages} passages in the library"
        year.appendRow(
            _row(f"{dates} \u00b7 {place}", str(meeting.id), checkable=True, tooltip=tooltip)
        )
    model.set_counts({str(m.id): m.passages for m in meetings})
    return model


def themes_model(roots: list[ThemeNode], parent: QObject | None = None) -> FacetModel:
    model = FacetModel(parent)

    def add(node: ThemeNode, into: QStandardItem) -> None:
        row = _row(node.label, node.id, checkable=True, tooltip=f"{node.label} ({node.id})")
        into.appendRow(row)
        for child in node.children:
            add(child, row[0])

    for root in roots:
        add(root, model.invisibleRootItem())
    counts: dict[str, int] = {}

    def collect(node: ThemeNode) -> None:
        counts[node.id] = node.passages
        for child in node.children:
            collect(child)

    for root in roots:
        collect(root)
    model.set_counts(counts)
    return model


def countries_model(countries: list[CountryFacet], parent: QObject | None = None) -> FacetModel:
    model = FacetModel(parent)
    groups: dict[str, QStandardItem] = {}
    for name in COUNTRY_GROUPS:
        key = GROUP_KEYS.get(name)
        tooltip = f"Any of the {name}" if key else "Countries outside these groups"
        row = _row(name, key, checkable=key is not None, tooltip=tooltip)
        model.appendRow(row)
        groups[name] = row[0]
    for country in countries:
        groups[country.group].appendRow(
            _row(
                country.name,
                country.code,
                checkable=True,
                tooltip=f"{country.name} ({country.code})",
            )
        )
    for item in list(groups.values()):
        if item.rowCount() == 0:
            model.removeRow(item.row())
    model.set_counts({c.code: c.passages for c in countries})
    return model


def _facet_view(model: FacetModel, name: str) -> QTreeView:
    view = QTreeView()
    view.setObjectName(name)
    view.setModel(model)
    view.setHeaderHidden(True)
    view.setUniformRowHeights(True)
    view.setIndentation(14)
    view.setAlternatingRowColors(False)
    header = view.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    view.setAccessibleName(name)
    return view


class FacetsPane(QWidget):
    """The filters; ``changed`` fires on every check, uncheck or date change."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meetings = FacetModel(self)
        self.themes = FacetModel(self)
        self.countries = FacetModel(self)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.meetings_view = _facet_view(self.meetings, "Meetings")
        self.themes_view = _facet_view(self.themes, "Themes")
        self.countries_view = _facet_view(self.countries, "Countries")
        self.tabs.addTab(self.themes_view, "&Themes")
        self.tabs.addTab(self.countries_view, "C&ountries")
        self.tabs.addTab(self.meetings_view, "&Meetings")

        self.use_from = QCheckBox("From")
        self.use_to = QCheckBox("To")
        self.date_from = QDateEdit(QDate(2000, 1, 1))
        self.date_to = QDateEdit(QDate.currentDate())
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.use_from.toggled.connect(self.date_from.setEnabled)
        self.use_to.toggled.connect(self.date_to.setEnabled)
        # Slots of exact arity (PySide mishandles references with ``*args`` slots).
        self.use_from.toggled.connect(lambda _on: self._dates_changed())
        self.use_to.toggled.connect(lambda _on: self._dates_changed())
        self.date_from.dateChanged.connect(lambda _date: self._dates_changed())
        self.date_to.dateChanged.connect(lambda _date: self._dates_changed())
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setToolTip("Uncheck every filter and forget the dates")
        self.clear_button.clicked.connect(self.clear)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)

        dates = QGridLayout()
        dates.addWidget(self.use_from, 0, 0)
        dates.addWidget(self.date_from, 0, 1)
        dates.addWidget(self.use_to, 1, 0)
        dates.addWidget(self.date_to, 1, 1)
        dates.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("<b>Filters</b>")
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(dates)
        layout.addWidget(self.summary)
        layout.addWidget(self.clear_button)
        self._quiet = False
        self._last_counts: dict[str, list[FacetCount]] | None = None

    def load(
        self, meetings: list[MeetingFacet], themes: list[ThemeNode], countries: list[CountryFacet]
    ) -> None:
        """Fill the lists (keeping what was checked)."""
        kept = (
            self.meetings.checked_keys(),
            self.themes.checked_keys(),
            self.countries.checked_keys(),
        )
        self.meetings = meetings_model(meetings, self)
        self.themes = themes_model(themes, self)
        self.countries = countries_model(countries, self)
        for model, view, keys in zip(
            (self.meetings, self.themes, self.countries),
            (self.meetings_view, self.themes_view, self.countries_view),
            kept,
            strict=True,
        ):
            old = view.model()
            view.setModel(model)
            if old is not None and old is not model:
                old.deleteLater()
            model.set_checked(keys, notify=False)
            model.checkedChanged.connect(self._checked_changed)
        if self._last_counts is not None:
            self.set_counts(self._last_counts)
        self.themes_view.expandToDepth(0)
        self.countries_view.expandAll()
        self.meetings_view.expandToDepth(0)
        self._update_summary()

    def _checked_changed(self) -> None:
        self._update_summary()
        if not self._quiet:
            self.changed.emit()

    def _dates_changed(self) -> None:
        self._update_summary()
        if not self._quiet:
            self.changed.emit()

    def apply_to(self, request: SearchRequest) -> SearchRequest:
        """The request with this pane's filters (the text query is kept)."""
        from dataclasses import replace

        return replace(
            request,
            themes=tuple(self.themes.checked_keys()),
            countries=tuple(self.countries.checked_keys()),
            meetings=tuple(int(k) for k in self.meetings.checked_keys()),
            date_from=_date(self.date_from) if self.use_from.isChecked() else None,
            date_to=_date(self.date_to) if self.use_to.isChecked() else None,
        )

    def has_filters(self) -> bool:
        return bool(
            self.themes.checked_keys()
            or self.countries.checked_keys()
            or self.meetings.checked_keys()
            or self.use_from.isChecked()
            or self.use_to.isChecked()
        )

    def clear(self) -> None:
        """One click: every filter off, one search."""
        self._quiet = True
        try:
            for model in (self.meetings, self.themes, self.countries):
                model.set_checked([], notify=False)
            self.use_from.setChecked(False)
            self.use_to.setChecked(False)
        finally:
            self._quiet = False
        self._update_summary()
        self.changed.emit()

    def set_counts(self, facets: dict[str, list[FacetCount]]) -> None:
        self._last_counts = facets
        self.themes.set_counts({f.key: f.count for f in facets.get("themes", [])})
        self.countries.set_counts({f.key: f.count for f in facets.get("countries", [])})
        self.meetings.set_counts({f.key: f.count for f in facets.get("meetings", [])})

    def _update_summary(self) -> None:
        n = (
            len(self.themes.checked_keys())
            + len(self.countries.checked_keys())
            + len(self.meetings.checked_keys())
            + int(self.use_from.isChecked())
            + int(self.use_to.isChecked())
        )
        self.summary.setText(
            f"{n} filter{'s' if n != 1 else ''} on" if n else "No filters: the whole library"
        )
        self.clear_button.setEnabled(n > 0)


def _date(edit: QDateEdit) -> dt.date:
    value = edit.date()
    return dt.date(value.year(), value.month(), value.day())


def find_key(model: FacetModel, key: str) -> QModelIndex:
    """The index of the row with this key (for tests and keyboard navigation)."""
    for item in model._walk():
        if item.data(KeyRole) == key:
            return item.index()
    return QModelIndex()
