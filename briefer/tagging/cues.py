"""Cue phrases: the small pattern language theme cues are written in, compiled for speed.

A cue is one or more alternatives separated by ``|``; each alternative is a phrase of
words. Matching works on word tokens, so it is case-insensitive, ignores how words are
separated (spaces, line breaks, hyphens) and never matches inside a longer word:

- ``radicali*``: any word starting with ``radicali`` (at least 3 letters before ``*``).
- ``exchange of .. information``: up to three other words (commas allowed) in between.
- ``counter-terrorism``: also ``counter terrorism`` and ``counterterrorism``.
- ``THB``: a word written in capitals matches capitals only (plus a plural ``s``), so
  acronyms do not fire on ordinary words.
- ``-ise``/``-ize`` spellings (radicalisation/radicalization) and the regular plural of a
  phrase's last word (network/networks) are added automatically.

Text tokens join words broken at a line end by a hyphen (``smug-\\ngling``) or a soft
hyphen, so PDFs and pasted text match like clean text; offsets always point into the
original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, product
from typing import NamedTuple

# Letters and digits, but not superscript footnote markers glued to words ("region¹").
WORD = r"[^\W_\u00b2\u00b3\u00b9\u2070-\u209f]+"
# A token may continue across a hyphenated line break or a soft hyphen.
TOKEN_RE = re.compile(rf"{WORD}(?:(?:\u00ad|-[ \t]*\r?\n[ \t]*){WORD})*")
_JOINER_RE = re.compile(r"\u00ad|-[ \t]*\r?\n[ \t]*")
# Between two words of a phrase: spaces, line breaks, hyphens, slashes, apostrophes.
_TIGHT_GAP_RE = re.compile(r"[\s\-\u2010\u2011\u2013\u2014/'\u2019]*")
# Inside a ``..`` gap: also commas, brackets and quotes (not the end of a sentence).
_LOOSE_GAP_RE = re.compile(r"[\s\-\u2010\u2011\u2013\u2014/'\u2019,()\[\]\"\u201c\u201d\u2018]*")
_GAP_WORD = ".."
MAX_GAP_WORDS = 3
MIN_STEM = 3
_ISE_RE = re.compile(r"i([sz])(e|ed|es|ing|ation|ations|er|ers)$")


class CueError(ValueError):
    """A cue that cannot be compiled; the message says what is wrong with it."""


@dataclass(frozen=True, slots=True)
class WordPattern:
    """One word position of a phrase: a set of exact forms, or a stem (prefix)."""

    forms: frozenset[str] = frozenset()
    stem: str | None = None
    acronym: bool = False  # forms are matched case-sensitively against the original text

    def matches(self, low: str, original: str) -> bool:
        if self.stem is not None:
            return low.startswith(self.stem)
        if self.acronym:
            return original in self.forms
        return low in self.forms

    def index_keys(self) -> Iterable[str]:
        """Lower-case token values under which a phrase starting with this word is indexed."""
        return {form.lower() for form in self.forms}


# A phrase is a sequence of word patterns; None stands for a ``..`` gap.
Phrase = tuple[WordPattern | None, ...]


@dataclass(frozen=True)
class Alternative:
    """One alternative of a cue as written, and the phrases it compiles to."""

    source: str
    phrases: tuple[Phrase, ...]


@lru_cache(maxsize=8192)
def parse_cue(text: str) -> tuple[Alternative, ...]:
    """Compile a cue (alternatives separated by ``|``); raises ``CueError`` when malformed."""
    if not isinstance(text, str) or not text.strip():
        raise CueError("a cue must be a non-empty phrase")
    alternatives = []
    for raw in text.split("|"):
        source = " ".join(raw.split())
        if not source:
            raise CueError(f"empty alternative in {text!r}")
        alternatives.append(Alternative(source=source, phrases=_compile_alternative(source)))
    return tuple(alternatives)


def _compile_alternative(source: str) -> tuple[Phrase, ...]:
    chunks = source.split(" ")
    if chunks[0] == _GAP_WORD or chunks[-1] == _GAP_WORD:
        raise CueError(f"{source!r}: '..' must stand between two words")
    per_chunk: list[list[tuple[WordPattern | None, ...]]] = []
    for position, chunk in enumerate(chunks):
        if chunk == _GAP_WORD:
            if chunks[position - 1] == _GAP_WORD:
                raise CueError(f"{source!r}: two '..' in a row")
            per_chunk.append([(None,)])
            continue
        is_last = position == len(chunks) - 1
        per_chunk.append(_chunk_variants(chunk, source, plural=is_last))
    phrases = {tuple(w for part in combo for w in part): None for combo in product(*per_chunk)}
    return tuple(phrases)


def _chunk_variants(chunk: str, source: str, plural: bool) -> list[tuple[WordPattern, ...]]:
    """The word sequences one space-separated chunk can appear as in text."""
    is_stem = chunk.endswith("*")
    body = chunk[:-1] if is_stem else chunk
    if "*" in body:
        raise CueError(f"{source!r}: '*' may only end a word")
    tokens = [m.group() for m in re.finditer(WORD, body)]
    if not tokens:
        raise CueError(f"{source!r}: {chunk!r} has no letters or digits")
    if is_stem and len(tokens[-1]) < MIN_STEM:
        raise CueError(f"{source!r}: a stem needs at least {MIN_STEM} letters before '*'")
    variants = [tokens]
    if len(tokens) > 1 and "-" in body:
        variants.append(["".join(tokens)])  # counter-terrorism -> counterterrorism
    result = []
    for words in variants:
        patterns = []
        for i, word in enumerate(words):
            last = i == len(words) - 1
            patterns.append(_word_pattern(word, stem=is_stem and last, plural=plural and last))
        result.append(tuple(patterns))
    return result


def _word_pattern(word: str, stem: bool, plural: bool) -> WordPattern:
    if stem:
        return WordPattern(stem=word.lower())
    if len(word) >= 2 and word.isupper():
        return WordPattern(forms=frozenset({word, word + "s"}), acronym=True)
    low = word.lower()
    forms = {low, *_spelling_variants(low)}
    if plural:
        forms |= {_plural(form) for form in forms if _plural(form)}
    return WordPattern(forms=frozenset(forms))


def _spelling_variants(word: str) -> set[str]:
    """British and American -ise/-ize spellings of the same word."""
    match = _ISE_RE.search(word)
    if not match:
        return set()
    other = "z" if match.group(1) == "s" else "s"
    return {word[: match.start()] + "i" + other + match.group(2)}


def _plural(word: str) -> str:
    """The regular English plural, or '' when the word already looks plural or is too short."""
    if len(word) < 3 or not word.isalpha():
        return ""
    if word.endswith("ss") or word.endswith(("x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("s"):
        return ""
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


class Hit(NamedTuple):
    """A match of one alternative of one cue in a text, with its character offsets."""

    cue: int
    alternative: int
    start: int
    end: int


_SPLIT_RE = re.compile(f"({TOKEN_RE.pattern})")


class _Tokens:
    """The words of a text and the separators between them; offsets only when needed.

    ``re.split`` with a capturing group gives separators and words alternately in one C
    call: ``seps[i]`` comes before word ``i`` and ``seps[i + 1]`` after it.
    """

    __slots__ = ("_originals", "_starts", "joined", "lows", "parts", "seps", "text")

    def __init__(self, text: str, parts: list[str], lows: list[str], joined: bool) -> None:
        self.text = text
        self.parts = parts
        self.seps = parts[0::2]
        self.lows = lows
        self.joined = joined  # whether some word spans a line-break hyphen or soft hyphen
        self._starts: list[int] | None = None
        self._originals: list[str] | None = None

    def starts(self) -> list[int]:
        """Character offset of every part (separators and words alike)."""
        if self._starts is None:
            self._starts = list(accumulate(map(len, self.parts), initial=0))
        return self._starts

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Offsets from the start of word ``first`` to the end of word ``last``."""
        starts = self.starts()
        return starts[2 * first + 1], starts[2 * last + 2]

    def original(self, i: int) -> str:
        if self._originals is None:
            starts, text = self.starts(), self.text
            words = [text[starts[k] : starts[k + 1]] for k in range(1, len(self.parts), 2)]
            self._originals = [_join(w) for w in words] if self.joined else words
        return self._originals[i]

    def tight(self, i: int) -> bool:
        """Whether word ``i`` and word ``i + 1`` are separated as words of one phrase."""
        gap = self.seps[i + 1]
        return gap == " " or _TIGHT_GAP_RE.fullmatch(gap) is not None

    def loose(self, i: int) -> bool:
        gap = self.seps[i + 1]
        return gap == " " or _LOOSE_GAP_RE.fullmatch(gap) is not None


