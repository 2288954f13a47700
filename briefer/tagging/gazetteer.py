"""The country gazetteer (resources/gazetteer): names, codes, groups. Placeholder."""

from __future__ import annotations

from sqlalchemy.orm import Session


def sync_countries(session: Session) -> None:
    """Load countries and groups from the gazetteer into the library (placeholder)."""
