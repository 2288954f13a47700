"""Opening a library ready for use: schema current and reference data (countries, themes) loaded."""

from __future__ import annotations

from briefer.store.library import Library, open_library
from briefer.tagging.gazetteer import sync_countries
from briefer.tagging.taxonomy import sync_themes


def open_ready_library(db: str | None = None) -> Library:
    """Open the library and bring its countries, groups and themes in line with the resources.

    Each sync is cheap when nothing changed (it compares a content hash stored in the library).
    """
    library = open_library(db)
    with library.session() as session:
        sync_countries(session)
        sync_themes(session)
    return library
