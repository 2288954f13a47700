"""Reading quotes back from a DOCX export: the quote list part and each quote's paragraph."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from briefer.domain.errors import BrieferError
from briefer.writers.manifest import BOOKMARK_PREFIX, Manifest

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_T, _TAB, _BR, _CR = (f"{{{W}}}{tag}" for tag in ("t", "tab", "br", "cr"))
_BOOKMARK = re.compile(re.escape(BOOKMARK_PREFIX) + r"(\d+)$")


def read_docx(path: Path) -> tuple[Manifest, dict[int, str], list[str]]:
    """(quote list, visible text per quote number, texts of untracked Quote paragraphs)."""
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            if "word/document.xml" not in names:
                raise BrieferError(f"{path}: not a Word document (no word/document.xml)")
            manifest = _manifest(package, names, path)
            document = etree.fromstring(package.read("word/document.xml"))
            quote_style = _quote_style_id(package, names)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BrieferError(f"{path}: cannot read as a Word document ({exc})") from exc
    except etree.XMLSyntaxError as exc:
        raise BrieferError(f"{path}: the Word document is damaged ({exc})") from exc
    quotes: dict[int, str] = {}
    untracked: list[str] = []
    for p in document.iter(f"{{{W}}}p"):
        numbers = [
            int(m.group(1))
            for b in p.iter(f"{{{W}}}bookmarkStart")
            if (m := _BOOKMARK.match(b.get(f"{{{W}}}name", "")))
        ]
        if numbers:
            quotes[numbers[0]] = paragraph_text(p)
        elif quote_style and _style_of(p) == quote_style:
            text = paragraph_text(p)
            if text.strip():
                untracked.append(text)
    return manifest, quotes, untracked


def paragraph_text(p: etree._Element) -> str:
    """The paragraph's visible text as Word shows it (deleted revisions excluded)."""
    out = []
    for element in p.iter(_T, _TAB, _BR, _CR):
        if element.tag == _T:
            out.append(element.text or "")
        elif element.tag == _TAB:
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def _style_of(p: etree._Element) -> str | None:
    style = p.find(f"{{{W}}}pPr/{{{W}}}pStyle")
    return style.get(f"{{{W}}}val") if style is not None else None


def _manifest(package: zipfile.ZipFile, names: set[str], path: Path) -> Manifest:
    for name in sorted(n for n in names if n.startswith("customXml/") and n.endswith(".xml")):
        data = package.read(name)
        if Manifest.is_manifest_xml(data):
            return Manifest.from_xml(data, str(path))
    raise BrieferError(f"{path}: no Briefer quote list in this file (was it exported by Briefer?)")


def _quote_style_id(package: zipfile.ZipFile, names: set[str]) -> str | None:
    if "word/styles.xml" not in names:
        return None
    styles = etree.fromstring(package.read("word/styles.xml"))
    for style in styles.iter(f"{{{W}}}style"):
        name = style.find(f"{{{W}}}name")
        if name is not None and name.get(f"{{{W}}}val") == "Quote":
            return style.get(f"{{{W}}}styleId")
    return None
