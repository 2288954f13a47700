"""Full-text search behind one small interface, so PostgreSQL can plug in beside SQLite.

Only the text-matching part is dialect-specific: a backend keeps its index in step with
the passage table and turns a parsed query (``briefer.store.search.query``) into SQL pieces
(``TextMatch``). Facet filters, counts and paging are plain SQL shared by every backend
(``briefer.store.queries``); snippets are computed in Python from the original text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Connection, Engine, FromClause

from briefer.store.search.query import Node


@dataclass(frozen=True)
class TextMatch:
    """A text condition as SQL pieces the shared queries combine with their filters.

    ``source`` is joined to ``passage`` on ``passage_id``; ``condition`` selects the rows of
    ``source`` that match; ``rank`` orders them (lower is better; None: no ranking). When
    ``negated`` is true the hits are the passages ``condition`` does NOT match (a query such
    as ``NOT border``), and the shared SQL excludes them instead of joining.
    """

    source: FromClause
    passage_id: ColumnElement[Any]
    condition: ColumnElement[Any]
    rank: ColumnElement[Any] | None
    negated: bool = False


class SearchBackend(Protocol):
    """Keeps a full-text index of passages and answers text matches against it."""

    name: str

    def install(self, connection: Connection) -> None:
        """Create the index structures in a new (or migrated) library."""

    def index(self, connection: Connection, rows: Iterable[tuple[int, str]]) -> None:
        """Add passages (id, exact text) to the index, in the caller's transaction."""

    def unindex(self, connection: Connection, passage_ids: Iterable[int]) -> None:
        """Remove passages from the index, in the caller's transaction."""

    def rebuild(self, connection: Connection) -> None:
        """Rebuild the whole index from the passage table (after a bulk load)."""

    def text_match(self, query: Node) -> TextMatch | None:
        """The SQL pieces matching a parsed query (None: the query matches every passage)."""


def backend_for(engine: Engine | Connection) -> SearchBackend:
    """The search backend for the engine's (or connection's) dialect."""
    if engine.dialect.name == "sqlite":
        from briefer.store.search.sqlite_fts import SqliteFtsBackend

        return SqliteFtsBackend()
    if engine.dialect.name == "postgresql":
        from briefer.store.search.postgres_fts import PostgresFtsBackend  # type: ignore[import-not-found]

        return PostgresFtsBackend()  # type: ignore[no-any-return]
    raise NotImplementedError(f"no full-text search for the {engine.dialect.name} dialect")
