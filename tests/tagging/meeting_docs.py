"""Building cleaned documents directly, so meeting extraction is tested without the importer."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from briefer.ingest.model import CleanDocument, CleanPassage


def clean_document(
    text: str, *, published: dt.date | None = None, footnotes: tuple[str, ...] = ()
) -> CleanDocument:
    """One passage per block of lines (blank-line separated); blocks starting with one
    of ``footnotes`` are footnote passages."""
    passages = []
    for i, match in enumerate(re.finditer(r"[^\n]+(?:\n[^\n]+)*", text)):
        block = match.group()
        kind = "footnote" if block.startswith(footnotes) and footnotes else "body"
        passages.append(CleanPassage(i, str(i + 1), kind, block, *match.span()))
    sha = hashlib.sha256(text.encode()).hexdigest()
    return CleanDocument(Path("doc.txt"), "txt", text, passages, sha, published=published)
