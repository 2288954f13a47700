"""Full-text search behind one small interface, so PostgreSQL can plug in beside SQLite.

Only the text-matching part is dialect-specific; facet filters and counts are plain SQL
shared by every backend (``briefer.store.queries``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import Connection, Engine


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


def backend_for(engine: Engine | Connection) -> SearchBackend:
    """The search backend for the engine's (or connection's) dialect."""
    if engine.dialect.name == "sqlite":
        from briefer.store.search.sqlite_fts import SqliteFtsBackend

        return SqliteFtsBackend()
    if engine.dialect.name == "postgresql":
        from briefer.store.search.postgres_fts import PostgresFtsBackend  # type: ignore[import-not-found]

        return PostgresFtsBackend()  # type: ignore[no-any-return]
    raise NotImplementedError(f"no full-text search for the {engine.dialect.name} dialect")
