"""The country tagger: which countries a passage names, with the evidence for each.

Built once from the gazetteer (all names, demonyms and cities indexed by their folded
words), then each passage is cut into words and looked up longest name first, so
"Guinea-Bissau" is never read as "Guinea" and "South Sudan" never as "Sudan". Rules that
hold across this genre of text decide the hard cases:

* names keep their capitals ("turkey" the bird is not Türkiye) but text written in
  capitals matches; accents are optional; hyphenated line breaks ("Ser-\\nbia") and
  non-breaking spaces are read through;
* capitals and cities are weaker evidence than names; a city that names an instrument
  ("Salzburg Forum", "Treaty of Lisbon") names no place;
* "Brussels" is the seat of the EU institutions, counted for Belgium only when the text
  uses it as a city (listed with other places, or near "attack", "airport"…);
* names that are also first names ("Jordan Smith"), phrases that contain a name ("Papua
  New Guinea", "Lake Chad", "Indian Ocean"), context guards ("the Greek region of
  Macedonia", "Atlanta, Georgia") and ambiguous short forms ("Congo", "Korea",
  "Macedonia" before 2019) come from ``resources/gazetteer/rules.toml``.

Regions ("Western Balkans") and the EU itself are not countries and are never tagged.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from briefer.tagging.gazetteer import (
    Ambiguity,
    Gazetteer,
    Guard,
    current_gazetteer,
    fold,
    name_key,
    reload_gazetteer,
    tokens,
)
from briefer.tagging.model import CountryMatch, Evidence

# Confidence of one piece of evidence, by the kind of name that matched.
CONFIDENCE = {
    "name": 0.95,
    "long_name": 0.95,
    "former_name": 0.95,
    "abbreviation": 0.9,
    "adjective": 0.85,
    "capital": 0.7,
    "city": 0.6,
}
RESOLVED_CONFIDENCE = 0.9  # an ambiguous short form that the passage makes clear
EXTRA_EVIDENCE_BONUS = 0.05  # per further distinct name of the same country
MAX_CONFIDENCE = 0.99
# Matches below this are dropped by default: an EU-seat "Brussels" (0.3) is not Belgium.
DEFAULT_MIN_CONFIDENCE = 0.5

_NOT_COUNTRY = "not_country"
_PLACE_KINDS = frozenset({"capital", "city"})
# A letter of a word: \w plus combining accents, so decomposed (NFD) text reads as words.
_W = r"[\w\u0300-\u036f]"
_NOT_AFTER_W = r"(?<![\w\u0300-\u036f])"
_WORD = re.compile(rf"{_W}+")
_HYPHEN_BREAK = re.compile(r"[-\u00ad\u2010][ \t]*\r?\n[ \t]*|\u00ad")
_LIST_GAP = re.compile(r"\s*(?:[,;/&]|,?\s*(?:and|or)\b)\s*", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# The next word of a name, after what may stand between the words of one name: spaces
# (any, including non-breaking and line breaks), hyphens and dashes, apostrophes, a
# period ("St. Lucia"), an ampersand.
_NEXT = re.compile(rf"([\s\-\u2010\u2011\u2013\u2014'\u2019.&]{{1,4}})({_W}+)")
# The rest of a word broken by a hyphen at the end of a line ("Ser-\nbia").
_BROKEN_REST = re.compile(rf"(?:[-\u00ad\u2010][ \t]*\r?\n[ \t]*|\u00ad)({_W}+)")
# Whatever word follows a match, and the word before one.
_FOLLOWING = re.compile(rf"(\W{{0,4}}?)({_W}+)")
_PRECEDING = re.compile(r"(\w+)\W{1,4}$")
# Words that may start a name: a capital (any script), or a name written in lower case.
_CAPITAL_START = r"[A-Z\u00c0-\u00de\u0100-\u024f\u0370-\u03ff\u0400-\u042f\u0460-\u052f]"
_LANGUAGE = object()
_SIMPLE_SPACE = (" ", "\u00a0", "\u202f")
_PLURAL_ENDINGS = ("sh", "ss", "ese", "tch", "nch", "x", "z", "s")


@dataclass(frozen=True, slots=True)
class _Alias:
    """One way of writing a country (or a phrase that is not one), ready to match."""

    code: str | None
    kind: str
    form: str
    words: tuple[str, ...]  # as written, for the capitals check
    caps_word: bool = False
    person: bool = False
    guard: Guard | None = None
    ambiguity: Ambiguity | None = None
    eu_seat: bool = False
    listed_only: bool = False


@dataclass(slots=True)
class _Hit:
    code: str
    start: int
    end: int
    rule: str
    confidence: float
    key: tuple[str, ...]
    ambiguity: Ambiguity | None
    eu_seat: bool
    listed_only: bool = False


class CountryTagger:
    """Finds the countries a text names; build once per gazetteer, then call :meth:`tag`."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        rules = gazetteer.rules
        self._rules = rules
        self._aliases: dict[tuple[str, ...], list[_Alias]] = {}
        guards = {name_key(g.name): g for g in rules.guards}
        ambiguities = {name_key(a.name): a for a in rules.ambiguities}
        seat_keys = {name_key(n) for n in rules.eu_seat.names}
        listed_keys = {name_key(n) for n in rules.listed_only.names}
        person_keys = {name_key(n) for n in rules.person_names}
        caps_keys = {name_key(n) for n in rules.caps_words}
        for entry in gazetteer.countries.values():
            for form, kind in entry.surface_forms():
                for variant in _variants(form, kind):
                    key = name_key(variant)
                    self._add(
                        key,
                        _Alias(
                            code=entry.code,
                            kind=kind,
                            form=variant,
                            words=_words_for_key(variant, key),
                            caps_word=key in caps_keys,
                            person=key in person_keys,
                            guard=guards.get(key),
                            ambiguity=ambiguities.get(key) if variant == form else None,
                            eu_seat=key in seat_keys and entry.code == rules.eu_seat.code,
                            listed_only=key in listed_keys,
                        ),
                    )
        for phrase in rules.not_countries:
            key = name_key(phrase)
            if key:
                self._add(key, _Alias(None, _NOT_COUNTRY, phrase, _words_for_key(phrase, key)))
        self._longest: dict[str, int] = {}
        self._all_words: set[str] = set()
        for key in self._aliases:
            self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))
            self._all_words.update(key)
        self._seat_words = frozenset(fold(w) for w in rules.eu_seat.city_words)
        self._prefixes = tuple(_norm(p).lower() for p in rules.instrument_prefixes)
        self._instruments = frozenset(fold(w) for w in rules.instrument_words)
        self._place_prefixes = tuple(_norm(p).lower() for p in rules.listed_only.prefixes)
        lower_starts = sorted(
            {
                a.words[0]
                for bucket in self._aliases.values()
                for a in bucket
                if not a.words[0][0].isupper()
            },
            key=len,
            reverse=True,
        )
        alternatives = "|".join(re.escape(w) for w in lower_starts)
        self._lower_starts = tuple(lower_starts)
        self._capitalised = re.compile(rf"{_NOT_AFTER_W}{_CAPITAL_START}{_W}*")
        self._any_start = re.compile(
            rf"{_NOT_AFTER_W}(?:{_CAPITAL_START}{_W}*|(?:{alternatives})(?!{_W}))"
        )

    def _add(self, key: tuple[str, ...], alias: _Alias) -> None:
        if not key:
            return
        bucket = self._aliases.setdefault(key, [])
        if alias not in bucket:
            bucket.append(alias)

    # ------------------------------------------------------------ public

    def tag(
        self,
        text: str,
        *,
        on: dt.date | None = None,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    ) -> list[CountryMatch]:
        """Countries named in ``text``, in order of first mention.

        ``on`` is the date the text speaks from (its publication or meeting date), when
        known: some names are ambiguous only before a date ("Macedonia" before 2019).
        Evidence offsets index ``text`` itself, so ``text[e.start:e.end] == e.text``.
        """
        if not text:
            return []
        hits = self._scan(text)
        if not hits:
            return []
        self._resolve(text, hits, on)
        return _combine(text, hits, min_confidence)

    # ------------------------------------------------------------ matching

    def _scan(self, text: str) -> list[_Hit]:
        """Longest match at each word that can start a name; matches never overlap.

        Only words that start with a capital (or the few names written in lower case)
        are looked at, found by one compiled pattern: most words of a passage cost
        nothing, which keeps tagging far below the 0.5 ms per passage budget.
        """
        hits: list[_Hit] = []
        longest = self._longest
        aliases = self._aliases
        breaks = _HYPHEN_BREAK.search(text) is not None
        taken = 0  # end of the last match: matches do not overlap
        language_end = -1  # end of the last adjective read as a language
        # Names written in lower case are rare: only look for them when one is in the text.
        lower = any(w in text for w in self._lower_starts)
        candidates = self._any_start if lower else self._capitalised
        for found in candidates.finditer(text):
            start = found.start()
            if start < taken:
                continue
            written = found.group()
            if breaks:
                first = self._word(text, start, found.end(), written, breaks)
            else:  # the common case, inlined: most candidates stop at the next line
                folded = written.lower() if written.isascii() else fold(written)
                first = (start, found.end(), written, folded)
            limit = longest.get(first[3])
            if limit is None:
                continue
            words = [first]
            pos = first[1]
            while len(words) < limit:
                following = _NEXT.match(text, pos)
                if following is None:
                    break
                word = self._word(
                    text, following.start(2), following.end(2), following.group(2), breaks
                )
                words.append(word)
                pos = word[1]
            matched: tuple[int, _Alias, tuple[str, ...]] | None = None
            for size in range(len(words), 0, -1):
                key = tuple(w[3] for w in words[:size])
                bucket = aliases.get(key)
                if bucket is None:
                    continue
                written = [w[2] for w in words[:size]]
                alias = next((a for a in bucket if _capitals_ok(a.words, written)), None)
                if alias is not None:
                    matched = (size, alias, key)
                    break
            if matched is None:
                continue
            size, alias, key = matched
            end = words[size - 1][1]
            taken = end
            if alias.code is None:
                continue  # a phrase that names no country ("Papua New Guinea" aside)
            verdict = self._counts(text, start, end, alias, language_end)
            if verdict is _LANGUAGE:
                language_end = end
            if verdict is not True:
                continue
            hits.append(
                _Hit(
                    code=alias.code,
                    start=start,
                    end=end,
                    rule=alias.kind,
                    confidence=CONFIDENCE[alias.kind],
                    key=key,
                    ambiguity=alias.ambiguity,
                    eu_seat=alias.eu_seat,
                    listed_only=alias.listed_only,
                )
            )
        return hits

    def _word(
        self, text: str, start: int, end: int, written: str, breaks: bool
    ) -> tuple[int, int, str, str]:
        """(start, end, as written, folded); a word split by a hyphenated line break is joined."""
        folded = written.lower() if written.isascii() else fold(written)
        if breaks:
            joined = _BROKEN_REST.match(text, end)
            if joined is not None:
                rest = joined.group(1)
                whole = folded + (rest.lower() if rest.isascii() else fold(rest))
                if whole in self._all_words:
                    return (start, joined.end(), written + rest, whole)
        return (start, end, written, folded)

    def _counts(self, text: str, start: int, end: int, alias: _Alias, language_end: int) -> object:
        """True when this match names the country; _LANGUAGE or False when it does not."""
        after = _FOLLOWING.match(text, end)
        next_word = after.group(2) if after is not None else ""
        gap = after.group(1) if after is not None else ""
        if (alias.caps_word or alias.person) and _in_capitals(text, start, end):
            return not alias.caps_word
        if alias.guard is not None and _guarded(text, start, end, alias.guard):
            return False
        if alias.person and gap in _SIMPLE_SPACE and self._surname(next_word):
            return False
        if alias.kind in _PLACE_KINDS or alias.eu_seat:
            if fold(next_word) in self._instruments and gap in (*_SIMPLE_SPACE, "-"):
                return False
            before = _norm(text[max(0, start - 40) : start]).lower().rstrip()
            if any(_ends_with_phrase(before, p) for p in self._prefixes):
                return False
        if alias.kind == "adjective":
            if gap in (*_SIMPLE_SPACE, "-") and fold(next_word) in self._rules.language_words:
                return _LANGUAGE
            if _language_use(text, start, end, language_end):
                return _LANGUAGE
        return True

    def _surname(self, written: str) -> bool:
        return (
            len(written) > 1
            and written[0].isupper()
            and not written.isupper()
            and written not in self._rules.not_surnames
            and fold(written) not in self._longest
        )

    # ------------------------------------------------------------ context

    def _resolve(self, text: str, hits: list[_Hit], on: dt.date | None) -> None:
        """Settle ambiguous short forms and the EU seat with what the passage says."""
        strong = {
            h.code for h in hits if h.ambiguity is None and not h.eu_seat and not h.listed_only
        }
        for index, hit in enumerate(hits):
            amb = hit.ambiguity
            if amb is not None:
                preferred = next((c for c in amb.prefer if c in strong), None)
                if preferred is not None:
                    hit.code = preferred
                    hit.confidence = RESOLVED_CONFIDENCE
                    hit.rule += ":resolved"
                elif amb.until is not None and on is not None and on >= amb.until:
                    pass
                elif any(c in strong for c in amb.context_codes) or any(
                    w in text for w in amb.context_words
                ):
                    hit.confidence = max(RESOLVED_CONFIDENCE, min(hit.confidence, 0.9))
                    hit.rule += ":context"
                else:
                    hit.confidence = amb.confidence
                    hit.rule += ":ambiguous"
            if hit.eu_seat:
                if _listed(text, hits, index):
                    hit.rule += ":listed-with-places"
                elif self._seat_context(text, hit):
                    hit.rule += ":city-context"
                else:
                    hit.confidence = self._rules.eu_seat.confidence
                    hit.rule += ":eu-seat"
            if hit.listed_only:
                if _listed(text, hits, index):
                    hit.rule += ":listed-with-places"
                elif self._after_place_prefix(text, hit.start):
                    hit.rule += ":place-prefix"
                else:
                    hit.confidence = self._rules.listed_only.confidence
                    hit.rule += ":unconfirmed"

    def _after_place_prefix(self, text: str, start: int) -> bool:
        before = _norm(text[max(0, start - 30) : start]).lower().rstrip()
        return any(_ends_with_phrase(before, p) for p in self._place_prefixes)

    def _seat_context(self, text: str, hit: _Hit) -> bool:
        window = text[max(0, hit.start - 80) : hit.end + 80]
        return any(fold(w) in self._seat_words for w in _WORD.findall(window))


