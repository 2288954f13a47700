"""Exporting a stored briefing: read its outline, compose the document, hand it to a writer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from briefer.briefing.compose import ComposeOptions, compose_document
from briefer.briefing.document import BriefingDocument
from briefer.domain.errors import BrieferError
from briefer.services.briefing_reads import load_outline
from briefer.store.library import Library, library_id

FORMATS = ("docx", "pdf")


def compose_briefing(
    library: Library, briefing_id: int, options: ComposeOptions | None = None
) -> BriefingDocument:
    """The render-neutral document of a stored briefing (what every writer lays out)."""
    document = compose_document(load_outline(library, briefing_id), options)
    document.library_id = library_id(library)
    return document


def write_briefing_document(
    document: BriefingDocument,
    fmt: str,
    path: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """Write a composed document with the writer for ``fmt``; returns the writer's report."""
    if fmt not in FORMATS:
        raise BrieferError(f"{path}: unknown export format {fmt!r} (choose docx or pdf)")
    try:
        from briefer.writers import write_document
    except ImportError as exc:  # the writers are a separate part of the application
        raise BrieferError(f"{path}: the {fmt} writer is not available ({exc})") from exc
    return write_document(document, fmt, Path(path), progress=progress)


def export_briefing(
    library: Library,
    briefing_id: int,
    fmt: str,
    path: Path,
    options: ComposeOptions | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """Compose briefing ``briefing_id`` and write it to ``path`` as ``fmt`` (docx or pdf)."""
    document = compose_briefing(library, briefing_id, options)
    return write_briefing_document(document, fmt, path, progress=progress)
