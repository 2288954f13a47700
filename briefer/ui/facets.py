"""The facets: meetings by series and year, the theme tree, countries by group, a date range.

Each facet list is a two-column tree model (name, passage count) over plain Python nodes;
checkable rows carry their filter key. Counts follow the current search: the results
model hands the facet counts of each new request to ``set_counts``, which swaps one dict
and tells the views, so a library with thousands of meetings never stalls the window. A
row whose count falls to zero is greyed, not hidden, so the list does not jump while the
user clicks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QPalette
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
GROUP_KEYS = {WESTERN_BALKANS: "group:wb6", "EU member states": "group:eu"}
ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class FacetNode:
    """One row: a filter (``key``), or a heading that groups rows (and may sum them)."""

    label: str
    key: str = ""
    checkable: bool = False
    sums: bool = False  # a heading whose count is the sum of its rows (series, year)
    tooltip: str = ""
    parent: FacetNode | None = field(default=None, repr=False)
    children: list[FacetNode] = field(default_factory=list, repr=False)
    row: int = 0

    def add(self, child: FacetNode) -> FacetNode:
        child.parent = self
        child.row = len(self.children)
        self.children.append(child)
        return child

    def walk(self) -> Iterator[FacetNode]:
        for child in self.children:
            yield child
            yield from child.walk()


class FacetModel(QAbstractItemModel):
    """A facet list: check rows to filter; ``checked_keys`` says which; counts are updated."""

    checkedChanged = Signal()

    def __init__(self, root: FacetNode | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.root = root or FacetNode("")
        self._checked: set[str] = set()
        self._counts: dict[str, int] | None = None
        self._sums: dict[int, int] = {}  # id(heading node) -> sum of its rows
        self._by_key = {node.key: node for node in self.root.walk() if node.key}

    # --- the tree --------------------------------------------------------------------------

    def _node(self, index: ModelIndex) -> FacetNode:
        return index.internalPointer() if index.isValid() else self.root  # type: ignore[return-value]

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent)
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        if 0 <= row < len(node.children) and 0 <= column < 2:
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        up = self._node(index).parent
        if up is None or up is self.root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Name", "Passages")[section] if 0 <= section < 2 else None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        count = self.count(node)
        if index.column() == 1:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{count:,}" if count is not None else ""
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.ForegroundRole and count == 0:
                return _muted()
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return node.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.tooltip or node.label
        if role == Qt.ItemDataRole.CheckStateRole and node.checkable:
            return Qt.CheckState.Checked if node.key in self._checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and count == 0:
            return _muted()
        if role == KeyRole:
            return node.key
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        node = self._node(index)
        if not node.checkable:
            return False
        checked = _is_checked(value)
        if checked == (node.key in self._checked):
            return False
        if checked:
            self._checked.add(node.key)
        else:
            self._checked.discard(node.key)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checkedChanged.emit()
        return True

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        node = self._node(index)
        if index.column() == 0 and node.checkable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        if not node.children:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    # --- filters and counts ----------------------------------------------------------------

    def checked_keys(self) -> list[str]:
        """The checked keys, in list order."""
        return [n.key for n in self.root.walk() if n.checkable and n.key in self._checked]

    def set_checked(self, keys: Iterable[str], *, notify: bool = True) -> None:
        self._checked = {k for k in keys if k in self._by_key and self._by_key[k].checkable}
        self._all_changed([Qt.ItemDataRole.CheckStateRole])
        if notify:
            self.checkedChanged.emit()

    def check(self, key: str, checked: bool = True) -> bool:
        index = self.index_of(key)
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        return index.isValid() and self.setData(index, state, Qt.ItemDataRole.CheckStateRole)

    def set_counts(self, counts: dict[str, int]) -> None:
        """Show the passages each row has under the current filter (headings sum theirs)."""
        self._counts = dict(counts)
        self._sums = {}
        for node in self.root.walk():
            if node.sums:
                self._sums[id(node)] = sum(
                    self.count(leaf) or 0 for leaf in node.walk() if not leaf.sums
                )
        self._all_changed([Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole])

    def count(self, node: FacetNode) -> int | None:
        if self._counts is None:
            return None
        if node.sums:
            return self._sums.get(id(node), 0)
        if node.key and not node.key.startswith("group:"):
            return self._counts.get(node.key, 0)
        return None

    def widest_count(self) -> str:
        """The longest count text in the list, to size its column without asking every row."""
        largest = max([*(self._counts or {}).values(), *self._sums.values(), 0])
        return f"{largest:,}"

    def count_of(self, key: str) -> str | None:
        node = self._by_key.get(key)
        if node is None:
            return None
        count = self.count(node)
        return f"{count:,}" if count is not None else ""

    def index_of(self, key: str) -> QModelIndex:
        node = self._by_key.get(key)
        return self.createIndex(node.row, 0, node) if node is not None else QModelIndex()

    def _all_changed(self, roles: list[Qt.ItemDataRole]) -> None:
        """One dataChanged per list of rows (a handful of signals, whatever the size)."""
        stack = [self.root]
        while stack:
            node = stack.pop()
            if not node.children:
                continue
            parent = QModelIndex() if node is self.root else self.createIndex(node.row, 0, node)
            last = len(node.children) - 1
            self.dataChanged.emit(self.index(0, 0, parent), self.index(last, 1, parent), roles)
            stack.extend(child for child in node.children if child.children)


def _is_checked(value: Any) -> bool:
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    return int(value) == Qt.CheckState.Checked.value


def _muted() -> Any:
    return QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)


@dataclass(frozen=True)
class FacetTree:
    """A facet list's rows and their passage counts (None: no counts yet), built without Qt
    so a big library's lists (10,000 meetings) are built off the GUI thread."""

    root: FacetNode
    counts: dict[str, int] | None