# ---------------------------------------------------------------- helpers


def _variants(form: str, kind: str) -> list[str]:
    """The form itself, plus the plural of a demonym ("Albanians", "Iraqis")."""
    if kind != "adjective" or not form[-1:].isalpha() or not form[-1:].isascii():
        return [form]
    if form[0].islower() or form.endswith(_PLURAL_ENDINGS):
        return [form]
    return [form, form + "s"]


def _words_for_key(form: str, key: tuple[str, ...]) -> tuple[str, ...]:
    written = tokens(form)
    return tuple(written[len(written) - len(key) :])


def _capitals_ok(alias_words: tuple[str, ...], written: list[str]) -> bool:
    """Capitals in the name must be capitals in the text; lower-case letters may be either.

    So "Turkey" matches "Turkey" and "TURKEY" but not "turkey"; "BiH" matches "BIH" but
    not "bih"; "the former Yugoslav Republic" matches "The Former Yugoslav Republic".
    """
    for want, got in zip(alias_words, written, strict=True):
        if want == got:
            continue
        if len(want) != len(got):
            if want[0].isupper() and not got[0].isupper():
                return False
            if want.isupper() and len(want) > 1 and not got.isupper():
                return False
            continue
        for a, b in zip(want, got, strict=True):
            if a.isupper() and not b.isupper():
                return False
    return True