def _join(token: str) -> str:
    return _JOINER_RE.sub("", token) if ("-" in token or "\u00ad" in token) else token


def tokenize(text: str) -> _Tokens:
    """Word tokens of ``text`` (lower-cased, line-break hyphens removed); offsets on demand."""
    lowered = text.lower()
    same_length = len(lowered) == len(text)
    parts = _SPLIT_RE.split(lowered if same_length else text)
    lows = parts[1::2]
    if not same_length:
        lows = [token.lower() for token in lows]
    joined = "\n" in text or "\u00ad" in text
    if joined:
        lows = [_join(token) for token in lows]
    return _Tokens(text, parts, lows, joined)


# phrase, cue, alternative, whether the first two words need a case check, length
_Entry = tuple[Phrase, int, int, bool, int]
# Where a phrase's word after its first ``..`` gap can stand, relative to the phrase's
# first word, and its lower-case forms or stem: a phrase whose word is not in that
# window of the text cannot match there, which a slice test tells far faster than
# ``_match`` trying every gap length.
_Gate = tuple[int, frozenset[str] | None, str | None]


def _gate(phrase: Phrase) -> _Gate | None:
    if None not in phrase:
        return None
    offset = phrase.index(None)
    after = phrase[offset + 1]
    assert after is not None  # compiling refuses two gaps in a row and a trailing gap
    if after.stem is not None:
        return offset, None, after.stem
    return offset, frozenset(after.index_keys()), None


