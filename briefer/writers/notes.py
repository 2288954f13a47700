"""Footnote markers that are not citations (the Kosovo ``*``), shared by both writers.

``BriefingDocument.footnotes`` maps a marker to its note, e.g. ``{"*": "This designation
is without prejudice…"}``. A marker counts where it directly follows a letter or digit
("Kosovo*"), and only its first appearance carries the note, as EU documents do.
"""

from __future__ import annotations

import re
from functools import cache


@cache
def _pattern(marker: str) -> re.Pattern[str]:
    return re.compile(r"(?<=\w)" + re.escape(marker))


def find_marker(text: str, marker: str) -> int:
    """Index of the first ``marker`` right after a word character in ``text``, or -1."""
    if marker not in text:
        return -1
    match = _pattern(marker).search(text)
    return match.start() if match else -1


class PendingNotes:
    """The document footnotes not yet attached to a marker, in their dictionary order."""

    def __init__(self, footnotes: dict[str, str]) -> None:
        self._pending = dict(footnotes)

    def __bool__(self) -> bool:
        return bool(self._pending)

    def first_in(self, text: str) -> tuple[int, str, str] | None:
        """(index, marker, note) of the earliest pending marker in ``text``; marks it placed."""
        best: tuple[int, str, str] | None = None
        for marker, note in self._pending.items():
            at = find_marker(text, marker)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, marker, note)
        if best is not None:
            del self._pending[best[1]]
        return best

    def remaining(self) -> list[tuple[str, str]]:
        left = list(self._pending.items())
        self._pending.clear()
        return left