def _language_use(text: str, start: int, end: int, language_end: int) -> bool:
    """ "translated into French." / "in Albanian and Serbian": a language, not a country."""
    previous = _PRECEDING.search(text, max(0, start - 12), start)
    if previous is None:
        return False
    word = previous.group(1).lower()
    chained = word in ("and", "or") and bool(_LIST_GAP.fullmatch(text, language_end, start))
    if word not in ("in", "into", "from") and not chained:
        return False
    rest = text[end : end + 6].lstrip()
    return not rest or rest[0] in ".,;:)" or rest.startswith(("and ", "or "))


def _in_capitals(text: str, start: int, end: int) -> bool:
    window = text[max(0, start - 30) : end + 30]
    return not any(c.islower() for c in window)


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text)


def _ends_with_phrase(before: str, phrase: str) -> bool:
    if not before.endswith(phrase):
        return False
    cut = len(before) - len(phrase)
    return cut == 0 or not phrase[0].isalnum() or not before[cut - 1].isalnum()


def _guarded(text: str, start: int, end: int, guard: Guard) -> bool:
    before = _norm(text[max(0, start - 40) : start]).lower().rstrip()
    after = _norm(text[end : end + 40]).lower()
    if any(_ends_with_phrase(before, p.lower()) for p in guard.not_after):
        return True
    return any(after.startswith(p.lower()) for p in guard.not_before)


