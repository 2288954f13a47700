"""Plain text and Markdown: detect the encoding, then one block per line, grouped by paragraph.

Encodings met in this region: UTF-8 (with or without BOM), UTF-16 with a BOM, cp1250,
cp1252 and ISO-8859-2. Strict UTF-8 is tried first because it is by far the most common
and the cheapest; other files go to charset-normalizer. A file that is mostly valid UTF-8
with a few invalid bytes is damaged, not in another encoding: it is refused rather than
decoded into mojibake that an analyst might quote.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from briefer.ingest.model import ExtractedDocument, RawBlock
from briefer.ingest.readers.errors import ReadError
from briefer.ingest.readers.limits import read_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A valid multi-byte UTF-8 sequence (lead byte followed by continuation bytes).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
# Control characters that never occur in text (tab, newlines and form feed do).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# In plain text a leading "* " is more often a footnote ("* This designation is…") than a bullet.
_BULLET = re.compile(r"^\s*[-•▪◦–]\s+(?=\S)")
_MD_BULLET = re.compile(r"^\s*[-*+•▪◦–]\s+(?=\S)")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_FOOTNOTE = re.compile(r"^\[\^([^\]]+)\]:\s*(.*)$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")


def read_text(path: Path) -> ExtractedDocument:
    text = decode_text(read_bytes(path))
    fmt = "md" if path.suffix.lower() == ".md" else "txt"
    blocks = split_blocks(text, markdown=fmt == "md")
    if not blocks:
        raise ReadError("no text found (the file holds only blank lines)")
    return ExtractedDocument(path=path, format=fmt, blocks=blocks)


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Bytes to text in the file's encoding, or a ``ReadError`` for binary or damaged data.

    ``declared`` is an encoding the file names itself (an HTML ``<meta charset>``), tried
    when the bytes are not UTF-8.
    """
    text = _decode(data, declared)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.lstrip("\ufeff")
    controls = len(_CONTROL.findall(text[:65536]))
    if "\x00" in text or controls > max(2, len(text[:65536]) // 1000):
        raise ReadError("not a text file (it holds binary data)")
    if not text.strip():
        raise ReadError("no text found (the file holds only blank space)")
    return text


def _decode(data: bytes, declared: str | None = None) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ReadError(
                    f"invalid {encoding.upper()} text (damaged at byte {exc.start})"
                ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if declared:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    if b"\x00" in data[:4096] and not _looks_like_utf16(data):
        raise ReadError("not a text file (it holds binary data)")
    sequences = _UTF8_SEQUENCE.findall(data)
    invalid = len(_HIGH_BYTE.findall(data)) - sum(len(s) for s in sequences)
    if sequences and len(sequences) >= invalid:
        # Most non-ASCII bytes form valid UTF-8: the file is UTF-8 with damaged bytes.
        raise ReadError(f"invalid UTF-8 (damaged text at byte {first_bad})")
    best = from_bytes(data[: 4 * 1024 * 1024]).best()
    if best is None:
        raise ReadError("not a text file (no text encoding fits its bytes)")
    return _regional_decode(data, best.encoding)


# Characters that betray a wrong single-byte guess when they sit inside a word
# ("Ðorðe Vukoviæ" is "Đorđe Vuković" read as cp1252; "©ef" is ISO-8859-2 "Šef" as cp1250).
_ODD_IN_WORD = re.compile(r"(?<=\w)[ÐðÆæÞþ¹¾¼½³±¦¨¤¥µ¶©®ª°º§]|[ÐðÆæÞþ¹¾¼½³±¦¨¤¥µ¶©®ª°º§](?=\w)")
_C1_CONTROLS = re.compile(r"[\x80-\x9f]")


def _regional_decode(data: bytes, guess: str) -> str:
    """charset-normalizer's guess, unless a regional code page reads the bytes more cleanly.

    Short Central European texts are often guessed as cp1252; the candidate with the
    fewest impossible characters wins, ties going to the library's guess.
    """
    candidates: dict[str, None] = {}
    for name in (guess, "cp1250", "iso8859-2", "cp1252"):
        try:
            candidates.setdefault(codecs.lookup(name).name, None)
        except LookupError:
            continue
    scored: list[tuple[int, int, str]] = []
    for order, name in enumerate(candidates):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        sample = text[:1_000_000]
        odd = len(_ODD_IN_WORD.findall(sample)) + 3 * len(_C1_CONTROLS.findall(sample))
        scored.append((odd, order, text))
    if not scored:
        raise ReadError(f"cannot decode the text (guessed encoding {guess})")
    return min(scored)[2]


def _looks_like_utf16(data: bytes) -> bool:
    sample = data[:4096]
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    return max(zeros_even, zeros_odd) > half * 0.3 and min(zeros_even, zeros_odd) < half * 0.05


def split_blocks(text: str, *, markdown: bool = False) -> list[RawBlock]:
    """One block per line; lines with no blank line between them share a ``group``.

    Bullet lines become list items (marker dropped); in Markdown, ``#`` lines become
    headings and ``[^n]: text`` lines footnotes. Joining hard-wrapped lines is left to
    segmentation, after cleaning has seen each line on its own.
    """
    blocks: list[RawBlock] = []
    group = 0
    previous_blank = True
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            if not previous_blank:
                group += 1
            previous_blank = True
            continue
        previous_blank = False
        block = _line_block(line, markdown, blocks, group)
        if block is not None:
            blocks.append(block)
    return blocks


def _line_block(line: str, markdown: bool, blocks: list[RawBlock], group: int) -> RawBlock | None:
    if markdown:
        heading = _MD_HEADING.match(line)
        if heading:
            return RawBlock(
                heading.group(2), kind="heading", level=len(heading.group(1)), group=group
            )
        if _SETEXT.match(line) and blocks and blocks[-1].group == group:
            # "Title\n=====": the line above is a heading.
            blocks[-1].kind = "heading"
            blocks[-1].level = 1 if line.strip().startswith("=") else 2
            return None
        footnote = _MD_FOOTNOTE.match(line)
        if footnote:
            return RawBlock(
                footnote.group(2), kind="footnote", footnote_marker=footnote.group(1), group=group
            )
        if set(line) <= {"-", "*", "_", " "} and len(line.replace(" ", "")) >= 3:
            return None  # a horizontal rule
    bullet = (_MD_BULLET if markdown else _BULLET).match(line)
    if bullet and not line.lstrip().startswith("**"):
        return RawBlock(line[bullet.end() :], kind="list_item", group=group)
    return RawBlock(line, group=group)
