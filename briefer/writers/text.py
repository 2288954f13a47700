"""Text rules shared by the writers and ``verify``: what a writer may change in a quote.

A writer never rewrites quote text. The only change it makes is dropping characters that
cannot exist in the output at all: XML 1.0 forbids C0 control characters other than tab,
line feed and carriage return, lone surrogates and U+FFFE/U+FFFF, so DOCX cannot hold them,
and PDF text drawn from them is meaningless. Both writers drop the same set (and report
it), and ``verify`` compares quotes after dropping the same set from the library text, so
a passage with a stray ESC still verifies while any other difference is reported.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

# XML 1.0 Char production, inverted: everything a DOCX (or any XML) cannot carry.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_WHITESPACE = re.compile(r"\s+")
_NEWLINES = re.compile("\r\n?")
# Whitespace and the invisible format characters (category Cf) a PDF layout may drop.
_INVISIBLE = re.compile(
    r"[\s\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]+"
)


@dataclass(frozen=True)
class Sanitised:
    text: str
    removed: Counter[str]  # removed character -> count


def drop_unrepresentable(text: str) -> Sanitised:
    """``text`` without characters XML cannot hold, and which ones were dropped."""
    if not _NOT_XML.search(text):
        return Sanitised(text, Counter())
    removed = Counter(_NOT_XML.findall(text))
    return Sanitised(_NOT_XML.sub("", text), removed)


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


_CONTROL_NAMES = {
    0: "NULL",
    7: "BELL",
    8: "BACKSPACE",
    11: "LINE TABULATION",
    12: "FORM FEED",
    27: "ESCAPE",
}


def describe_chars(chars: Counter[str] | dict[str, int]) -> str:
    """``U+001B ESCAPE ×2, U+0000 ×1``: how a report names characters a user cannot see."""
    parts = []
    for char, count in sorted(chars.items(), key=lambda item: (-item[1], item[0])):
        name = unicodedata.name(char, "") or _CONTROL_NAMES.get(ord(char), "")
        label = f"U+{ord(char):04X}" + (f" {name}" if name else "")
        if char.isprintable() and not char.isspace():
            label = f"{char} ({label})"
        parts.append(f"{label} ×{count}")
    return ", ".join(parts)


def docx_form(text: str) -> str:
    """How a quote reads back from DOCX: unrepresentable characters gone, CR/CRLF as LF."""
    return _NEWLINES.sub("\n", xml_safe(text))


def pdf_form(text: str) -> str:
    """How a quote reads back from PDF text: also without whitespace or invisible formatting.

    Line wrapping turns spaces into line ends and breaks a 300-character word without a
    space, so extracted PDF text only matches the stored text once all whitespace is gone.
    reportlab treats invisible format characters (soft hyphen, zero-width space, joiners,
    BOM: Unicode category Cf) as line-break hints and does not draw them, so they are
    left out too. The PDF writer never hyphenates, so no hyphen has to be undone.
    """
    return _INVISIBLE.sub("", xml_safe(text))


REPLACEMENT = "\ufffd"


def substitute(text: str, chars: str) -> str:
    """``text`` with each of ``chars`` replaced by U+FFFD (how the PDF shows what it cannot)."""
    if not chars:
        return text
    return text.translate({ord(ch): REPLACEMENT for ch in chars})


def collapse_whitespace(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()