def _listed(text: str, hits: list[_Hit], index: int) -> bool:
    """Whether the hit stands in a list of places ("Brussels, Paris and Copenhagen")."""
    hit = hits[index]
    if index > 0 and _LIST_GAP.fullmatch(text, hits[index - 1].end, hit.start):
        return True
    return index + 1 < len(hits) and bool(_LIST_GAP.fullmatch(text, hit.end, hits[index + 1].start))


def _combine(text: str, hits: list[_Hit], min_confidence: float) -> list[CountryMatch]:
    """One match per country: its evidence, and a confidence from its strongest names."""
    by_code: dict[str, list[_Hit]] = {}
    for hit in hits:
        by_code.setdefault(hit.code, []).append(hit)
    matches = []
    for code, found in by_code.items():
        best: dict[tuple[str, ...], float] = {}
        for hit in found:
            best[hit.key] = max(best.get(hit.key, 0.0), hit.confidence)
        confidence = max(best.values()) + EXTRA_EVIDENCE_BONUS * (len(best) - 1)
        confidence = round(min(confidence, MAX_CONFIDENCE), 3)
        if confidence < min_confidence:
            continue
        evidence = [Evidence(text[h.start : h.end], h.start, h.end, h.rule) for h in found]
        matches.append(CountryMatch(code=code, confidence=confidence, evidence=evidence))
    matches.sort(key=lambda m: m.evidence[0].start)
    return matches


# ---------------------------------------------------------------- the tagger in force

_lock = threading.Lock()
_cached: CountryTagger | None = None


def load_country_tagger() -> CountryTagger:
    """The tagger for the gazetteer in force, built once and shared (it is read-only)."""
    global _cached
    gazetteer = current_gazetteer()
    with _lock:
        if _cached is None or _cached.gazetteer is not gazetteer:
            _cached = CountryTagger(gazetteer)
        return _cached


def reload_country_tagger(directory: Path | None = None) -> CountryTagger:
    """Re-read the gazetteer files; if they are wrong, raise and keep the tagger in force."""
    reload_gazetteer(directory)
    return load_country_tagger()
