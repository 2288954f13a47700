"""The theme taxonomy (resources/taxonomy): themes and their cues. Placeholder."""

from __future__ import annotations

from sqlalchemy.orm import Session


def sync_themes(session: Session) -> None:
    """Load the theme tree from the taxonomy into the library (placeholder)."""
