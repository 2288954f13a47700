"""DOCX: paragraphs, headings (by style), list items and footnotes, in reading order.

The package is checked before python-docx opens it: a damaged or truncated zip is
refused, and so is a zip bomb (declared sizes or compression ratios far beyond any real
document, or members that inflate beyond what they declare). Footnotes come from
``word/footnotes.xml`` (python-docx does not read them); each reference in the text
becomes a superscript number glued to the word, as printed, and the footnote's text a
footnote block defining that number.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from briefer.ingest.model import ExtractedDocument, RawBlock
from briefer.ingest.readers.errors import ReadError
from briefer.ingest.readers.limits import MAX_DOCX_RATIO, MAX_DOCX_UNCOMPRESSED, MB

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def read_docx(path: Path) -> ExtractedDocument:
    check_package(path)
    import docx  # python-docx; imported here so plain-text imports do not load it

    try:
        document = docx.Document(str(path))
    except FileNotFoundError:
        raise ReadError("file not found (moved or deleted?)") from None
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise ReadError(f"not a valid DOCX file (damaged or truncated: {exc})") from None
    except Exception as exc:  # python-docx raises its own PackageNotFoundError and others
        raise ReadError(f"not a valid DOCX file ({type(exc).__name__}: {exc})") from None

    footnote_texts = _footnotes(document)
    styles = _style_names(document)
    numbering: dict[str, str] = {}  # footnote id -> number as printed (order of appearance)
    blocks: list[RawBlock] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            block = _paragraph_block(child, styles, numbering)
            if block is not None:
                blocks.append(block)
        elif child.tag == f"{_W}tbl":
            for paragraph in child.iter(f"{_W}p"):
                block = _paragraph_block(paragraph, styles, numbering)
                if block is not None:
                    blocks.append(block)
    for note_id, number in numbering.items():
        text = footnote_texts.get(note_id, "").strip()
        if text:
            blocks.append(RawBlock(text, kind="footnote", footnote_marker=number))
    if not blocks:
        raise ReadError("no text found in the DOCX file")
    core = document.core_properties
    # The file's creation date is not the publication date: leave ``published`` unset.
    return ExtractedDocument(
        path=path,
        format="docx",
        blocks=blocks,
        title=(core.title or "").strip() or None,
        language=(core.language or None),
    )


def check_package(path: Path) -> None:
    """Refuse damaged zips and zip bombs before any XML is parsed."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            declared = sum(m.file_size for m in members)
            if declared > MAX_DOCX_UNCOMPRESSED:
                raise ReadError(
                    f"refused: the DOCX would expand to {declared / MB:.0f} MB "
                    f"(limit {MAX_DOCX_UNCOMPRESSED // MB} MB; a zip bomb?)"
                )
            names = {m.filename for m in members}
            if "word/document.xml" not in names:
                raise ReadError("not a valid DOCX file (no word/document.xml)")
            for member in members:
                ratio = member.file_size / max(1, member.compress_size)
                if ratio > MAX_DOCX_RATIO and member.file_size > MB:
                    raise ReadError(
                        f"refused: {member.filename} is compressed {ratio:.0f}:1 (a zip bomb?)"
                    )
            # Declared sizes can lie: inflate each XML part with a cap to check the real size.
            budget = MAX_DOCX_UNCOMPRESSED
            for member in members:
                if not member.filename.endswith((".xml", ".rels")):
                    continue
                actual = _inflated_size(archive, member, budget)
                if actual > member.file_size:
                    raise ReadError(
                        f"refused: {member.filename} inflates beyond its declared size "
                        "(a zip bomb?)"
                    )
                budget -= actual
    except ReadError:
        raise
    except FileNotFoundError:
        raise ReadError("file not found (moved or deleted?)") from None
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
        raise ReadError(f"not a valid DOCX file (damaged or truncated: {exc})") from None
    except (OSError, RuntimeError, NotImplementedError) as exc:
        raise ReadError(f"not a valid DOCX file ({exc})") from None


def _inflated_size(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> int:
    size = 0
    limit = min(budget, member.file_size) + 1
    with archive.open(member) as stream:
        while chunk := stream.read(min(1 << 20, limit - size)):
            size += len(chunk)
            if size >= limit:
                if size > member.file_size:
                    return size
                raise ReadError(
                    f"refused: the DOCX expands beyond {MAX_DOCX_UNCOMPRESSED // MB} MB "
                    "(a zip bomb?)"
                )
    return size


def _paragraph_block(
    element: Any, styles: dict[str, str], numbering: dict[str, str]
) -> RawBlock | None:
    text = _paragraph_text(element, numbering).strip()
    if not text:
        return None
    style = element.find(f"{_W}pPr/{_W}pStyle")
    style_id = style.get(f"{_W}val") if style is not None else ""
    name = styles.get(style_id, style_id or "").lower()
    if name == "title" or name.startswith("heading") or name.startswith("subtitle"):
        digits = "".join(c for c in name if c.isdigit())
        return RawBlock(text, kind="heading", level=int(digits) if digits else 1)
    has_numbering = element.find(f"{_W}pPr/{_W}numPr") is not None
    if has_numbering or name.startswith("list"):
        return RawBlock(text, kind="list_item")
    return RawBlock(text)


def _paragraph_text(element: Any, numbering: dict[str, str]) -> str:
    """Text of the paragraph's runs, footnote references as superscript numbers."""
    parts: list[str] = []
    for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}footnoteReference"):
        if node.tag == f"{_W}t":
            text = node.text or ""
            if text.strip().isdigit() and _is_superscript(node.getparent()):
                text = text.translate(_SUPERSCRIPT)  # a footnote marker typed by hand
            parts.append(text)
        elif node.tag == f"{_W}footnoteReference":
            note_id = node.get(f"{_W}id")
            if note_id is None:
                continue
            number = numbering.setdefault(note_id, str(len(numbering) + 1))
            parts.append(number.translate(_SUPERSCRIPT))
        else:
            parts.append(" ")
    return "".join(parts)


def _is_superscript(run: Any) -> bool:
    align = run.find(f"{_W}rPr/{_W}vertAlign") if run is not None else None
    return align is not None and align.get(f"{_W}val") == "superscript"


def _style_names(document: Any) -> dict[str, str]:
    """Style id -> style name ("Heading1" -> "Heading 1"), read once per document."""
    names: dict[str, str] = {}
    for style in document.styles.element.iter(f"{_W}style"):
        style_id = style.get(f"{_W}styleId")
        name = style.find(f"{_W}name")
        if style_id:
            names[style_id] = name.get(f"{_W}val") if name is not None else style_id
    return names


def _footnotes(document: Any) -> dict[str, str]:
    """Footnote id -> text, from the footnotes part if the document has one."""
    part = None
    for rel in document.part.rels.values():
        if rel.reltype == _FOOTNOTES_REL and not rel.is_external:
            part = rel.target_part
            break
    if part is None:
        return {}
    try:
        root = etree.fromstring(part.blob, parser=_SAFE_XML)
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"damaged footnotes in the DOCX file ({exc})") from None
    notes: dict[str, str] = {}
    for note in root.iter(f"{_W}footnote"):
        note_type = note.get(f"{_W}type")
        if note_type in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        note_id = note.get(f"{_W}id")
        paragraphs = []
        for paragraph in note.iter(f"{_W}p"):
            text = "".join(t.text or "" for t in paragraph.iter(f"{_W}t")).strip()
            if text:
                paragraphs.append(text)
        if note_id is not None:
            notes[note_id] = " ".join(paragraphs)
    return notes