@dataclass(frozen=True)
class FacetTrees:
    meetings: FacetTree
    themes: FacetTree
    countries: FacetTree


def facet_trees(
    meetings: list[MeetingFacet], themes: list[ThemeNode], countries: list[CountryFacet]
) -> FacetTrees:
    return FacetTrees(meeting_tree(meetings), theme_tree(themes), country_tree(countries))


def facet_model(tree: FacetTree, parent: QObject | None = None) -> FacetModel:
    model = FacetModel(tree.root, parent)
    if tree.counts is not None:
        model.set_counts(tree.counts)
    return model


def meetings_model(meetings: list[MeetingFacet], parent: QObject | None = None) -> FacetModel:
    return facet_model(meeting_tree(meetings), parent)


def meeting_tree(meetings: list[MeetingFacet]) -> FacetTree:
    """Meetings under their series and year; series and years sum their meetings."""
    root = FacetNode("")
    series_rows: dict[str, FacetNode] = {}
    year_rows: dict[tuple[str, int | None], FacetNode] = {}
    for meeting in meetings:
        series = series_rows.get(meeting.series)
        if series is None:
            series = series_rows[meeting.series] = root.add(FacetNode(meeting.series, sums=True))
        year = year_rows.get((meeting.series, meeting.year))
        if year is None:
            label = str(meeting.year) if meeting.year else "Undated"
            year = year_rows[(meeting.series, meeting.year)] = series.add(
                FacetNode(label, sums=True)
            )
        dates = meeting.start_date.isoformat() if meeting.start_date else "date unknown"
        place = meeting.city or "place unknown"
        tooltip = f"{meeting.title}\n{dates}, {place}\n{meeting.passages} passages in the library"
        year.add(
            FacetNode(f"{dates} \u00b7 {place}", str(meeting.id), checkable=True, tooltip=tooltip)
        )
    return FacetTree(root, {str(m.id): m.passages for m in meetings})


def themes_model(roots: list[ThemeNode], parent: QObject | None = None) -> FacetModel:
    return facet_model(theme_tree(roots), parent)


def theme_tree(roots: list[ThemeNode]) -> FacetTree:
    """The taxonomy as it is; counts only if the themes came with them."""
    root = FacetNode("")
    counts: dict[str, int] = {}

    def add(theme: ThemeNode, into: FacetNode) -> None:
        node = into.add(
            FacetNode(theme.label, theme.id, checkable=True, tooltip=f"{theme.label} ({theme.id})")
        )
        counts[theme.id] = theme.passages
        for child in theme.children:
            add(child, node)

    for theme in roots:
        add(theme, root)
    return FacetTree(root, counts if any(counts.values()) else None)


def countries_model(countries: list[CountryFacet], parent: QObject | None = None) -> FacetModel:
    return facet_model(country_tree(countries), parent)


def country_tree(countries: list[CountryFacet]) -> FacetTree:
    """Countries under their group (Western Balkans, EU member states, others)."""
    root = FacetNode("")
    groups: dict[str, FacetNode] = {}
    for name in COUNTRY_GROUPS:
        members = [c for c in countries if c.group == name]
        if not members:
            continue
        key = GROUP_KEYS.get(name, "")
        tooltip = f"Any of the {name}" if key else "Countries outside these groups"
        groups[name] = root.add(FacetNode(name, key, checkable=bool(key), tooltip=tooltip))
        for country in members:
            groups[name].add(
                FacetNode(
                    country.name,
                    country.code,
                    checkable=True,
                    tooltip=f"{country.name} ({country.code})",
                )
            )
    return FacetTree(root, {c.code: c.passages for c in countries})


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
    # Sized from the widest count (``fit_count_column``): "resize to contents" made the
    # header ask up to 1,000 rows for their text and size on every count update, a GUI
    # freeze of 90-190 ms each time the counts arrived in a big library.
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
    view.setAccessibleName(name)
    return view


COUNT_COLUMN_PADDING = 16  # px around the digits (the item's margins and a little air)


def fit_count_column(view: QTreeView) -> None:
    """Make the count column just wide enough for the model's widest count."""
    model = view.model()
    if isinstance(model, FacetModel):
        width = view.fontMetrics().horizontalAdvance(model.widest_count())
        view.header().resizeSection(1, width + COUNT_COLUMN_PADDING)


class FacetsPane(QWidget):
    """The filters; ``changed`` fires on every check, uncheck or date change."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meetings = FacetModel(parent=self)
        self.themes = FacetModel(parent=self)
        self.countries = FacetModel(parent=self)
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
        self.load_trees(facet_trees(meetings, themes, countries))

    def load_trees(self, trees: FacetTrees) -> None:
        """Fill the lists from trees built beforehand (``facet_trees``, off the GUI thread)."""
        kept = (
            self.meetings.checked_keys(),
            self.themes.checked_keys(),
            self.countries.checked_keys(),
        )
        self.meetings = facet_model(trees.meetings, self)
        self.themes = facet_model(trees.themes, self)
        self.countries = facet_model(trees.countries, self)
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
        else:
            for view in (self.meetings_view, self.themes_view, self.countries_view):
                fit_count_column(view)
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
        for view in (self.meetings_view, self.themes_view, self.countries_view):
            fit_count_column(view)

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
    return model.index_of(key)
