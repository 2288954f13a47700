"""From a file on disk to a ``CleanDocument``: read, clean, segment (no database here)."""

from __future__ import annotations

from pathlib import Path

from briefer.ingest.boilerplate import clean
from briefer.ingest.model import CleanDocument
from briefer.ingest.readers import ReadError, read_document
from briefer.ingest.segment import segment


def prepare_document(path: Path) -> CleanDocument:
    """The file's cleaned text and passages; ``ReadError`` (one line) if it cannot be read."""
    document = segment(clean(read_document(path)))
    if not document.passages:
        raise ReadError("no text left after removing boilerplate")
    return document
