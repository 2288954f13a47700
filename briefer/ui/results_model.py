"""Search results as a lazily filled list model: the first page on a new request, more on scroll.

Queries run on the thread pool (``briefer.ui.jobs``). Each request gets a generation
number; a page that arrives for an older request is dropped, so typing fast never shows
stale results. Each new request also asks for the facet counts, which the
model hands on (``facetsChanged``) for the facets pane; they are counted in a job of
their own so the first hits never wait for them.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from briefer.services.workspace import SearchHit, SearchPage, SearchRequest, Workspace
from briefer.ui.jobs import Job, call_in_background, pool
from briefer.ui.mime import PASSAGE_MIME, passages_mime, quote_text

HitRole = Qt.ItemDataRole.UserRole + 1
PassageIdRole = Qt.ItemDataRole.UserRole + 2
PAGE_SIZE = 100
_MARK = re.compile(r"\[\[(.+?)\]\]", re.DOTALL)
ModelIndex = QModelIndex | QPersistentModelIndex


def snippet_html(snippet: str, mark_style: str) -> str:
    """The snippet as HTML, every ``[[word]]`` the search matched shown marked."""
    parts: list[str] = []
    last = 0
    for match in _MARK.finditer(snippet):
        parts.append(html.escape(snippet[last : match.start()]))
        parts.append(f'<span style="{mark_style}">{html.escape(match.group(1))}</span>')
        last = match.end()
    parts.append(html.escape(snippet[last:]))
    return "".join(parts)


def plain_snippet(snippet: str) -> str:
    return _MARK.sub(r"\1", snippet)


def hit_meta(hit: SearchHit) -> str:
    """Meeting · date · paragraph, as much as is known."""
    parts: list[str] = []
    meeting = hit.meeting
    if meeting is not None:
        label = meeting.title or meeting.city
        if meeting.title and meeting.city:
            label = f"{meeting.title}, {meeting.city}"
        if label:
            parts.append(label)
    else:
        parts.append(hit.document_title or f"document {hit.document_id}")
    day = meeting.start_date if meeting is not None and meeting.start_date else hit.published
    if day is not None:
        parts.append(day.isoformat())
    if hit.paragraph:
        parts.append(f"\u00b6 {hit.paragraph}")
    return " \u00b7 ".join(parts)


class ResultsModel(QAbstractListModel):
    totalChanged = Signal(int)
    facetsChanged = Signal(object)  # dict[str, list[FacetCount]]
    failed = Signal(str)
    pageLoaded = Signal()  # after every page (first or more)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.request = SearchRequest(limit=PAGE_SIZE)
        self.hits: list[SearchHit] = []
        self.total = 0
        self._generation = 0
        self._fetching = False
        self._jobs: set[Job] = set()
        self.theme_labels: dict[str, str] = {}

    @property
    def loading(self) -> bool:
        return bool(self._jobs)

    # --- asking ----------------------------------------------------------------------------

    def set_request(self, request: SearchRequest) -> None:
        """Start a new search: the list empties and the first page follows."""
        self._generation += 1
        self.request = replace(request, limit=PAGE_SIZE, offset=0, with_facets=False)
        for job in list(self._jobs):
            job.cancel()
            try:
                taken = pool("counts").tryTake(job)  # not started yet: it never will
            except RuntimeError:  # already run and deleted by the pool (auto-delete)
                taken = True
            if taken:
                self._jobs.discard(job)
        self.beginResetModel()
        self.hits = []
        self.total = 0
        self._fetching = True
        self.endResetModel()
        self._run(self.request, first=True)

    def refresh(self) -> None:
        self.set_request(self.request)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._fetching and len(self.hits) < self.total

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        self._run(replace(self.request, offset=len(self.hits), with_facets=False), first=False)

    def _run(self, request: SearchRequest, *, first: bool) -> None:
        generation = self._generation
        job = call_in_background(lambda: self.workspace.search(request))
        self._jobs.add(job)

        def done(page: Any) -> None:
            if not shiboken6.isValid(self):  # the window closed while the page was read
                return
            self._jobs.discard(job)
            if generation == self._generation:
                self._receive(page, first=first)
                if first:
                    # Counted after the first page, not beside it: on two cores the page
                    # (ranked in two halves) gets both while the user waits for it.
                    self._run_facets(request)

        def failed(message: str) -> None:
            self._jobs.discard(job)
            if generation == self._generation:
                self._fetching = False
                self.failed.emit(message)

        job.signals.finished.connect(done)
        job.signals.failed.connect(failed)
        job.signals.cancelled.connect(lambda: self._jobs.discard(job))
        job.start(pool("pages"))

    def _run_facets(self, request: SearchRequest) -> None:
        """Facet counts in a job of their own, so the first hits never wait for them."""
        generation = self._generation
        job = call_in_background(lambda: self.workspace.facet_counts(request))
        self._jobs.add(job)

        def done(facets: Any) -> None:
            if not shiboken6.isValid(self):  # the window closed while counting
                return
            self._jobs.discard(job)
            if generation == self._generation:
                self.facetsChanged.emit(facets)

        def failed(message: str) -> None:
            self._jobs.discard(job)
            if generation == self._generation:
                self.failed.emit(message)

        job.signals.finished.connect(done)
        job.signals.failed.connect(failed)
        job.signals.cancelled.connect(lambda: self._jobs.discard(job))
        job.start(pool("counts"))

    def _receive(self, page: SearchPage, *, first: bool) -> None:
        self._fetching = False
        if first:
            self.total = page.total
            self.totalChanged.emit(page.total)
        known = {h.passage_id for h in self.hits}
        fresh = [h for h in page.hits if h.passage_id not in known]
        if fresh:
            start = len(self.hits)
            self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
            self.hits.extend(fresh)
            self.endInsertRows()
        elif not first:  # the library shrank under us: stop asking for more
            self.total = len(self.hits)
        self.pageLoaded.emit()

    # --- the list --------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return plain_snippet(hit.snippet)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.text}\n\n{hit_meta(hit)}"
        if role == HitRole:
            return hit
        if role == PassageIdRole:
            return hit.passage_id
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def passage_ids(self, indexes: list[QModelIndex]) -> list[int]:
        """The passages of the given rows, in list order, each once."""
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return [self.hits[r].passage_id for r in rows if r < len(self.hits)]

    # --- dragging out ----------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [PASSAGE_MIME, "text/plain"]

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData | None:  # type: ignore[override]
        ids = self.passage_ids(list(indexes))
        if not ids:
            return None
        workspace = self.workspace

        def plain_text() -> str:
            return "\n\n".join(quote_text(t, c) for _pid, t, c in workspace.quotes(ids))

        return passages_mime(ids, plain_text)
