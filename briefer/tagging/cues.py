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
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

WORD = r"[^\W_]+"
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


@dataclass(frozen=True, slots=True)
class Hit:
    """A match of one alternative of one cue in a text: token span and character offsets."""

    cue: int
    alternative: int
    start: int
    end: int


@dataclass
class _Tokens:
    text: str
    lows: list[str]
    starts: list[int]
    ends: list[int]
    _originals: list[str] | None = None
    _tight: dict[int, bool] = field(default_factory=dict)
    _loose: dict[int, bool] = field(default_factory=dict)

    def original(self, i: int) -> str:
        if self._originals is None:
            self._originals = [
                _join(self.text[s:e]) for s, e in zip(self.starts, self.ends, strict=True)
            ]
        return self._originals[i]

    def tight(self, i: int) -> bool:
        """Whether token ``i`` and token ``i + 1`` are separated as words of one phrase."""
        value = self._tight.get(i)
        if value is None:
            gap = self.text[self.ends[i] : self.starts[i + 1]]
            value = self._tight[i] = _TIGHT_GAP_RE.fullmatch(gap) is not None
        return value

    def loose(self, i: int) -> bool:
        value = self._loose.get(i)
        if value is None:
            gap = self.text[self.ends[i] : self.starts[i + 1]]
            value = self._loose[i] = _LOOSE_GAP_RE.fullmatch(gap) is not None
        return value


def _join(token: str) -> str:
    return _JOINER_RE.sub("", token) if ("-" in token or "\u00ad" in token) else token


def tokenize(text: str) -> _Tokens:
    """Word tokens of ``text`` (lower-cased, line-break hyphens removed) with their offsets."""
    lowered = text.lower()
    same_length = len(lowered) == len(text)
    source = lowered if same_length else text
    lows, starts, ends = [], [], []
    for match in TOKEN_RE.finditer(source):
        token = match.group()
        if not same_length:
            token = token.lower()
        lows.append(_join(token))
        starts.append(match.start())
        ends.append(match.end())
    return _Tokens(text=text, lows=lows, starts=starts, ends=ends)


class CueMatcher:
    """Finds every cue of a list in a text in one pass over its words.

    Phrases are indexed by their first word (exact forms in a dict, stems by their first
    three letters), so the cost grows with the text, hardly with the number of cues.
    """

    def __init__(self, cues: Sequence[tuple[Alternative, ...]]) -> None:
        self._exact: dict[str, list[tuple[Phrase, int, int]]] = {}
        self._stems: dict[str, list[tuple[str, Phrase, int, int]]] = {}
        for cue_index, alternatives in enumerate(cues):
            for alt_index, alternative in enumerate(alternatives):
                for phrase in alternative.phrases:
                    self._index(phrase, cue_index, alt_index)

    def _index(self, phrase: Phrase, cue: int, alternative: int) -> None:
        first = phrase[0]
        assert first is not None
        if first.stem is not None:
            entry = (first.stem, phrase, cue, alternative)
            self._stems.setdefault(first.stem[:MIN_STEM], []).append(entry)
            return
        for key in first.index_keys():
            self._exact.setdefault(key, []).append((phrase, cue, alternative))

    def find(self, text: str) -> list[Hit]:
        tokens = tokenize(text)
        lows = tokens.lows
        exact = self._exact
        stems = self._stems
        hits: list[Hit] = []
        for i, low in enumerate(lows):
            candidates = exact.get(low)
            if candidates:
                for phrase, cue, alternative in candidates:
                    last = _match(phrase, 0, i, tokens)
                    if last >= 0:
                        hits.append(Hit(cue, alternative, tokens.starts[i], tokens.ends[last]))
            stemmed = stems.get(low[:MIN_STEM])
            if stemmed:
                for stem, phrase, cue, alternative in stemmed:
                    if low.startswith(stem):
                        last = _match(phrase, 0, i, tokens)
                        if last >= 0:
                            hits.append(Hit(cue, alternative, tokens.starts[i], tokens.ends[last]))
        return hits


def _match(phrase: Phrase, k: int, i: int, tokens: _Tokens) -> int:
    """Match ``phrase[k:]`` starting at token ``i``; the last token index matched, or -1."""
    n = len(tokens.lows)
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
        low = tokens.lows[i]
        if pattern.acronym:
            if not pattern.matches(low, tokens.original(i)):
                return -1
        elif not pattern.matches(low, low):
            return -1
        k += 1
        i += 1
    return i - 1
