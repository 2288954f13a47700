"""HTML: the main content only, through trafilatura (no scripts, navigation or comments).

Nothing is fetched and no entity is resolved: trafilatura parses with lxml's HTML parser,
which ignores DTD entity declarations, and its output is re-parsed with a parser that
has entity resolution and network access switched off. Dates come from the page's
metadata only (never guessed from the body, where they are usually meeting dates).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import lxml.html
import trafilatura
from lxml import etree

from briefer.ingest.model import ExtractedDocument, RawBlock
from briefer.ingest.readers.errors import ReadError
from briefer.ingest.readers.limits import read_bytes
from briefer.ingest.readers.text import decode_text

_SAFE_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template")
_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "td", "th", "dd", "dt"}


# A footnote reference as pages write it: <sup>1</sup>, <sup><a href="#fn1">[1]</a></sup>.
_SUP_MARKER = re.compile(
    r"<sup\b[^>]*>\s*(?:<a\b[^>]*>\s*)?\[?(\d{1,3})\]?\s*(?:</a>\s*)?</sup>", re.IGNORECASE
)
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def read_html(path: Path) -> ExtractedDocument:
    data = read_bytes(path)
    html = decode_text(data, declared=_declared_charset(data))
    # Extraction flattens <sup>: keep footnote references as superscript digits ("region¹").
    html = _SUP_MARKER.sub(lambda m: m.group(1).translate(_SUPERSCRIPT), html)
    try:
        result = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_formatting=False,
            include_links=False,
            favor_recall=True,
            deduplicate=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
            as_dict=False,
        )
    except Exception as exc:  # trafilatura raises assorted errors on broken markup
        raise ReadError(f"cannot read the HTML ({type(exc).__name__})") from None
    blocks: list[RawBlock] = []
    if result is not None and result.body is not None:
        blocks = _blocks_from_tree(result.body)
    if not blocks:
        blocks = _fallback_blocks(html)
    if not blocks:
        raise ReadError("no text found in the HTML page")
    document = ExtractedDocument(path=path, format="html", blocks=blocks)
    if result is not None:
        document.title = _clean(result.title) or None
        document.publisher = _clean(result.sitename) or None
        document.url = result.url or None
        document.language = result.language or None
        document.published = _parse_date(result.date)
    return document


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]{2,40})""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _blocks_from_tree(body: etree._Element) -> list[RawBlock]:
    # Re-serialise and re-parse with a hardened parser so no entity can ever expand.
    root = etree.fromstring(etree.tostring(body), parser=_SAFE_XML)
    blocks: list[RawBlock] = []
    for element in root.iter("head", "p", "item", "row", "quote"):
        parent = element.getparent()
        if element.tag == "p" and parent is not None and parent.tag in ("item", "cell", "quote"):
            continue
        if element.tag == "row":
            cells = [_clean(" ".join(c.itertext())) for c in element.iter("cell")]
            text = " | ".join(c for c in cells if c)
            kind = "body"
        else:
            text = _clean(" ".join(element.itertext()))
            kind = {"head": "heading", "item": "list_item"}.get(element.tag, "body")
        if not text:
            continue
        level = 0
        if kind == "heading":
            rend = element.get("rend", "h2")
            level = int(rend[1]) if len(rend) == 2 and rend[1].isdigit() else 2
        blocks.append(RawBlock(text, kind=kind, level=level))  # type: ignore[arg-type]
    return blocks


def _fallback_blocks(html: str) -> list[RawBlock]:
    """Very short pages trafilatura declines: visible block text minus scripts and navigation."""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    for tag in _DROP_TAGS:
        for element in root.iter(tag):
            element.drop_tree()
    blocks: list[RawBlock] = []
    body = root.find("body")
    for element in (body if body is not None else root).iter(*_BLOCK_TAGS):
        if any(a.tag in _BLOCK_TAGS for a in element.iterancestors()):
            continue
        text = _clean(element.text_content())
        if not text:
            continue
        tag = element.tag
        if tag.startswith("h") and tag[1:].isdigit():
            blocks.append(RawBlock(text, kind="heading", level=int(tag[1:])))
        elif tag == "li":
            blocks.append(RawBlock(text, kind="list_item"))
        else:
            blocks.append(RawBlock(text))
    return blocks


def _clean(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
