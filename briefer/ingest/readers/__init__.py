"""Readers, one module per format, chosen by file suffix.

Each reader turns a file into an ``ExtractedDocument`` (blocks in reading order plus the
metadata the format carries) or raises ``ReadError`` with one line a user can act on.
Readers never touch the network and never resolve external entities.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from briefer.ingest.model import ExtractedDocument
from briefer.ingest.readers.errors import ReadError
from briefer.ingest.readers.limits import check_size

Reader = Callable[[Path], ExtractedDocument]


def _read_text(path: Path) -> ExtractedDocument:
    from briefer.ingest.readers.text import read_text

    return read_text(path)


def _read_html(path: Path) -> ExtractedDocument:
    from briefer.ingest.readers.html import read_html

    return read_html(path)


def _read_docx(path: Path) -> ExtractedDocument:
    from briefer.ingest.readers.docx import read_docx

    return read_docx(path)


def _read_pdf(path: Path) -> ExtractedDocument:
    from briefer.ingest.readers.pdf import read_pdf

    return read_pdf(path)


# Imported lazily: a plain-text import should not pay for pdfminer or trafilatura.
READERS: dict[str, Reader] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
}


def supported_suffixes() -> tuple[str, ...]:
    return tuple(READERS)


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in READERS


def read_document(path: Path) -> ExtractedDocument:
    """Read ``path`` with the reader for its suffix; ``ReadError`` says why it cannot be read."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError(
            f"unsupported format {path.suffix or '(no suffix)'} "
            f"(supported: {', '.join(supported_suffixes())})"
        )
    check_size(path)
    return reader(path)


__all__ = ["READERS", "ReadError", "is_supported", "read_document", "supported_suffixes"]
