"""The complete metadata: import every model module here, nowhere else needed."""

from __future__ import annotations

from briefer.store import briefing_models, models
from briefer.store.base import Base

metadata = Base.metadata


def is_managed_table(name: str | None) -> bool:
    """False for tables the models do not describe (full-text index internals)."""
    return not (name or "").startswith(("passage_fts", "passage_search"))


__all__ = ["briefing_models", "is_managed_table", "metadata", "models"]
