"""Snippets cut from the ORIGINAL passage text, with the matched words marked ``[[word]]``.

The index holds a folded copy, so its own snippet function would show ``dacic`` where the
passage says ``Dačić``. Instead each original word is folded and compared with the query's
terms (phrases must match in sequence, a prefix term matches longer words); the window
opens around the first match. The words inside the marks are exactly the passage's.
"""

from __future__ import annotations

from collections.abc import Sequence

from briefer.domain.folding import word_spans
from briefer.store.search.query import Term

OPEN, CLOSE = "[[", "]]"
ELLIPSIS = "…"


def matched_spans(text: str, terms: Sequence[Term]) -> list[tuple[int, int]]:
    """Character spans of the original text that match a term, in text order, merged.

    A phrase occurrence is one span (``[[foreign terrorist fighters]]``), and so is a word
    that folds into several parts (``[[co-operation]]``).
    """
    words = list(word_spans(text))
    positions: dict[str, list[int]] = {}
    for i, (_start, _end, key) in enumerate(words):
        positions.setdefault(key, []).append(i)
    found: list[tuple[int, int]] = []
    for term in terms:
        *head, last = term.words
        if term.prefix:
            ends = sorted(i for key, at in positions.items() if key.startswith(last) for i in at)
        else:
            ends = positions.get(last, [])
        for end in ends:
            start = end - len(head)
            if start >= 0 and all(words[start + j][2] == w for j, w in enumerate(head)):
                found.append((words[start][0], words[end][1]))
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def make_snippet(text: str, terms: Sequence[Term], width: int = 240) -> str:
    """About ``width`` characters of ``text`` around the first match, matches marked.

    Cuts fall on spaces; an ellipsis shows where text was left out. Without a match (a
    filter-only search) the snippet is the start of the passage.
    """
    spans = matched_spans(text, terms) if terms else []
    first = spans[0][0] if spans else 0
    start = 0 if first < width // 3 else _cut_left(text, first - width // 3, first)
    end = len(text) if start + width >= len(text) else _cut_right(text, start, start + width)
    parts: list[str] = [ELLIPSIS] if start > 0 else []
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        parts += [text[cursor:s], OPEN, text[s:e], CLOSE]
        cursor = e
    parts.append(text[cursor:end])
    if end < len(text):
        parts.append(ELLIPSIS)
    return "".join(parts).strip()


def _cut_left(text: str, at: int, limit: int) -> int:
    """The start of the first word after ``at`` (never past ``limit``, the first match)."""
    space = text.find(" ", at, limit)
    return at if space < 0 else space + 1


def _cut_right(text: str, start: int, at: int) -> int:
    """The end of the last whole word before ``at`` (never before ``start``)."""
    space = text.rfind(" ", start + 1, at)
    return at if space < 0 else space
