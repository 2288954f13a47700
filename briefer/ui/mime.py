"""What a drag carries: passage ids, outline items, and plain text for other applications.

A drag from the results carries ``PASSAGE_MIME`` (the ids of the dragged passages); a
drag inside the outline carries ``OUTLINE_MIME`` (the briefing, its sections or items).
Both also carry ``text/plain`` (each quote with its citation) so a drop into a word
processor or e-mail gets readable text. Plain text dropped on the outline from another
application becomes the analyst's own text, never a quote: a quote is always a stored
passage.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QMimeData

PASSAGE_MIME = "application/vnd.briefer.passage-ids+json"
OUTLINE_MIME = "application/vnd.briefer.outline-items+json"
TEXT_MIME = "text/plain"


def quote_text(text: str, citation: str | None) -> str:
    """A quote as plain text: in quotation marks, the citation on its own line."""
    quoted = f"\u201c{text}\u201d"
    return f"{quoted}\n\u2014 {citation}" if citation else quoted


def passages_mime(passage_ids: list[int], plain_text: str | Callable[[], str]) -> QMimeData:
    """Passage ids, and the quotes as plain text (given, or made only if someone asks)."""
    data = QMimeData() if isinstance(plain_text, str) else _LazyText(plain_text)
    data.setData(PASSAGE_MIME, json.dumps({"passage_ids": passage_ids}).encode("utf-8"))
    if isinstance(plain_text, str):
        data.setText(plain_text)
    return data


class _LazyText(QMimeData):
    """Plain text made on first request: a drop inside Briefer never needs it, and reading
    500 quotes with their citations only for an outside application would slow every drag."""

    def __init__(self, make: Callable[[], str]) -> None:
        super().__init__()
        self._make = make
        self._text: str | None = None

    def formats(self) -> list[str]:
        return [*super().formats(), TEXT_MIME]

    def hasFormat(self, mimetype: str) -> bool:
        return mimetype == TEXT_MIME or super().hasFormat(mimetype)

    def retrieveData(self, mimetype: str, preferred_type: Any) -> Any:
        if mimetype == TEXT_MIME:
            if self._text is None:
                self._text = self._make()
            return self._text
        return super().retrieveData(mimetype, preferred_type)


def passage_ids_of(data: QMimeData) -> list[int]:
    """The passage ids a drag carries, or [] when it carries none (or garbage)."""
    if not data.hasFormat(PASSAGE_MIME):
        return []
    try:
        payload = json.loads(bytes(data.data(PASSAGE_MIME).data()).decode("utf-8"))
        return [int(i) for i in payload["passage_ids"]]
    except (ValueError, KeyError, TypeError):
        return []


@dataclass
class OutlinePayload:
    briefing_id: int
    sections: list[int] = field(default_factory=list)
    items: list[int] = field(default_factory=list)


def outline_mime(payload: OutlinePayload, plain_text: str) -> QMimeData:
    data = QMimeData()
    body = {
        "briefing_id": payload.briefing_id,
        "sections": payload.sections,
        "items": payload.items,
    }
    data.setData(OUTLINE_MIME, json.dumps(body).encode("utf-8"))
    data.setText(plain_text)
    return data


def outline_payload_of(data: QMimeData) -> OutlinePayload | None:
    if not data.hasFormat(OUTLINE_MIME):
        return None
    try:
        body = json.loads(bytes(data.data(OUTLINE_MIME).data()).decode("utf-8"))
        return OutlinePayload(
            int(body["briefing_id"]),
            [int(i) for i in body.get("sections", [])],
            [int(i) for i in body.get("items", [])],
        )
    except (ValueError, KeyError, TypeError):
        return None
