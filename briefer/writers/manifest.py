"""The quote list every export carries, so ``verify`` can trace each quote to its passage.

Each entry is (quote number, passage ids, SHA-256 of the quoted text as stored). DOCX keeps
it in a custom XML part (Word preserves those when the user edits and saves), PDF in an
embedded file ``briefer-quotes.json`` (shown as an attachment by PDF viewers) together
with where each quote was drawn, so ``verify`` reads back exactly the quote's own text.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from briefer.domain.errors import BrieferError

MANIFEST_NS = "urn:x-briefer:quotes:1"
MANIFEST_FILE_NAME = "briefer-quotes.json"
BOOKMARK_PREFIX = "_BrQ"  # leading underscore: a hidden bookmark in Word


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class QuoteRecord:
    n: int  # 1-based, in document order
    passage_ids: tuple[int, ...]
    sha256: str
    # PDF only: where the quote was drawn, one box per page it spans: [page, x0, y0, x1, y1].
    boxes: list[list[float]] = field(default_factory=list)
    font: str | None = None  # PDF only: the font the quote text is drawn in
    # PDF only: characters the PDF cannot carry (no glyph in the font, or outside the BMP,
    # which reportlab's text mapping cannot express); drawn as U+FFFD and reported.
    omitted: str = ""


@dataclass
class Manifest:
    quotes: list[QuoteRecord] = field(default_factory=list)
    version: int = 1
    # The exporting library's UUID (library_info "library_id"); None in older exports.
    library_id: str | None = None

    def add(self, text: str, passage_ids: tuple[int, ...]) -> QuoteRecord:
        record = QuoteRecord(len(self.quotes) + 1, tuple(passage_ids), text_digest(text))
        self.quotes.append(record)
        return record

    # -- PDF: JSON ---------------------------------------------------------------------
    def to_json(self) -> bytes:
        data: dict[str, object] = {
            "format": "briefer-quotes",
            "version": self.version,
            **({"library_id": self.library_id} if self.library_id else {}),
            "quotes": [
                {
                    "n": q.n,
                    "passage_ids": list(q.passage_ids),
                    "sha256": q.sha256,
                    "boxes": [[round(v, 2) for v in box] for box in q.boxes],
                    "font": q.font,
                    "omitted": q.omitted,
                }
                for q in self.quotes
            ],
        }
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")

    @classmethod
    def from_json(cls, data: bytes, source: str) -> Manifest:
        try:
            raw = json.loads(data)
            quotes = [
                QuoteRecord(
                    int(q["n"]),
                    tuple(int(i) for i in q["passage_ids"]),
                    str(q["sha256"]),
                    [list(map(float, box)) for box in q.get("boxes", [])],
                    q.get("font"),
                    str(q.get("omitted", "")),
                )
                for q in raw["quotes"]
            ]
            library = raw.get("library_id")
            return cls(quotes, int(raw.get("version", 1)), str(library) if library else None)
        except (ValueError, KeyError, TypeError) as exc:
            raise BrieferError(f"{source}: the Briefer quote list is damaged ({exc})") from exc

    # -- DOCX: custom XML ----------------------------------------------------------------
    def to_xml(self) -> bytes:
        from lxml import etree  # imported here: the PDF writer does not need lxml

        root = etree.Element(f"{{{MANIFEST_NS}}}quotes", nsmap={None: MANIFEST_NS})
        root.set("version", str(self.version))
        if self.library_id:
            root.set("library", self.library_id)
        for q in self.quotes:
            item = etree.SubElement(root, f"{{{MANIFEST_NS}}}quote")
            item.set("n", str(q.n))
            item.set("passages", " ".join(str(i) for i in q.passage_ids))
            item.set("sha256", q.sha256)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    @classmethod
    def from_xml(cls, data: bytes, source: str) -> Manifest:
        from lxml import etree

        try:
            root = etree.fromstring(data)
            quotes = [
                QuoteRecord(
                    int(item.get("n")),
                    tuple(int(i) for i in (item.get("passages") or "").split()),
                    item.get("sha256") or "",
                )
                for item in root.iter(f"{{{MANIFEST_NS}}}quote")
            ]
            return cls(quotes, int(root.get("version", "1")), root.get("library") or None)
        except (etree.XMLSyntaxError, ValueError, TypeError) as exc:
            raise BrieferError(f"{source}: the Briefer quote list is damaged ({exc})") from exc

    @staticmethod
    def is_manifest_xml(data: bytes) -> bool:
        return MANIFEST_NS.encode() in data[:400]
