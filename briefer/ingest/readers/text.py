"""Plain text and Markdown: detect the encoding, then one block per line, grouped by paragraph.

Encodings met in this region: UTF-8 (with or without BOM), UTF-16 with a BOM, cp1250,
cp1252 and ISO-8859-2. Strict UTF-8 is tried first because it is by far the most common
and the cheapest; other files go to charset-normalizer. A file that is mostly valid UTF-8
with a few invalid bytes is damaged, not in another encoding: it is refused rather than
decoded into mojibake that an analyst might quote; so is a file whose few high bytes no
legacy code page turns into letters inside words ("Hello \xff\xfe" is not "Hello ˙ž").
A form feed (page break) is a line break; other control bytes are invisible and dropped.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
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
# Invisible characters dropped from the text: C0 and C1 controls but tab and newline.
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_PAGE_BREAK = re.compile(r"\n?\f\n?")
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
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A page break (form feed) or a vertical tab is a line break, not a paragraph break:
    # a paragraph running across a page stays one paragraph.
    text = _PAGE_BREAK.sub("\n", text)
    text = text.lstrip("\ufeff")
    controls = len(_CONTROL.findall(text[:65536]))
    if "\x00" in text or controls > max(2, len(text[:65536]) // 1000):
        raise ReadError("not a text file (it holds binary data)")
    # Stray control bytes are invisible: dropped, no visible character changes; a
    # vertical tab (Word's manual line break) separates words like a space.
    text = _INVISIBLE.sub("", text).replace("\v", " ")
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
    text = _regional_decode(data, best.encoding)
    if text is None:
        # "Hello \xff\xfe": no code page turns these bytes into words; it is damaged UTF-8.
        raise ReadError(
            f"invalid UTF-8 (damaged text at byte {first_bad}; no legacy encoding reads it "
            "as words either)"
        )
    return text


# Characters that betray a wrong single-byte guess when they sit inside a word
# ("Ðorðe Vukoviæ" is "Đorđe Vuković" read as cp1252; "©ef" is ISO-8859-2 "Šef" as cp1250).
_ODD_IN_WORD = re.compile(r"(?<=\w)[ÐðÆæÞþ¹¾¼½³±¦¨¤¥µ¶©®ª°º§]|[ÐðÆæÞþ¹¾¼½³±¦¨¤¥µ¶©®ª°º§](?=\w)")
_C1_CONTROLS = re.compile(r"[\x80-\x9f]")
# Letters of the languages these libraries hold (the Western Balkans and their neighbours,
# the EU's Latin-script languages), beyond ASCII; Cyrillic and Greek are checked by block.
# A letter outside them ("ė", "ų", "ā": a Baltic code page's reading of "ë", "ų"…) says
# the code page is wrong: "Shqipërisë" guessed as cp1257 reads "Shqipėrisė".
_REGION_LETTERS = frozenset(
    "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿß"  # Latin-1: Albanian, German, French, Italian…
    "čćđšžěňřťďůĺľŕąęłńśźżőűășțşţğı"  # Slavic, Hungarian, Romanian, Turkish
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞŸ"
    "ČĆĐŠŽĚŇŘŤĎŮĹĽŔĄĘŁŃŚŹŻŐŰĂȘȚŞŢĞİ"
)
_FOREIGN_LETTER = re.compile(
    r"[^\W\d_\x00-\x7f\u0370-\u03ff\u0400-\u04ff" + "".join(sorted(_REGION_LETTERS)) + "]"
)


def _regional_decode(data: bytes, guess: str) -> str | None:
    """charset-normalizer's guess, unless a regional code page reads the bytes more cleanly.

    Short Central European texts are often guessed as cp1252, short Albanian ones as a
    Baltic code page; the candidate with the fewest impossible characters (odd symbols
    inside words, letters of no language of the region, C1 controls) wins, ties going to
    the library's guess. Only a reading
    whose non-ASCII characters make words counts; None when no candidate does.
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
        odd = (
            len(_ODD_IN_WORD.findall(sample))
            + len(_FOREIGN_LETTER.findall(sample))
            + 3 * len(_C1_CONTROLS.findall(sample))
        )
        scored.append((odd, order, text))
    if not scored:
        raise ReadError(f"cannot decode the text (guessed encoding {guess})")
    return next((text for *_, text in sorted(scored) if _plausible_legacy_text(text)), None)


_WORD = re.compile(r"[^\W\d_]+")
_TEXT_SYMBOLS = frozenset("’‘“”„‚«»‹›–—…•·€£§°©®™±×½¼¾\u00a0\u00ad")


def _plausible_legacy_text(text: str) -> bool:
    """Whether a legacy code page made words of the file's non-ASCII bytes.

    In a real cp1250/cp1252/ISO-8859-2 file the high bytes are letters inside words
    ("Vuković", "Šef", "décidé") or typographic punctuation (“ ” – €). Stray bytes in
    damaged UTF-8 decode to lone symbols or letters between spaces ("Hello ˙ž").
    """
    sample = text[:1_000_000]
    wanted = {i for i, c in enumerate(sample) if ord(c) > 127}
    if not wanted:
        return True
    plausible = sum(1 for i in wanted if sample[i] in _TEXT_SYMBOLS)
    for match in _WORD.finditer(sample):
        word = match.group()
        if word.isascii():
            continue
        if _wordlike(word):
            plausible += sum(1 for c in word if ord(c) > 127)
    return (len(wanted) - plausible) * 4 <= len(wanted)


def _wordlike(word: str) -> bool:
    """A Latin word holds some plain letters ("Šef", "décidé"); other scripts stand alone."""
    if any(c.isascii() for c in word):
        return True
    if not all("LATIN" in unicodedata.name(c, "LATIN") for c in word):
        return len(word) > 1  # Cyrillic, Greek: "Министри"
    return _accented_vowel_word(word)


def _accented_vowel_word(word: str) -> bool:
    """One-letter words with a grave or acute accent exist: "à", "é", "è", "ó"."""
    if len(word) != 1:
        return False
    decomposed = unicodedata.decomposition(word)
    return (
        word.islower()
        and decomposed[:4] in ("0061", "0065", "0069", "006F", "0075")
        and (decomposed.endswith(("0300", "0301")))
    )


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