def _gate_open(gate: _Gate, lows: list[str], i: int) -> bool:
    offset, forms, stem = gate
    window = lows[i + offset : i + offset + MAX_GAP_WORDS + 1]
    if forms is not None:
        return not forms.isdisjoint(window)
    assert stem is not None
    return any(low.startswith(stem) for low in window)


class _Head:
    """The phrases that can start at one (lower-case) word."""

    __slots__ = ("pairs", "rest", "single")

    def __init__(self) -> None:
        self.single: list[_Entry] = []  # one-word phrases
        self.pairs: dict[str, list[_Entry]] = {}  # by their (plain) second word
        self.rest: list[tuple[_Entry, _Gate | None]] = []  # second element: a gap or a stem


class CueMatcher:
    """Finds every cue of a list in a text in one pass over its words.

    Phrases are indexed by their first word, and by their second word when it is a plain
    word, so most words of a text cost one dict lookup; stems are indexed by their first
    three letters, with their second word as a quick filter. The cost grows with the
    text, hardly with the number of cues.
    """

    def __init__(self, cues: Sequence[tuple[Alternative, ...]]) -> None:
        self._heads: dict[str, _Head] = {}
        self._stems: dict[str, list[tuple[str, WordPattern | None, _Entry, _Gate | None]]] = {}
        for cue_index, alternatives in enumerate(cues):
            for alt_index, alternative in enumerate(alternatives):
                for phrase in alternative.phrases:
                    self._index(phrase, cue_index, alt_index)

    def _index(self, phrase: Phrase, cue: int, alternative: int) -> None:
        first = phrase[0]
        assert first is not None
        second = phrase[1] if len(phrase) > 1 else None
        acronyms = first.acronym or (second is not None and second.acronym)
        entry = (phrase, cue, alternative, acronyms, len(phrase))
        if first.stem is not None:
            plain_second = second if second is not None and second.stem is None else None
            stems = self._stems.setdefault(first.stem[:MIN_STEM], [])
            stems.append((first.stem, plain_second, entry, _gate(phrase)))
            return
        for key in first.index_keys():
            head = self._heads.setdefault(key, _Head())
            if len(phrase) == 1:
                head.single.append(entry)
            elif second is None or second.stem is not None:
                head.rest.append((entry, _gate(phrase)))
            else:
                for key2 in second.index_keys():
                    head.pairs.setdefault(key2, []).append(entry)

    def find(self, text: str) -> list[Hit]:
        tokens = tokenize(text)
        lows = tokens.lows
        heads, stems = self._heads, self._stems
        found: list[tuple[int, int, int, int]] = []  # cue, alternative, first, last word
        last_index = len(lows) - 1
        for i, low in enumerate(lows):
            head = heads.get(low)
            if head is not None:
                for phrase, cue, alternative, acronyms, _ in head.single:
                    if not acronyms or _match(phrase, 0, i, tokens) >= 0:
                        found.append((cue, alternative, i, i))
                if head.pairs and i < last_index:
                    entries = head.pairs.get(lows[i + 1])
                    if entries and tokens.tight(i):
                        for phrase, cue, alternative, acronyms, length in entries:
                            if acronyms:
                                last = _match(phrase, 0, i, tokens)
                            elif length > 2:
                                last = _match(phrase, 2, i + 2, tokens)
                            else:
                                last = i + 1
                            if last >= 0:
                                found.append((cue, alternative, i, last))
                for (phrase, cue, alternative, _, _), gate in head.rest:
                    if gate is not None and not _gate_open(gate, lows, i):
                        continue
                    last = _match(phrase, 0, i, tokens)
                    if last >= 0:
                        found.append((cue, alternative, i, last))
            stemmed = stems.get(low[:MIN_STEM])
            if stemmed:
                following = lows[i + 1] if i < last_index else None
                for stem, second, (phrase, cue, alternative, _, length), gate in stemmed:
                    if not low.startswith(stem):
                        continue
                    if length == 1:
                        found.append((cue, alternative, i, i))
                        continue
                    if second is not None and not second.acronym and following not in second.forms:
                        continue
                    if gate is not None and not _gate_open(gate, lows, i):
                        continue
                    last = _match(phrase, 0, i, tokens)
                    if last >= 0:
                        found.append((cue, alternative, i, last))
        if not found:
            return []
        span = tokens.span
        return [Hit(cue, alt, *span(a, b)) for cue, alt, a, b in found]


def _match(phrase: Phrase, k: int, i: int, tokens: _Tokens) -> int:
    """Match ``phrase[k:]`` starting at word ``i``; the last word index matched, or -1."""
    lows = tokens.lows
    n = len(lows)
    while k < len(phrase):
        pattern = phrase[k]
        if pattern is None:
            # A gap of 0..MAX_GAP_WORDS words; every separator in it must be loose.
            for skip in range(MAX_GAP_WORDS + 1):
                j = i + skip
                if j >= n or not tokens.loose(j - 1):
                    return -1
                last = _match(phrase, k + 1, j, tokens)
                if last >= 0:
                    return last
            return -1
        if i >= n:
            return -1
        if k > 0 and phrase[k - 1] is not None and not tokens.tight(i - 1):
            return -1
        low = lows[i]
        if pattern.acronym:
            if tokens.original(i) not in pattern.forms:
                return -1
        elif pattern.stem is not None:
            if not low.startswith(pattern.stem):
                return -1
        elif low not in pattern.forms:
            return -1
        k += 1
        i += 1
    return i - 1
