"""Reading quotes back from a PDF export: the embedded quote list and the text in each box.

The writer records every box a quote was drawn in (page and rectangle) and the font of
its text; here pdfminer extracts the characters drawn inside those boxes in that font, in
the order they were drawn, which is exactly the quote's visible text (note numbers are
bold and links add no text, so neither is read as part of a quote).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from briefer.domain.errors import BrieferError
from briefer.writers.manifest import MANIFEST_FILE_NAME, Manifest

_SLACK = 0.5  # points: a character counts as inside a box when its centre is


def read_pdf(path: Path) -> tuple[Manifest, dict[int, str]]:
    """(quote list, visible text per quote number)."""
    try:
        with open(path, "rb") as handle:
            parser = PDFParser(handle)
            document = PDFDocument(parser)
            manifest = _manifest(document, path)
            boxes = _boxes_by_page(manifest)
            texts: dict[int, list[str]] = defaultdict(list)
            resources = PDFResourceManager(caching=True)
            device = PDFPageAggregator(resources, laparams=None)
            interpreter = PDFPageInterpreter(resources, device)
            for number, page in enumerate(PDFPage.create_pages(document), 1):
                wanted = boxes.get(number)
                if not wanted:
                    continue
                interpreter.process_page(page)
                chars = list(_chars(device.get_result()))
                for n, box, font in wanted:
                    texts[n].append(_text_in(chars, box, font))
    except BrieferError:
        raise
    except OSError as exc:
        raise BrieferError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except Exception as exc:  # pdfminer raises many unrelated types on a damaged file
        raise BrieferError(f"{path}: cannot read as a PDF ({exc})") from exc
    return manifest, {n: "".join(parts) for n, parts in texts.items()}


def _manifest(document: PDFDocument, path: Path) -> Manifest:
    names = resolve1(document.catalog.get("Names"))
    embedded = resolve1(names.get("EmbeddedFiles")) if isinstance(names, dict) else None
    entries = resolve1(embedded.get("Names")) if isinstance(embedded, dict) else None
    if entries:
        for name, spec in zip(entries[::2], entries[1::2], strict=False):
            label = resolve1(name)
            if isinstance(label, bytes):
                label = label.decode("latin-1")
            if label == MANIFEST_FILE_NAME:
                stream = resolve1(resolve1(resolve1(spec)["EF"])["F"])
                return Manifest.from_json(stream.get_data(), str(path))
    raise BrieferError(f"{path}: no Briefer quote list in this file (was it exported by Briefer?)")


def _boxes_by_page(manifest: Manifest) -> dict[int, list[tuple[int, list[float], str | None]]]:
    pages: dict[int, list[tuple[int, list[float], str | None]]] = defaultdict(list)
    for record in manifest.quotes:
        for box in record.boxes:
            pages[int(box[0])].append((record.n, box[1:], record.font))
    return pages


def _chars(container: Any) -> Any:
    for item in container:
        if isinstance(item, LTChar):
            yield item
        elif isinstance(item, LTContainer):
            yield from _chars(item)


def _base_font(name: str) -> str:
    return name.split("+", 1)[1] if "+" in name else name


def _text_in(chars: list[LTChar], box: list[float], font: str | None) -> str:
    x0, y0, x1, y1 = box
    out = []
    for ch in chars:
        cx = (ch.x0 + ch.x1) / 2
        cy = (ch.y0 + ch.y1) / 2
        inside = x0 - _SLACK <= cx <= x1 + _SLACK and y0 - _SLACK <= cy <= y1 + _SLACK
        if inside and (font is None or _font_matches(ch.fontname, font)):
            out.append(ch.get_text())
    return "".join(out)


def _font_matches(pdf_font: str, face: str) -> bool:
    """reportlab names an embedded subset after the face (``AAAAAA+DejaVuSans``)."""
    return _base_font(pdf_font) == face
