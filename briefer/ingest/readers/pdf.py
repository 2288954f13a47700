"""PDF: text with paragraphs rebuilt, running headers, footers and page numbers removed.

pdfminer.six gives text boxes made of lines with positions and font sizes. From them:
lines repeated at the top or bottom of most pages (and lone page numbers) are page
furniture and removed (kept on the document with their rule); a box's lines are joined
into a paragraph, de-hyphenating words broken at a line end; a paragraph cut by a page
break is re-joined; boxes in a clearly larger font are headings, and so are short
unpunctuated lines standing alone in bold, a slightly larger font or capitals
("CONCLUSIONS", "Firearms"); small-font blocks at the
foot of a page starting with a number are footnotes, and small raised digits in the text
become superscript markers (``region¹``) so segmentation can link them.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from briefer.ingest.model import ExtractedDocument, RawBlock, RemovedLine
from briefer.ingest.readers.errors import ReadError

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_PAGE_NUMBER = re.compile(
    r"^(?:page|seite|stran|strana|str\.|p\.)?\s*[-–—]?\s*\d{1,4}\s*"
    r"(?:(?:/|of|od|von|sur|z)\s*\d{1,4})?\s*[-–—]?$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?:;\"”’»)\]]$")
_FOOTNOTE_START = re.compile(r"^([0-9]{1,2}|[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,3}|\*)\s*(?=\S)")
EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be furniture
# Font names of bold faces ("ABCDEF+DejaVuSerif-Bold", "Arial,Bold", "Helvetica-Black").
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|[-,]bd\b", re.IGNORECASE)
MAX_HEADING_CHARS = 100
MAX_HEADING_WORDS = 12


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    size: float
    bold: bool = False


@dataclass
class _Box:
    lines: list[_Line] = field(default_factory=list)

    @property
    def size(self) -> float:
        return statistics.fmean(line.size for line in self.lines) if self.lines else 0.0


@dataclass
class _Page:
    height: float
    boxes: list[_Box]


def read_pdf(path: Path) -> ExtractedDocument:
    pages = _layout(path)
    removed = _drop_furniture(pages)
    body_size = _body_font_size(pages)
    blocks = _paragraphs(pages, body_size)
    if not blocks:
        raise ReadError("no text found (a scanned PDF without a text layer?)")
    return ExtractedDocument(path=path, format="pdf", blocks=blocks, removed=removed)


def _layout(path: Path) -> list[_Page]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextBox, LTTextLine
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFTextExtractionNotAllowed
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException

    pages: list[_Page] = []
    try:
        for layout in extract_pages(str(path), laparams=LAParams()):
            boxes: list[_Box] = []
            for element in layout:
                if not isinstance(element, LTTextBox):
                    continue
                box = _Box()
                for line in element:
                    if not isinstance(line, LTTextLine):
                        continue
                    chars = [c for c in line if isinstance(c, LTChar)]
                    text = _line_text(line, chars)
                    if not text.strip():
                        continue
                    size = statistics.median(c.size for c in chars) if chars else 0.0
                    bold = sum(bool(_BOLD_FONT.search(c.fontname)) for c in chars) * 2 > len(chars)
                    box.lines.append(_Line(text.strip(), line.x0, line.x1, line.y1, size, bold))
                if box.lines:
                    boxes.append(box)
            boxes.sort(key=lambda b: (-b.lines[0].top, b.lines[0].x0))
            pages.append(_Page(layout.height, boxes))
    except FileNotFoundError:
        raise ReadError("file not found (moved or deleted?)") from None
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ReadError("the PDF is encrypted (password protected); remove the password") from None
    except PDFTextExtractionNotAllowed:
        raise ReadError("the PDF forbids text extraction (encrypted)") from None
    except (PDFSyntaxError, PSException) as exc:
        raise ReadError(f"not a valid PDF file ({exc})") from None
    except Exception as exc:  # pdfminer raises assorted errors on damaged files
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise ReadError("the PDF is encrypted (password protected)") from None
        raise ReadError(f"cannot read the PDF ({type(exc).__name__}: {exc})") from None
    return pages


def _line_text(line: object, chars: list) -> str:  # type: ignore[type-arg]
    """The line's text, with small raised digits turned into superscript markers."""
    if not chars:
        return str(line.get_text())  # type: ignore[attr-defined]
    sizes = sorted(c.size for c in chars)
    normal = sizes[len(sizes) // 2]
    parts: list[str] = []
    for item in line:  # type: ignore[attr-defined]
        text = item.get_text()
        size = getattr(item, "size", None)
        if size is not None and text.isdigit() and size < normal * 0.8 and len(chars) > 3:
            text = text.translate(_SUPERSCRIPT)
        parts.append(text)
    return "".join(parts).replace("\n", "")


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _drop_furniture(pages: list[_Page]) -> list[RemovedLine]:
    """Remove running headers/footers (repeated at page edges) and lone page numbers.

    Furniture is drawn on its own, so only a line standing alone in its text box (or with
    one other line) at the top or bottom of a page qualifies; a paragraph's last line
    never does, even when pages happen to end alike.
    """
    edge_counts: Counter[str] = Counter()
    for page in pages:
        edge_counts.update({_key(line.text) for line in _edge_lines(page)})
    threshold = max(2, (len(pages) + 1) // 2)
    removed: list[RemovedLine] = []
    for page in pages:
        edges = {id(line) for line in _edge_lines(page)}
        for box in page.boxes:
            kept = []
            for line in box.lines:
                furniture = id(line) in edges and len(box.lines) <= 2
                if furniture and _PAGE_NUMBER.match(line.text):
                    removed.append(RemovedLine(line.text, "page-number"))
                elif furniture and len(pages) > 1 and edge_counts[_key(line.text)] >= threshold:
                    removed.append(RemovedLine(line.text, "running-header"))
                else:
                    kept.append(line)
            box.lines = kept
        page.boxes = [b for b in page.boxes if b.lines]
    return removed


def _edge_lines(page: _Page) -> list[_Line]:
    lines = sorted((line for box in page.boxes for line in box.lines), key=lambda ln: -ln.top)
    if len(lines) <= EDGE_LINES * 2:
        return lines
    return lines[:EDGE_LINES] + lines[-EDGE_LINES:]


def _body_font_size(pages: list[_Page]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for box in page.boxes:
            for line in box.lines:
                sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _paragraphs(pages: list[_Page], body_size: float) -> list[RawBlock]:
    blocks: list[RawBlock] = []
    for page in pages:
        first_on_page = True
        for box in page.boxes:
            for lines in _split_box(box):
                text = _join_lines([line.text for line in lines])
                if not text:
                    continue
                size = statistics.fmean(line.size for line in lines)
                block = _classify(text, size, body_size, lines, page)
                previous = blocks[-1] if blocks else None
                if (
                    first_on_page
                    and previous is not None
                    and previous.kind == "body"
                    and block.kind == "body"
                    and not _SENTENCE_END.search(previous.text)
                    and text[:1].islower()
                ):
                    previous.text = _join_lines([previous.text, text])  # cut by a page break
                else:
                    blocks.append(block)
                first_on_page = False
    return blocks


def _split_box(box: _Box) -> list[list[_Line]]:
    """A box may hold several paragraphs: break after a short line that ends a sentence."""
    width = max(line.x1 for line in box.lines) - min(line.x0 for line in box.lines)
    left = min(line.x0 for line in box.lines)
    groups: list[list[_Line]] = [[]]
    for line in box.lines:
        if groups[-1] and groups[-1][-1].bold != line.bold:
            groups.append([])  # a bold heading line above regular text, or the reverse
        groups[-1].append(line)
        short = (line.x1 - left) < width * 0.75
        if short and _SENTENCE_END.search(line.text):
            groups.append([])
    return [g for g in groups if g]


def _classify(
    text: str, size: float, body_size: float, lines: list[_Line], page: _Page
) -> RawBlock:
    if body_size and size >= body_size * 1.15 and len(lines) <= 3 and len(text) < 200:
        return RawBlock(text, kind="heading", level=1 if size >= body_size * 1.5 else 2)
    in_lower_part = lines[0].top < page.height * 0.35
    footnote = _FOOTNOTE_START.match(text)
    if footnote and body_size and size < body_size * 0.92 and in_lower_part:
        marker = footnote.group(1).translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
        return RawBlock(text[footnote.end() :], kind="footnote", footnote_marker=marker)
    if _standalone_heading(text, size, body_size, lines):
        return RawBlock(text, kind="heading", level=2)
    return RawBlock(text)


def _standalone_heading(text: str, size: float, body_size: float, lines: list[_Line]) -> bool:
    """A short line without closing punctuation, set apart by bold, size or capitals."""
    if (
        len(lines) > 2
        or len(text) > MAX_HEADING_CHARS
        or len(text.split()) > MAX_HEADING_WORDS
        or not text[:1].isalpha()
        or not text[:1].isupper()
        or _SENTENCE_END.search(text)
        or text.endswith((",", "-", "–"))
    ):
        return False
    larger = body_size > 0 and size >= body_size * 1.08
    capitals = text.isupper() and sum(c.isalpha() for c in text) >= 4
    return all(line.bold for line in lines) or larger or capitals


def _join_lines(lines: list[str]) -> str:
    """Join wrapped lines; a word hyphenated at a line end is re-joined without the hyphen."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith("\xad") or (re.search(r"[^\W\d_]-$", out) and line[:1].islower()):
            out = out[:-1] + line
        else:
            out = f"{out} {line}"
    return out
