"""Text folding shared by indexing, queries and snippets: one word, one search key.

Analysts type ``nuhodzic`` for NUHODŽIĆ, ``dorde`` for Đorđe and ``beograd`` for Београд.
SQLite's tokenizer folds case and most diacritics, but not stroke letters (đ, ł) and it
does not transliterate Cyrillic, and Python's sqlite3 cannot register a custom tokenizer.
So the search index holds a *folded shadow* of each passage and queries are folded the
same way: lower case, Serbian/Macedonian (and common Russian/Bulgarian) Cyrillic
transliterated to Latin, diacritics stripped, stroke letters and ligatures spelled out.

Folding only ever produces search keys; quoted text is never altered.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

# Serbian and Macedonian Cyrillic first (the region's texts), then letters of other
# Cyrillic alphabets that occur in names. Values are already folded (no diacritics).
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "d", "е": "e", "ж": "z",
    "з": "z", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n",
    "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "c", "у": "u",
    "ф": "f", "х": "h", "ц": "c", "ч": "c", "џ": "dz", "ш": "s",
    # Macedonian
    "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
    # Russian, Ukrainian, Belarusian, Bulgarian
    "й": "j", "ё": "e", "э": "e", "ы": "y", "ъ": "", "ь": "", "ю": "ju", "я": "ja",
    "щ": "sc", "є": "je", "і": "i", "ї": "ji", "ґ": "g", "ў": "u",
}  # fmt: skip

# Letters that Unicode does not decompose into a base letter plus a mark.
_STROKES = {
    "đ": "d", "ð": "d", "ł": "l", "ø": "o", "ħ": "h", "ŧ": "t", "ı": "i", "ƚ": "l",
    "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ŀ": "l", "ƀ": "b", "ɨ": "i",
}  # fmt: skip

_TOKEN = re.compile(r"[^\W_]+")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """The folded form of one (lower-case) character, computed the slow, general way."""
    if char in _CYRILLIC:
        return _CYRILLIC[char]
    if char in _STROKES:
        return _STROKES[char]
    decomposed = unicodedata.normalize("NFKD", char)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    kept = kept.lower()
    return "".join(_STROKES.get(c, _CYRILLIC.get(c, c)) for c in kept)


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    """A ``str.translate`` table for Latin, Greek and Cyrillic (fast path for whole texts)."""
    table: dict[int, str] = {}
    for code in list(range(0x80, 0x530)) + list(range(0x1E00, 0x2070)) + [0xFB00, 0xFB01]:
        if unicodedata.category(chr(code)).startswith("M"):
            table[code] = ""  # a combining mark left by lower() (İ → i + dot)
            continue
        char = chr(code)
        folded = _fold_char(char.lower())
        if folded == char and not char.isalnum():
            # Punctuation (dashes, quotes, ellipsis) separates words for the tokenizer
            # anyway; a space keeps the folded text ASCII, on the fast path.
            table[code] = " "
        elif folded != char:
            table[code] = folded
    return table


def fold(text: str) -> str:
    """The search key of a text: lower case, transliterated, without diacritics (see above)."""
    folded = text.lower().translate(_table())
    if folded.isascii():
        return folded
    # Rare characters outside the table: decompose them one by one.
    return "".join(c if c.isascii() else _fold_char(c) for c in folded)


def fold_tokens(text: str) -> list[str]:
    """The folded words of a text, split where the full-text tokenizer splits them."""
    return _TOKEN.findall(fold(text))


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Each word of the original text as (start, end, folded key), for marking snippets.

    A word whose folded form splits further (a ligature or a compatibility character) yields
    one span per folded part, all covering the same original word.
    """
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():  # most words: one token, folding is lower case
            yield match.start(), match.end(), word.lower()
            continue
        for key in fold_tokens(word):
            yield match.start(), match.end(), key


# Words of the original text: letters and digits with any combining marks that follow them.
_MARKS = "\u0300-\u036f\u0483-\u0489"
_WORD = re.compile(rf"[^\W_]+(?:[{_MARKS}]+[^\W_]*)*")
