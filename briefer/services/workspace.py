"""The one facade the desktop window uses: plain data in, plain data out, no ORM objects.

The window (``briefer.ui``) must not import the store or SQLAlchemy; everything it needs
from the library goes through a ``Workspace``: searching and facet counts, the facet
lists themselves (meetings by series and year, the theme tree, countries by group), a
document with one passage in context, manual tags, meeting corrections, briefings (read
as outlines, edited through undoable operations), import and export.

Every method opens its own short session, so a method may run on a worker thread while
the GUI thread calls another one (SQLite in WAL mode lets readers and one writer coexist).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from briefer.briefing.citations import cite_passage
from briefer.briefing.compose import ComposeOptions
from briefer.briefing.outline import BriefingOutline, BriefingSummary, PassageRef
from briefer.briefing.presets import CLASSIFICATION_PRESETS, Preset, list_presets
from briefer.domain.errors import BrieferError, NotFound
from briefer.domain.progress import CancelToken, Progress
from briefer.domain.search import FacetCount, SearchHit, SearchPage, SearchRequest
from briefer.paths import sample_dir
from briefer.services import briefings as briefing_ops
from briefer.services import documents, meetings, searching, tagging
from briefer.services.briefing_export import compose_briefing, write_briefing_document
from briefer.services.briefing_reads import list_briefings, load_outline, passage_refs
from briefer.services.briefings import (
    ArrangeItems,
    ArrangeSections,
    Batch,
    Change,
    InsertItems,
    InsertSection,
    ItemData,
    MoveItems,
    MoveSection,
    Operation,
    Placement,
    RemoveItems,
    RemoveSection,
    SectionData,
    UpdateBriefing,
    UpdateItem,
    UpdateSection,
)
from briefer.services.documents import PassageDetail, TagInfo
from briefer.services.importing import ImportEvent, ImportReport, import_paths
from briefer.services.library import open_ready_library
from briefer.services.tagging import ThemeNode
from briefer.store.library import Library
from briefer.store.models import Country, CountryGroupMember, Document, Passage, PassageCountry
from briefer.tagging.taxonomy import taxonomy_from_library

__all__ = [
    "ArrangeItems",
    "ArrangeSections",
    "Batch",
    "BriefingOutline",
    "BriefingSummary",
    "Change",
    "ComposeOptions",
    "CountryFacet",
    "DocumentView",
    "FacetCount",
    "InsertItems",
    "InsertSection",
    "ItemData",
    "MeetingFacet",
    "MoveItems",
    "MoveSection",
    "Operation",
    "PassageDetail",
    "Placement",
    "RemoveItems",
    "RemoveSection",
    "SearchHit",
    "SearchPage",
    "SearchRequest",
    "SectionData",
    "TagInfo",
    "ThemeNode",
    "UpdateBriefing",
    "UpdateItem",
    "UpdateSection",
    "Workspace",
]

WESTERN_BALKANS = "Western Balkans"
EU_MEMBERS = "EU member states"
OTHERS = "Others"
COUNTRY_GROUPS = (WESTERN_BALKANS, EU_MEMBERS, OTHERS)
_GROUP_IDS = {"wb6": WESTERN_BALKANS, "eu": EU_MEMBERS}
UNKNOWN_SERIES = "Other meetings"
_FACET_CACHE_SIZE = 64


@dataclass(frozen=True)
class MeetingFacet:
    """One meeting as the facets pane lists it, under its series and year."""

    id: int
    title: str
    series: str
    year: int | None
    start_date: dt.date | None
    end_date: dt.date | None
    city: str | None
    passages: int


@dataclass(frozen=True)
class CountryFacet:
    code: str
    name: str
    group: str  # WESTERN_BALKANS, EU_MEMBERS or OTHERS
    passages: int  # passages tagged with it in the whole library


@dataclass(frozen=True)
class DocumentView:
    """A passage inside its whole document: the text, where every passage sits, the facts."""

    passage: PassageDetail
    text: str  # the document's cleaned text; passage offsets index into it
    spans: tuple[tuple[int, int, int], ...]  # (passage id, start, end) in document order


class Workspace:
    """An open library and the use cases the window offers on it."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._lock = threading.Lock()
        self._generation = 0
        self._facets: OrderedDict[SearchRequest, tuple[object, dict[str, list[FacetCount]]]] = (
            OrderedDict()
        )

    @classmethod
    def open(cls, db: str | None = None) -> Workspace:
        return cls(open_ready_library(db))

    @property
    def url(self) -> str:
        return self.library.url

    def close(self) -> None:
        self.library.close()

    # --- the library as a whole ------------------------------------------------------------

    def document_count(self) -> int:
        with self.library.session() as session:
            return session.scalar(select(func.count(Document.id))) or 0

    @staticmethod
    def sample_folder() -> Path:
        return sample_dir()

    # --- search and facets -----------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchPage:
        return searching.search(self.library, request)

    def facet_counts(self, request: SearchRequest) -> dict[str, list[FacetCount]]:
        """Facet counts, remembered until the library changes (toggling a filter back and
        forth, or returning to the unfiltered library, costs nothing the second time).

        A change is a write through this facade or, where the backend keeps a change
        stamp, any write at all (an import from the command line in another process).
        """
        key = replace(request, limit=0, offset=0, sort="relevance", with_facets=True)
        stamp = searching.library_stamp(self.library)
        with self._lock:
            generation = (self._generation, stamp)
            cached = self._facets.get(key)
            if cached is not None and cached[0] == generation:
                self._facets.move_to_end(key)
                return cached[1]
        counts = searching.facet_counts(self.library, request)
        with self._lock:
            if generation[0] == self._generation:
                self._facets[key] = (generation, counts)
                while len(self._facets) > _FACET_CACHE_SIZE:
                    self._facets.popitem(last=False)
        return counts

    def library_changed(self) -> None:
        """Forget cached counts (called after every write this facade makes)."""
        with self._lock:
            self._generation += 1
            self._facets.clear()

    def meetings(self) -> list[MeetingFacet]:
        """Every meeting a document links to, by series (unknown last) then date."""
        with self.library.session() as session:
            found = meetings.list_meetings(session)
        facets = [
            MeetingFacet(
                id=m.id,
                title=m.title or m.series or (f"Meeting in {m.city}" if m.city else "Meeting"),
                series=m.series or UNKNOWN_SERIES,
                year=m.start_date.year if m.start_date else None,
                start_date=m.start_date,
                end_date=m.end_date,
                city=m.city,
                passages=m.passages,
            )
            for m in found
        ]
        return sorted(
            facets,
            key=lambda f: (
                f.series == UNKNOWN_SERIES,
                f.series.casefold(),
                f.start_date or dt.date.max,
                f.id,
            ),
        )

    def themes(self, *, with_counts: bool = True) -> list[ThemeNode]:
        """The theme tree; without counts it is instant (the window takes its counts from
        the facet counts of the current search instead)."""
        with self.library.session() as session:
            if with_counts:
                return tagging.theme_tree(session)
            taxonomy = taxonomy_from_library(session)
        nodes = {
            t.id: ThemeNode(t.id, t.label, t.eurovoc, t.parent, 0, len(t.cues))
            for t in taxonomy.themes
        }
        roots: list[ThemeNode] = []
        for theme in taxonomy.themes:
            node = nodes[theme.id]
            if theme.parent is None or theme.parent not in nodes:
                roots.append(node)
            else:
                nodes[theme.parent].children.append(node)
        return roots

    def countries(self) -> list[CountryFacet]:
        """Countries tagged in the library or belonging to the Western Balkans, by group."""
        with self.library.session() as session:
            names = dict(session.execute(select(Country.code, Country.name)).all())
            groups: dict[str, str] = {}
            positions: dict[str, int] = {}
            for group_id in ("eu", "wb6"):  # the Western Balkans win for any overlap
                rows = session.execute(
                    select(CountryGroupMember.country_code, CountryGroupMember.position).where(
                        CountryGroupMember.group_id == group_id,
                        CountryGroupMember.until.is_(None),
                    )
                )
                for code, position in rows:
                    groups[code] = _GROUP_IDS[group_id]
                    positions[code] = position if position is not None else 999
            counts = dict(
                session.execute(
                    select(
                        PassageCountry.country_code,
                        func.count(func.distinct(PassageCountry.passage_id)),
                    )
                    .where(PassageCountry.excluded.is_(False))
                    .group_by(PassageCountry.country_code)
                ).all()
            )
        listed = {code for code, group in groups.items() if group == WESTERN_BALKANS} | set(counts)
        facets = [
            CountryFacet(code, names.get(code, code), groups.get(code, OTHERS), counts.get(code, 0))
            for code in listed
            if code in names
        ]
        order = {name: index for index, name in enumerate(COUNTRY_GROUPS)}
        return sorted(facets, key=lambda c: (order[c.group], c.name.casefold()))

    # --- documents, tags, meetings ---------------------------------------------------------

    def document_view(self, passage_id: int) -> DocumentView:
        """The passage with its document's whole text and every passage's place in it."""
        detail = documents.show_passage(self.library, passage_id, context=0)
        with self.library.session() as session:
            document = session.get(Document, detail.document.id)
            if document is None:  # deleted between the two reads
                raise NotFound(f"document {detail.document.id}: no such document in the library")
            spans = tuple(
                (pid, start, end)
                for pid, start, end in session.execute(
                    select(Passage.id, Passage.start, Passage.end)
                    .where(Passage.document_id == document.id)
                    .order_by(Passage.position)
                )
            )
            return DocumentView(passage=detail, text=document.text or "", spans=spans)

    def set_tag(self, passage_id: int, kind: str, key: str, *, present: bool) -> None:
        """Tag a passage by hand, or remove a tag by hand (re-tagging will not undo either)."""
        with self.library.session() as session:
            if kind == "theme":
                tagging.set_passage_tag(session, passage_id, theme=key, remove=not present)
            elif kind == "country":
                tagging.set_passage_tag(session, passage_id, country=key, remove=not present)
            else:
                raise BrieferError(f"unknown tag kind {kind!r} (theme or country)")
        self.library_changed()

    def set_meeting(self, document_id: int, changes: dict[str, Any]) -> None:
        """Correct the meeting of a document (kept across re-tagging and re-importing)."""
        with self.library.session() as session:
            meetings.set_meeting(session, document_id, changes)
        self.library_changed()

    # --- briefings -------------------------------------------------------------------------

    def briefings(self) -> list[BriefingSummary]:
        return list_briefings(self.library)

    def outline(self, briefing_id: int) -> BriefingOutline:
        return load_outline(self.library, briefing_id)

    @staticmethod
    def presets() -> list[Preset]:
        return list_presets()

    @staticmethod
    def classifications() -> tuple[str, ...]:
        return CLASSIFICATION_PRESETS

    def create_briefing(self, title: str, preset: str | None = None) -> Change:
        return briefing_ops.create_briefing(self.library, title, preset=preset)

    def apply(self, operation: Operation, *, expected_version: int | None = None) -> Change:
        """Run one briefing operation in its own transaction; the change holds its inverse."""
        return briefing_ops.apply(self.library, operation, expected_version=expected_version)

    def quotes(self, passage_ids: Sequence[int]) -> list[tuple[int, str, str]]:
        """(passage id, exact stored text, citation) for each id that exists, in the order given."""
        with self.library.session() as session:
            refs: dict[int, PassageRef] = passage_refs(session, passage_ids)
        return [
            (pid, refs[pid].text, cite_passage(refs[pid])) for pid in passage_ids if pid in refs
        ]

    # --- import and export -----------------------------------------------------------------

    def import_files(
        self, paths: Iterable[Path | str], cancel: CancelToken | None = None
    ) -> Generator[ImportEvent, None, ImportReport]:
        """The importer's generator: ``Progress`` before each file, an outcome after it."""
        events = import_paths(self.library, list(paths), cancel=cancel)
        try:
            while True:
                event = next(events)
                if getattr(event, "status", None) == "imported":
                    self.library_changed()
                yield event
        except StopIteration as stop:
            report: ImportReport = stop.value
            return report
        finally:
            self.library_changed()

    def export(
        self,
        briefing_id: int,
        fmt: str,
        path: Path,
        options: ComposeOptions | None = None,
        cancel: CancelToken | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Generator[Progress, None, Any]:
        """Compose and write one briefing; yields progress, returns the writer's report.

        The writer reports its own progress through ``progress(done, total)`` (called on the
        writer's thread); once started it runs to the end, and the file is renamed into
        place whole, so a cancel is honoured only before writing begins.
        """
        yield Progress(0, None, "composing")
        if cancel is not None:
            cancel.raise_if_cancelled()
        document = compose_briefing(self.library, briefing_id, options)
        yield Progress(0, None, f"writing {Path(path).name}")
        if cancel is not None:
            cancel.raise_if_cancelled()
        report = write_briefing_document(document, fmt, Path(path), progress=progress)
        yield Progress(1, 1, "written")
        return report

    def verify(self, path: Path | str) -> Any:
        """Read an export back and check every quote against the library."""
        from briefer.services.verification import verify_export

        return verify_export(self.library, path)
