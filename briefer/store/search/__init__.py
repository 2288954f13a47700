"""Full-text search behind one small interface, so PostgreSQL can plug in beside SQLite.

Only the text-matching part is dialect-specific: a backend keeps its index in step with
the passage table and turns a parsed query (``briefer.store.search.query``) into SQL pieces
(``TextMatch``). Facet filters, counts and paging are plain SQL shared by every backend
(``briefer.store.queries``); snippets are computed in Python from the original text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Connection, Engine, FromClause

from briefer.store.search.query import Node

if TYPE_CHECKING:
    from briefer.store.search.bm25 import Bm25Input
    from briefer.store.search.facet_index import FacetIndex


T = TypeVar("T")
# Runs a read on another connection to the same library, at the same time; its result
# comes with ``Future.result()``.
Apart = Callable[[Callable[[Connection], T]], Future[T]]

GROUP_TERM = "group:"  # a country group named in a filter: ``group:ID``
PassageTagIds = tuple[Iterable[str], Iterable[str]]  # a passage's theme ids, country codes


@dataclass(frozen=True)
class Filters:
    """Resolved facet filters: theme ids with descendants, country codes with group members.

    None means "no filter of this kind"; an empty tuple matches nothing. ``themes`` and
    ``countries`` are what every backend filters on. A backend that indexes ancestors
    and groups may match the shorter selection instead, when it is given:
    ``theme_roots`` (the themes of ``themes`` whose parent is not in it; every theme of
    ``themes`` is at most ``theme_depth`` levels below one of them) and ``country_terms``
    (codes and ``group:ID`` as named, whose members make up ``countries``).
    """

    themes: tuple[str, ...] | None = None
    countries: tuple[str, ...] | None = None
    meetings: tuple[int, ...] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    theme_roots: tuple[str, ...] | None = None
    theme_depth: int = 0
    theme_roots_are_top: bool = False  # every theme of ``theme_roots`` is top-level
    country_terms: tuple[str, ...] | None = None

    def without(self, facet: str) -> Filters:
        """The same filters minus one facet's own selection (for disjunctive counts)."""
        return replace(
            self,
            themes=None if facet == "themes" else self.themes,
            theme_roots=None if facet == "themes" else self.theme_roots,
            theme_depth=0 if facet == "themes" else self.theme_depth,
            theme_roots_are_top=False if facet == "themes" else self.theme_roots_are_top,
            countries=None if facet == "countries" else self.countries,
            country_terms=None if facet == "countries" else self.country_terms,
            meetings=None if facet == "meetings" else self.meetings,
        )


@dataclass(frozen=True)
class TextMatch:
    """A text condition as SQL pieces the shared queries combine with their filters.

    ``source`` is joined to ``passage`` on ``passage_id``; ``condition`` selects the rows of
    ``source`` that match; ``rank`` orders them (lower is better; None: no ranking). When
    ``negated`` is true the hits are the passages ``condition`` does NOT match (a query such
    as ``NOT border``), and the shared SQL excludes them instead of joining.

    A backend may also match some facet filters itself, far faster than per-row SQL checks
    (SQLite indexes each passage's tags as tokens); ``absorbs`` names those facets
    (``"themes"``, ``"countries"``) and the shared SQL then leaves their conditions out.
    ``parts``, when given, are disjoint matches whose union is this one, each answered
    from the index alone: a big library is ranked part by part at once (PostgreSQL
    splits by a word each passage carries, ``zh0`` or ``zh1``; a range of ids would AND
    half the primary key into every bitmap). Without them the parts are id ranges.
    """

    source: FromClause
    passage_id: ColumnElement[Any]
    condition: ColumnElement[Any]
    rank: ColumnElement[Any] | None
    negated: bool = False
    absorbs: frozenset[str] = frozenset()
    parts: tuple[TextMatch, ...] = ()


class SearchBackend(Protocol):
    """Keeps a full-text index of passages and answers text matches against it."""

    name: str

    def install(self, connection: Connection) -> None:
        """Create the index structures in a new (or migrated) library."""

    def index(
        self,
        connection: Connection,
        rows: Iterable[tuple[int, str]],
        tags: Mapping[int, PassageTagIds] | None = None,
    ) -> None:
        """Add passages (id, exact text) to the index, in the caller's transaction.

        ``tags``: each passage's active theme ids and country codes, when the caller
        knows them exactly (the importer, which just wrote them); the backend may then
        compute the passages' tag tokens without reading the tag tables back.
        """

    def unindex(self, connection: Connection, passage_ids: Iterable[int]) -> None:
        """Remove passages from the index, in the caller's transaction."""

    def rebuild(self, connection: Connection) -> None:
        """Rebuild the whole index from the passage table (after a bulk load)."""

    def tag_sync_suspended(self, connection: Connection) -> AbstractContextManager[None]:
        """A block of bulk tag changes in which the index is not updated row by row."""

    def refresh_tags(self, connection: Connection, first_id: int, last_id: int) -> None:
        """Bring the index's view of the tags of passages first_id..last_id up to date."""

    def refresh_passages(self, connection: Connection, passage_ids: Iterable[int]) -> None:
        """Bring the index's view of the tags of the given passages up to date."""

    def prepare_search(self, connection: Connection) -> None:
        """Tune the connection (or its transaction) for the search about to run on it."""

    def merge_after_bulk_change(self, connection: Connection, changed: int) -> bool:
        """Tidy the index after ``changed`` passages' tags were rewritten (a re-tag, a
        taxonomy or group change), in the caller's transaction, when that many slow later
        searches down; returns whether it did."""

    def text_match(self, query: Node | None, filters: Filters | None = None) -> TextMatch | None:
        """The SQL pieces matching a parsed query, and any filters the backend can absorb.

        None: no text condition at all (every passage matches; filters stay with the SQL).
        """

    def facet_stamp(self, connection: Connection) -> int | None:
        """A counter that moves with every change facet counts depend on, or None.

        None: the backend keeps no stamp, and facets are counted in SQL
        (``briefer.store.queries``) instead of from a ``FacetIndex``.
        """

    def load_facet_index(self, connection: Connection, stamp: int) -> FacetIndex:
        """The columns of ``briefer.store.search.facet_index`` as of ``stamp``."""

    def matching_ids(self, connection: Connection, query: Node | None) -> tuple[Any, bool] | None:
        """(ids of the passages the query's text matches, negated?); None: no text."""

    def bm25_input(
        self, connection: Connection, query: Node | None, apart: Apart | None = None
    ) -> Bm25Input | None:
        """What ranking the query's matches from the columnar copy needs from the index
        (``briefer.store.search.bm25``); None: the backend ranks this query itself.
        ``apart`` runs a read on another connection at the same time (the caller owns
        the threads and connections)."""


def backend_for(engine: Engine | Connection) -> SearchBackend:
    """The search backend for the engine's (or connection's) dialect."""
    if engine.dialect.name == "sqlite":
        from briefer.store.search.sqlite_fts import SqliteFtsBackend

        return SqliteFtsBackend()
    if engine.dialect.name == "postgresql":
        from briefer.store.search.postgres_fts import PostgresFtsBackend  # type: ignore[import-not-found]

        return PostgresFtsBackend()  # type: ignore[no-any-return]
    raise NotImplementedError(f"no full-text search for the {engine.dialect.name} dialect")
