"""Verifying an export: the writers' read-back checks, fed with the library's passages."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select

from briefer.store.library import Library, library_id
from briefer.store.models import Passage
from briefer.writers.verify import VerifyReport, verify_file

_CHUNK = 500  # stay under SQLite's bound-parameter limit


def passage_texts(library: Library, ids: Iterable[int]) -> dict[int, str]:
    """The current stored text of each passage id that exists."""
    wanted = list(ids)
    texts: dict[int, str] = {}
    with library.session() as session:
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = session.execute(select(Passage.id, Passage.text).where(Passage.id.in_(chunk)))
            texts.update({pid: text for pid, text in rows})
    return texts


def verify_export(library: Library, path: Path | str) -> VerifyReport:
    """Check every quote of an exported DOCX or PDF against the library."""
    return verify_file(path, lambda ids: passage_texts(library, ids), library_id(library))
