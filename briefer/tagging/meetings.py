"""Which meeting a document reports on, as far as its text says.

A communiqué names its own meeting in a few recognisable places: the header block
("Sofia, Bulgaria / 21-22 January 2016"), the lead sentence ("From 1 to 3 December
2021, the Congress Centre Brdo pri Kranju is hosting the EU-Western Balkans Ministerial
Forum…"), a preamble ("Gathered in Sofia… on the occasion of a Ministerial
Conference…"), a signature line at the end, or "today's meeting" in a statement
released the day it was held. It also names other meetings: upcoming ones ("the
upcoming … Ministerial taking place on 4-5 October in Tirana"), earlier ones whose
conclusions are presented ("… held via videoconference on 12 November 2021"), and
series in a footnote. Those must not become this document's meeting.

So every date, place, name and format found is a *candidate* scored by where it sits
(header, lead, dateline, signature, footnote) and by the words around it (meeting
words raise it; "upcoming", "next", "conclusions of" remove it). The best candidate of
each kind wins if it clears a threshold; anything not stated stays None, and the
guess's confidence says how much evidence there was. The publication date is used
only to give "today" a date and a year to dates written without one; a bare date
under a news headline is the publication date, not the meeting's.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache

from briefer.ingest.model import CleanDocument, CleanPassage
from briefer.paths import resources_dir
from briefer.tagging.dates import DateMention
from briefer.tagging.dates import find_dates as _find_dates
from briefer.tagging.model import Evidence, MeetingGuess

VIDEOCONFERENCE = "videoconference"
_log = logging.getLogger(__name__)

# Words that make a sentence about a meeting.
# Words that make a sentence about a meeting: single words are looked up in a set (a big
# case-insensitive alternation costs milliseconds per document), stems by prefix, and
# the few phrases by a small expression only when one of their words occurs.
_MEETING_WORDSET = frozenset(
    [
        "meeting",
        "meetings",
        "conference",
        "conferences",
        "forum",
        "ministerial",
        "summit",
        "session",
        "gathering",
        "talks",
        "consultations",
        "roundtable",
        "symposium",
        "meet",
        "gathered",
        "convened",
        "hosting",
        "hosted",
        "hosts",
        "attended",
        "chaired",
        "videoconference",
        "videoconferences",
        "tagung",
        "konferenz",
        "sestanek",
        "konferenca",
        "srečanje",
    ]
)
# Stems of meeting words in the languages of the region (German, French, Slovene,
# Croatian/Bosnian/Serbian in both scripts).
_MEETING_STEMS = (
    "sastan",
    "održan",
    "састан",
    "одржан",
    "конференциј",
    "konferencij",
    "sestal",
    "sestan",
    "srečanj",
    "zasedan",
    "réuni",
    "conférence",
    "treffen",
    "trafen",
    "tagten",
    "sitzung",
    "ministerkonferenz",
)
_MEETING_PHRASE_WORDS = frozenset({"place", "held", "met", "round", "video"})
_MEETING_PHRASES = re.compile(
    r"\b(?:met\s+(?:in|at|on)|(?:ministers?|they|we|delegations?|leaders|counterparts?|partners)"
    r"\s+(?:have\s+|had\s+)?met|took\s+place|takes\s+place|(?:was|were|is|is\s+being)\s+held|"
    r"round\s+table|video\s*-?\s*conference)\b",
    re.IGNORECASE,
)
# Words before a date or place that point at *another* meeting (future or earlier one).
_OTHER_MEETING = re.compile(
    r"\b(?:upcoming|forthcoming|next|previous|preceding|last|earlier|conclusions\s+of|"
    r"conclusions\s+from|outcome\s+of|results\s+of|decision\s+from|follow-up\s+to|since\s+the|"
    r"ahead\s+of|in\s+preparation\s+for|will\s+take\s+place|will\s+be\s+held|to\s+be\s+held|"
    r"nächste|kommende|naslednj\w*|prihodnj\w*|volgende)\b",
    re.IGNORECASE,
)
_THIS_MEETING_VERB = re.compile(
    r"\b(?:met|gathered|convened|are\s+meeting|meet\s+today|is\s+hosting|hosts|are\s+gathered)\b",
    re.IGNORECASE,
)
# Weaker hints of a future or reported event: lower a candidate, do not remove it.
_WEAK_OTHER = re.compile(
    r"\b(?:will|future|planned|scheduled|in\s+the\s+context\s+of|taking\s+place)\b", re.IGNORECASE
)
_PUBLISHED_WORDS = (
    r"\b(?:published|publication|posted|updated|released|distributed|gepubliceerd|objavljeno|"
    r"veröffentlicht|documentdatum|datum)\b"
)
_PUBLISHED = re.compile(_PUBLISHED_WORDS, re.IGNORECASE)
_PUBLISHED_WORDSET = frozenset(re.findall(r"\w+", _PUBLISHED_WORDS)) - {"b"}
_PUBLISHED_BEFORE = re.compile(_PUBLISHED_WORDS + r"[^.]{0,40}$", re.IGNORECASE)
_DEADLINE_BEFORE = re.compile(r"\b(?:by|until|before|after|since|till|no\s+later\s+than)\s*$", re.I)
_TODAY = re.compile(r"\b(?:today|today['’]s|this\s+morning|heute|danes)\b", re.IGNORECASE)
_YESTERDAY = re.compile(r"\b(?:yesterday|yesterday['’]s|gestern|včeraj)\b", re.IGNORECASE)
_VIDEO = re.compile(
    r"\b(?:video\s*-?\s*conferenc\w*|via\s+video\s*link|by\s+video\s*link|virtual(?:ly)?\s+"
    r"(?:meeting|conference|format|held)|held\s+(?:online|virtually)|online\s+meeting|"
    r"Videokonferenz|videokonferenc\w*)\b",
    re.IGNORECASE,
)
_LINK_WORDS = frozenset({"the", "pri", "na", "am", "an", "der", "de", "la"})
_VIDEO_WORDS = frozenset({"virtual", "virtually", "online", "videokonferenz"})
# A capitalised name with a meeting noun at its head: "Ministerial Conference on …".
_NAME_NOUNS = re.compile(r"\b(?:Conference|Forum|Meeting|Ministerial|Summit|Session)\b")
_CAP = r"(?:[A-Z][\w’'.]*(?:[-–][A-Z][\w’'.]*)*)"
_CONNECT = r"(?:on|of|for|the|and|in|against|to|de|du|des|la|le)"
_NAMED = re.compile(rf"{_CAP}(?:\s+(?:{_CAP}|{_CONNECT}\b))*")
_OPENING_QUOTES = "\"“„«‘'"
_QUOTED_NAME = re.compile(
    rf"\b(?:conference|meeting|forum|summit|event|ministerial)\s*[,:]?\s*[{_OPENING_QUOTES}]"
    r"(?P<name>[^\"”“«»‘’']{3,100})[\"”“»’']",
    re.IGNORECASE,
)
_HOSTED_BY = re.compile(r"\bhosted\s+by\s+(?:the\s+(?:Government|Republic)\s+of\s+)?", re.I)
_IN_PLACE = re.compile(
    r"\b(?:held|met|meet|meets|meeting|gathered|convened|took\s+place|takes\s+place|hosted|hosting|"
    r"conference|forum|summit|ministerial|session|održan\w*|одржан\w*|sastal\w*|sestal\w*|"
    r"sestan\w*|sastan\w*|састан\w*|treffen|trafen|tagten|réuni\w*)\b(?:[^.;:]|(?<=\d)\.){0,40}?"
    r"\b(?:in|at|u|v|na|у|в|на|à|en)\s+(?:the\s+)?",
    re.IGNORECASE,
)
_IN_BEFORE = re.compile(r"(?:in|at|u|v|na|у|в|на|à|en)\s+(?:the\s+)?$", re.IGNORECASE)
# What follows the place at the start of a news agency lead: "VIENNA, Nov 7 (APA) -".
_NEWS_DATELINE = re.compile(
    r"\s*(?:,\s*(?:[^\W\d]+\.?\s+\d{1,2}\b|\d{1,2}\.?\s+[^\W\d]+)|\([\w ./]+\)\s*[-–—]|[-–—]\s)"
)
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ON_WEEKDAY = re.compile(r"\bon\s+(" + "|".join(_WEEKDAY_NAMES) + r")\b", re.IGNORECASE)
_FOOTNOTE_START = re.compile(r"^\s*(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\*+\S|\[\d+\]|\(\d+\)\s)")

_DATE_THRESHOLD = 0.55
_MAX_EVIDENCE = 8  # per field: enough to explain a choice, bounded for huge documents
_PLACE_THRESHOLD = 0.5


@lru_cache(maxsize=4096)
def _about_meeting(text: str) -> bool:
    words = _words(text)
    if words & _MEETING_WORDSET:
        return True
    if _has_stem(text) and any(w.startswith(_MEETING_STEMS) for w in words):
        return True
    return bool(words & _MEETING_PHRASE_WORDS) and _MEETING_PHRASES.search(text) is not None


def _has_stem(text: str) -> bool:
    """Whether a meeting stem occurs anywhere in the lower-cased text: a word can only start
    with one if so, and a few substring searches cost less than testing every word."""
    lowered = text.lower()
    return any(stem in lowered for stem in _MEETING_STEMS)


_PUNCTUATION = str.maketrans({c: " " for c in ".,;:!?()[]{}\"'“”„‘’«»/–—-*¹²³"})


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    return frozenset(text.lower().translate(_PUNCTUATION).split())


@lru_cache(maxsize=2048)
def find_dates(text: str, reference: dt.date | None = None) -> tuple[DateMention, ...]:
    """Dates in a unit; the same line is asked about several times per document."""
    return tuple(_find_dates(text, reference))


# ---------------------------------------------------------------------------------------
# Reference tables


@dataclass(frozen=True)
class _Series:
    name: str
    pattern: re.Pattern[str]
    not_a_place: bool


@dataclass(frozen=True)
class _Tables:
    series: tuple[_Series, ...]
    places: dict[str, str]  # lower-case place name -> country code
    place_names: dict[str, str]  # lower-case -> the name stored (English: "Wien" -> "Vienna")
    countries: dict[str, str]  # lower-case country name -> code
    country_pattern: re.Pattern[str]
    place_words: frozenset[str]  # words of place names: a cheap test before looking
    longest_place: int  # in words
    first_words: frozenset[str]
    # Every proper prefix of a place name: a run of words that is none cannot grow into one.
    place_prefixes: frozenset[str]


@cache
def _tables() -> _Tables:
    """The meeting series and places (resources/meetings.toml), merged with the gazetteer."""
    with (resources_dir() / "meetings.toml").open("rb") as handle:
        data = tomllib.load(handle)
    series = tuple(
        _Series(
            item["name"],
            re.compile("|".join(f"(?:{p})" for p in item["patterns"]), re.IGNORECASE),
            bool(item.get("not_a_place", False)),
        )
        for item in data.get("series", [])
    )
    places: dict[str, str] = {}
    place_names: dict[str, str] = {}
    all_places = {**data.get("places", {}), **data.get("places_inflected", {})}
    for name, value in all_places.items():
        code, stored = (
            (value, name) if isinstance(value, str) else (value["country"], value["name"])
        )
        places[name.lower()] = code
        place_names[name.lower()] = stored
    for name, code in _gazetteer_places().items():
        places.setdefault(name.lower(), code)  # the table's English names come first
        place_names.setdefault(name.lower(), name)
    countries = {name.lower(): code for name, code in data.get("countries", {}).items()}
    countries.update(_gazetteer_countries())
    return _Tables(
        series=series,
        places=places,
        place_names=place_names,
        countries=countries,
        place_words=frozenset(
            word for name in places for word in name.split() if word not in _LINK_WORDS
        ),
        longest_place=max((len(name.split()) for name in places), default=1),
        first_words=frozenset(name.split()[0] for name in places),
        place_prefixes=frozenset(name[:k] for name in places for k in range(1, len(name))),
        country_pattern=_alternation(data.get("countries", {}).keys()),
    )


def _gazetteer_places() -> dict[str, str]:
    """Capitals and cities of the shared gazetteer (as written there), when it has them."""
    try:
        from briefer.tagging.gazetteer import current_gazetteer

        places: dict[str, str] = {}
        for entry in current_gazetteer().countries.values():
            for city in (entry.capital, *entry.cities):
                if city:
                    places.setdefault(str(city), str(entry.code))
        return places
    except Exception:
        return {}


_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    text: str


def _find_places(text: str) -> list[_Span]:
    """Known places in ``text``: capitalised word runs looked up in the table, longest first.

    Runs are grown a word at a time and given up as soon as no place name starts with
    them: most capitalised words ("The Member States") begin no place, and trying every
    run length down from the longest name cost more than the rest of meeting extraction.
    """
    tables = _tables()
    first_words, places = tables.first_words, tables.places
    # Lower-casing a Greek capital sigma depends on what follows it, so a shorter run's
    # key need not begin a longer one's: there, every length is tried.
    prefixes = tables.place_prefixes if "\u03a3" not in text else None
    tokens = list(_TOKEN.finditer(text))
    count = len(tokens)
    found: list[_Span] = []
    i = 0
    while i < count:
        token = tokens[i]
        word = token.group()
        if not word[0].isupper() or word.lower() not in first_words:
            i += 1
            continue
        start, size, end = token.start(), 0, 0
        for length in range(1, min(tables.longest_place, count - i) + 1):
            stop = tokens[i + length - 1].end()
            key = " ".join(text[start:stop].split()).lower()
            if key in places:
                size, end = length, stop
            elif prefixes is not None and key not in prefixes:
                break
        if size:
            found.append(_Span(start, end, text[start:end]))
            i += size
        else:
            i += 1
    return found


def _gazetteer_countries() -> dict[str, str]:
    """Country names from the shared gazetteer when it offers them; nothing otherwise.

    The gazetteer is another module's data; meeting extraction must keep working (with
    its own short table) when it is missing or its interface changes.
    """
    try:
        from briefer.tagging import gazetteer

        names = gazetteer.country_names()  # type: ignore[attr-defined]
        return {str(name).lower(): str(code) for name, code in dict(names).items()}
    except Exception:
        return {}


def _alternation(names: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    ordered = sorted(names, key=len, reverse=True)
    body = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)


# ---------------------------------------------------------------------------------------
# Reading the document into units (header lines, sentences, signature lines)


@dataclass(frozen=True)
class _Unit:
    text: str
    start: int  # offset in the document text
    zone: str  # header, lead, body, signature, footnote
    line_before: str | None = None  # header/signature: the previous line (a dateline's place)
    line_before_start: int = 0

    @property
    def about_meeting(self) -> bool:
        return _about_meeting(self.text)

    @property
    def words(self) -> frozenset[str]:
        return _words(self.text)


_SENTENCE_END = re.compile(r"[.!?](?<!\d[.!?])(?<!\b[A-Z][.!?])[\"”’)]*\s+(?=[A-Z\"“„(])")


def _is_short_line(text: str) -> bool:
    stripped = text.strip()
    return 0 < len(stripped) <= 160 and not stripped.endswith((".", ":", ";"))


# A document states its meeting in its head (title, dateline, lead, first paragraphs) or
# its signature: a huge document (a 5 MB report) is read there only, so its extraction
# costs what a long communiqué's does instead of growing with its length.
_HEAD_PASSAGES = 200
_TAIL_PASSAGES = 8


def _passages(document: CleanDocument) -> list[CleanPassage]:
    if document.passages:
        passages = list(document.passages)
    else:
        blocks = re.finditer(r"[^\n]+(?:\n[^\n]+)*", document.text)
        passages = [
            CleanPassage(i, str(i + 1), "body", match.group(), *match.span())
            for i, match in enumerate(blocks)
        ]
    if len(passages) > _HEAD_PASSAGES + _TAIL_PASSAGES:
        passages = passages[:_HEAD_PASSAGES] + passages[-_TAIL_PASSAGES:]
    return passages


def _zones(passages: list[CleanPassage]) -> list[str]:
    zones = ["body"] * len(passages)
    for i, passage in enumerate(passages):
        if passage.kind == "footnote" or _FOOTNOTE_START.match(passage.text):
            zones[i] = "footnote"
    body = [i for i, z in enumerate(zones) if z != "footnote"]
    for i in body[:8]:
        if passages[i].kind == "heading" or _is_short_line(passages[i].text):
            zones[i] = "header"
        else:
            zones[i] = "lead"
            break
    for i in reversed(body[-4:]):
        if (
            zones[i] == "body"
            and len(passages[i].text.strip()) <= 80
            and _is_short_line(passages[i].text)
        ):
            zones[i] = "signature"
        else:
            break
    return zones


def _units(document: CleanDocument) -> list[_Unit]:
    passages = _passages(document)
    units: list[_Unit] = []
    previous_line: str | None = None
    previous_start = 0
    for passage, zone in zip(passages, _zones(passages), strict=True):
        if zone in ("header", "signature"):
            for match in re.finditer(r"[^\n]+", passage.text):
                line = match.group()
                if not line.strip():
                    continue
                start = passage.start + match.start()
                units.append(_Unit(line, start, zone, previous_line, previous_start))
                previous_line, previous_start = line, start
            continue
        previous_line = None
        first = zone == "lead"
        for sentence, offset in _sentences(passage.text):
            unit_zone = "lead" if first else zone
            units.append(_Unit(sentence, passage.start + offset, unit_zone))
            first = False
    return units


def _sentences(text: str) -> Iterator[tuple[str, int]]:
    begin = 0
    for match in _SENTENCE_END.finditer(text):
        yield text[begin : match.end()], begin
        begin = match.end()
    if begin < len(text) and text[begin:].strip():
        yield text[begin:], begin


# ---------------------------------------------------------------------------------------
# Candidates


@dataclass
class _Candidate:
    score: float
    evidence: list[Evidence] = field(default_factory=list)
    start: dt.date | None = None
    end: dt.date | None = None
    city: str | None = None
    country: str | None = None
    text: str | None = None


def _other_meeting_before(unit: _Unit, position: int) -> bool:
    """Whether the words just before ``position`` speak of another meeting ("the upcoming
    …", "the conclusions of …"), unless this meeting's own verb follows the cue ("Building
    on the results of the Vienna meeting, ministers met in Sofia")."""
    window = unit.text[max(0, position - 200) : position]
    cues = list(_OTHER_MEETING.finditer(window))
    if not cues:
        return False
    return not _THIS_MEETING_VERB.search(window, cues[-1].end())


def _series_named(unit: _Unit) -> bool:
    return _series_any(unit.text)


_SERIES_WORDS = frozenset(
    [
        "forum",
        "process",
        "prozess",
        "proces",
        "procesa",
        "strategy",
        "eusdr",
        "eusair",
        "pcc",
        "convention",
        "council",
        "summit",
        "ministerial",
        "conference",
    ]
)


@lru_cache(maxsize=4096)
def _series_any(text: str) -> bool:
    """Whether ``text`` names any series. Each series' own pattern is tried in turn: one
    case-insensitive alternation of them all scans far slower (no shared first letters to
    skip ahead on) and says the same."""
    if not _words(text) & _SERIES_WORDS:
        return False
    return any(series.pattern.search(text) for series in _tables().series)


def _masked(unit: _Unit) -> str:
    """The unit's text with series names that contain a place ("Salzburg Forum") blanked."""
    text = unit.text
    if not _series_named(unit):
        return text
    for series in _tables().series:
        if series.not_a_place:
            text = series.pattern.sub(lambda m: " " * len(m.group()), text)
    return text


def _publication_date(document: CleanDocument, units: list[_Unit]) -> dt.date | None:
    """The publication date: the document's own, a removed republisher line's, or a bare
    date line under the headline."""
    if document.published is not None:
        return document.published
    for removed in document.removed:
        if _PUBLISHED.search(removed.line):
            found = find_dates(removed.line)
            if found:
                return found[0].start
    for unit in units:
        if unit.zone != "footnote" and unit.words & _PUBLISHED_WORDSET:
            found = [
                m for m in find_dates(unit.text) if _PUBLISHED_BEFORE.search(unit.text[: m.begin])
            ]
            if found:
                return found[0].start
    for unit in units:
        if unit.zone == "header" and _bare_date_line(unit) is not None:
            mention = _bare_date_line(unit)
            if mention is not None and not mention.is_range:
                return mention.start
    return None


def _bare_date_line(unit: _Unit, reference: dt.date | None = None) -> DateMention | None:
    found = find_dates(unit.text, reference)
    if len(found) != 1:
        return None
    rest = (unit.text[: found[0].begin] + unit.text[found[0].stop :]).strip(" ,.;:-–—()\t")
    if rest and not re.fullmatch(r"[A-Za-zäöüß]+day|[A-Za-zäöüčšž]+", rest):
        return None
    return found[0]


def _header_has_meeting_name(units: list[_Unit]) -> bool:
    return any(u.zone == "header" and _NAME_NOUNS.search(u.text) for u in units)


def _date_candidates(
    units: list[_Unit], reference: dt.date | None, published: dt.date | None
) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    named_header = _header_has_meeting_name(units)
    for unit in units:
        if unit.zone == "footnote":
            continue
        for mention in find_dates(unit.text, reference):
            if _other_meeting_before(unit, mention.begin):
                continue
            if _DEADLINE_BEFORE.search(unit.text[: mention.begin]):
                continue
            if _PUBLISHED_BEFORE.search(unit.text[: mention.begin]):
                continue  # a publication line ("gepubliceerd op dinsdag 19 juni 2018")
            if published is not None and mention.start > published + dt.timedelta(days=60):
                continue  # announced for later: not what this document reports
            score = _date_score(unit, mention, named_header, published)
            if score is None:
                continue
            evidence = Evidence(
                mention.text,
                unit.start + mention.begin,
                unit.start + mention.stop,
                f"meeting-date:{unit.zone}",
            )
            candidates.append(_Candidate(score, [evidence], mention.start, mention.end))
    return candidates


def _date_score(
    unit: _Unit, mention: DateMention, named_header: bool, published: dt.date | None
) -> float | None:
    if unit.zone in ("header", "signature"):
        before = unit.text[: mention.begin].strip(" ,:\t-–—")
        has_place = bool(_dateline_places(unit))
        names_meeting = bool(before) and (
            _NAME_NOUNS.search(before) is not None or _series_any(before)
        )
        if not (has_place or names_meeting or mention.is_range or named_header):
            # A bare date under a headline, or "Press release, 5 December 2019": when it
            # was published, not when the meeting met.
            return None
        score = 0.6 if unit.zone == "header" else 0.45
        if has_place:
            score += 0.25
        if mention.is_range:
            score += 0.05
        return score
    score = 0.3
    if unit.about_meeting:
        score += 0.3
    if unit.zone == "lead":
        score += 0.1
    window = unit.text[max(0, mention.begin - 200) : mention.begin]
    if _WEAK_OTHER.search(window):
        score -= 0.3
    if published is not None and mention.end < published - dt.timedelta(days=400):
        score -= 0.3
    return score


# Every word of _TODAY, _YESTERDAY and _ON_WEEKDAY holds one of these (lower-case ASCII).
_WHEN_PARTS = ("day", "morning", "heute", "danes", "gestern")


def _may_hold(text: str, *parts: str) -> bool:
    """Whether a case-insensitive pattern made of words holding one of ``parts`` (lower-case
    ASCII) can match in ``text``: substring tests cost far less than the pattern's scan of
    a sentence that lacks them all. Non-ASCII text is always let through, since
    case-insensitive patterns also match letters such as "ſ" for s and "İ" for i."""
    if not text.isascii():
        return True
    lowered = text.lower()
    return any(part in lowered for part in parts)


def _relative_date_candidates(units: list[_Unit], reference: dt.date | None) -> list[_Candidate]:
    """ "Today's meeting" in a statement released that day: the publication date."""
    if reference is None:
        return []
    candidates = []
    for unit in units:
        if (
            unit.zone == "footnote"
            or not _may_hold(unit.text, *_WHEN_PARTS)
            or not unit.about_meeting
        ):
            continue
        for pattern, delta in ((_TODAY, 0), (_YESTERDAY, 1)):
            match = pattern.search(unit.text)
            if match and not _other_meeting_before(unit, match.start()):
                day = reference - dt.timedelta(days=delta)
                evidence = Evidence(
                    match.group(),
                    unit.start + match.start(),
                    unit.start + match.end(),
                    f"meeting-date:{'today' if delta == 0 else 'yesterday'}+published",
                )
                candidates.append(_Candidate(0.6, [evidence], day, day))
                break
        else:
            match = _ON_WEEKDAY.search(unit.text)
            if match and not _other_meeting_before(unit, match.start()):
                # "Ministers met on Tuesday" in a report: the last such day up to publication.
                weekday = _WEEKDAY_NAMES.index(match.group(1).casefold())
                day = reference - dt.timedelta(days=(reference.weekday() - weekday) % 7)
                evidence = Evidence(
                    match.group(),
                    unit.start + match.start(),
                    unit.start + match.end(),
                    "meeting-date:weekday+published",
                )
                candidates.append(_Candidate(0.55, [evidence], day, day))
    return candidates


def _country_of(name: str) -> str | None:
    return _tables().countries.get(name.strip().lower())


def _place_of(name: str) -> tuple[str, str] | None:
    tables = _tables()
    key = re.sub(r"\s+", " ", name.strip()).lower()
    if key in tables.places:
        return tables.place_names[key], tables.places[key]
    return None


def _place_line(text: str) -> tuple[str | None, str | None] | None:
    """A dateline's place part ("Sofia, Bulgaria", "Tirana", "Brdo pri Kranju"): (city, country)."""
    text = text.strip(" ,\t")
    if not text or len(text) > 60 or find_dates(text) or not text[0].isupper():
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not 1 <= len(parts) <= 2:
        return None
    city, country = None, None
    for part in parts:
        place = _place_of(part)
        code = _country_of(part)
        if place is not None and city is None:
            city, country = place[0], country or place[1]
        elif code is not None:
            country = code
        elif city is None and re.fullmatch(r"[A-ZČŠŽĆĐ][\w’'-]+(?:\s+[\w’'-]+){0,3}", part):
            city = part
        else:
            return None
    if len(parts) == 1 and city is not None and _place_of(city) is None:
        return None  # one unknown capitalised word is too weak to be a place
    return city, country


def _place_candidates(units: list[_Unit]) -> list[_Candidate]:
    tables = _tables()
    candidates: list[_Candidate] = []
    for unit in units:
        if unit.zone == "footnote":
            continue
        if unit.zone in ("header", "signature"):
            candidates.extend(_dateline_places(unit))
            if unit.zone == "signature":
                continue  # a header line may also say "… meets in Sarajevo"
        has_place_words = bool(unit.words & tables.place_words)
        if not has_place_words and not _may_hold(unit.text, "hosted"):
            continue  # neither a place nor "hosted by": most sentences of a long text
        text = _masked(unit)
        places = _find_places(text) if has_place_words else []
        for match in places:
            if _other_meeting_before(unit, match.start):
                continue
            city, country = _place_of(match.text)  # type: ignore[misc]
            before = text[max(0, match.start - 80) : match.start]
            after = text[match.end : match.end + 40]
            news_dateline = not text[: match.start].strip() and _NEWS_DATELINE.match(after)
            if unit.zone == "lead" and news_dateline:
                score, rule = 0.55, "meeting-place:dateline-lead"
            elif _IN_PLACE.search(before) and _IN_BEFORE.search(before):
                # Stated in words, it outranks a dateline (where a statement was issued).
                score, rule = 0.9, "meeting-place:held-in"
            elif re.match(r"\s*(?:conference|meeting|forum|summit|ministerial)\b", after, re.I):
                score, rule = 0.6, "meeting-place:named-after"
            elif unit.about_meeting and re.search(
                r"\b(?:hosting|hosted|hosts|gathered|took\s+place|was\s+held|convened)\b",
                text,
                re.I,
            ):
                score, rule = 0.55, "meeting-place:in-meeting-sentence"
            else:
                continue
            if unit.zone == "lead":
                score += 0.1
            evidence = Evidence(match.text, unit.start + match.start, unit.start + match.end, rule)
            candidates.append(_Candidate(score, [evidence], city=city, country=country))
        for match in _HOSTED_BY.finditer(text):
            rest = text[match.end() :]
            country_match = tables.country_pattern.match(rest)
            if country_match and not _other_meeting_before(unit, match.start()):
                start = unit.start + match.end()
                evidence = Evidence(
                    country_match.group(),
                    start,
                    start + country_match.end(),
                    "meeting-place:hosted-by",
                )
                code = _country_of(country_match.group())
                candidates.append(_Candidate(0.5, [evidence], country=code))
    return candidates


def _dateline_places(unit: _Unit) -> list[_Candidate]:
    found = find_dates(unit.text)
    if not found:
        return []
    before = unit.text[: found[0].begin].strip(" ,\t")
    if before:
        source, source_text, source_start = before, unit.text, unit.start
    elif unit.line_before is not None:
        source, source_text, source_start = (
            unit.line_before.strip(" ,\t"),
            unit.line_before,
            unit.line_before_start,
        )
    else:
        return []
    if not source:
        return []
    place = _place_line(source)
    if place is None and "," in source:
        # "Joint Statement: EU-Western Balkans Ministerial Forum …, Tirana, 4-5 October 2018"
        parts = source.split(",")
        for size in (2, 1):
            tail = ",".join(parts[-size:]).strip()
            if len(parts) > size and (place := _place_line(tail)) not in (None, (None, None)):
                source = tail
                break
    if place is None or place == (None, None):
        return []
    city, country = place
    score = 0.8 if unit.zone == "header" else 0.7
    start = source_start + source_text.rindex(source)
    evidence = Evidence(source, start, start + len(source), f"meeting-place:dateline-{unit.zone}")
    return [_Candidate(score, [evidence], city=city, country=country)]


def _named_meetings(text: str) -> Iterator[re.Match[str]]:
    for match in _NAMED.finditer(text):
        if _NAME_NOUNS.search(match.group()):
            yield match


def _quoted_names(text: str) -> Iterator[re.Match[str]]:
    """``_QUOTED_NAME`` matches; most sentences hold no opening quote, and looking for one
    costs a fraction of a case-insensitive scan for the meeting words."""
    if any(quote in text for quote in _OPENING_QUOTES):
        yield from _QUOTED_NAME.finditer(text)


def _clean_name(name: str) -> str:
    name = name.strip(" ,.;:\"“”'’\n\t")
    name = re.sub(rf"^(?:The|A|An)\s+|(?:\s+{_CONNECT})+$", "", name)
    return name.strip()


def _title_case(words: list[str]) -> bool:
    """A name ("Ministerial Conference on Combating Terrorism…"), not a headline sentence."""
    lower = [w for w in words if w[:1].islower() and not re.fullmatch(_CONNECT, w)]
    return 0 < len(words) <= 16 and not lower


def _title_candidates(units: list[_Unit], date_units: set[int]) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    for unit in units:
        if unit.zone == "footnote":
            continue
        if unit.zone == "header":
            words = unit.text.split()
            if _NAME_NOUNS.search(unit.text) and _title_case(words) and not find_dates(unit.text):
                name = _clean_name(unit.text)
                start = unit.start + unit.text.find(name)
                evidence = Evidence(name, start, start + len(name), "meeting-title:header")
                candidates.append(_Candidate(0.8, [evidence], text=name))
            continue
        for match in _named_meetings(unit.text):
            if _other_meeting_before(unit, match.start()):
                continue
            name = _clean_name(match.group())
            if len(name.split()) < 2 or re.fullmatch(r"(?:Meeting|Session)\s+(?:in|of)\s+.*", name):
                continue
            score = 0.75 if unit.start in date_units else 0.5
            start = unit.start + match.start() + match.group().find(name)
            evidence = Evidence(name, start, start + len(name), "meeting-title:named")
            candidates.append(_Candidate(score, [evidence], text=name))
        for match in _quoted_names(unit.text):
            if _other_meeting_before(unit, match.start()):
                continue
            name = _clean_name(match.group("name"))
            start = unit.start + match.start("name") + match.group("name").find(name)
            evidence = Evidence(name, start, start + len(name), "meeting-title:quoted")
            candidates.append(_Candidate(0.6, [evidence], text=name))
    return candidates


def _series_candidates(units: list[_Unit], title: str | None) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    naming = [u for u in units if u.zone != "footnote" and _series_named(u)]
    for series in _tables().series:
        if title and series.pattern.search(title):
            candidates.append(_Candidate(0.85, [], text=series.name))
            continue
        for unit in naming:
            match = series.pattern.search(unit.text)
            if match is None or _other_meeting_before(unit, match.start()):
                continue
            if unit.zone == "header":
                score = 0.8
            elif unit.about_meeting:
                score = 0.55 if unit.zone == "lead" else 0.45
            else:
                continue
            evidence = Evidence(
                match.group(),
                unit.start + match.start(),
                unit.start + match.end(),
                "meeting-series",
            )
            candidates.append(_Candidate(score, [evidence], text=series.name))
            break
    return candidates


def _format_evidence(units: list[_Unit]) -> Evidence | None:
    for unit in units:
        if unit.zone == "footnote":
            continue
        if not unit.words & _VIDEO_WORDS and "video" not in unit.text.lower():
            continue
        if not unit.about_meeting:
            continue
        match = _VIDEO.search(unit.text)
        if match and not _other_meeting_before(unit, match.start()):
            return Evidence(
                match.group(),
                unit.start + match.start(),
                unit.start + match.end(),
                "meeting-format:videoconference",
            )
    return None


# ---------------------------------------------------------------------------------------
# Choosing


def _best(candidates: list[_Candidate], threshold: float) -> _Candidate | None:
    kept = [c for c in candidates if c.score >= threshold]
    if not kept:
        return None
    return max(kept, key=lambda c: c.score)  # max keeps the first of equal scores


def _choose_date(candidates: list[_Candidate]) -> _Candidate | None:
    best = _best(candidates, _DATE_THRESHOLD)
    if best is None:
        return None
    assert best.start is not None and best.end is not None
    agreeing = [
        c
        for c in candidates
        if c is not best
        and c.start is not None
        and c.end is not None
        and c.start <= best.end
        and best.start <= c.end
    ]
    # A signature date inside the header's range supports it; a wider range that contains
    # the best single day (the signing day) is the meeting's full span.
    for other in agreeing:
        assert other.start is not None and other.end is not None
        if other.score >= _DATE_THRESHOLD and other.start <= best.start and best.end <= other.end:
            best = _Candidate(best.score, best.evidence, other.start, other.end)
    support = min(0.15, 0.05 * len(agreeing))
    return _Candidate(
        min(1.0, best.score + support),
        (best.evidence + [e for c in agreeing for e in c.evidence])[:_MAX_EVIDENCE],
        best.start,
        best.end,
    )


def _choose_place(candidates: list[_Candidate]) -> _Candidate | None:
    best = _best(candidates, _PLACE_THRESHOLD)
    if best is None:
        return None
    city, country = best.city, best.country
    evidence = list(best.evidence)
    score = best.score
    for other in candidates:
        if other is best:
            continue
        same_city = city is not None and other.city == city
        fills_country = city is None or country is None or other.country == country
        if same_city or (other.city is None and other.country is not None and fills_country):
            if country is None:
                country = other.country
            if other.country == country:
                evidence.extend(other.evidence)
                score = min(1.0, score + 0.05)
    if city is None and country is None:
        return None
    return _Candidate(score, evidence[:_MAX_EVIDENCE], city=city, country=country)


def extract_meeting(document: CleanDocument) -> MeetingGuess | None:
    """The meeting ``document`` reports on, or None when its text does not say.

    Fields the text does not state stay None; ``confidence`` (0..1) grows with the
    evidence found, and ``evidence`` lists every matched piece of text with its rule.
    A fault here must not stop an import (the meeting is a guess the analyst can set by
    hand), so it is logged and the meeting left unknown.
    """
    try:
        return _extract(document)
    except Exception:
        _log.exception("meeting extraction failed for %s", document.path)
        return None


def _extract(document: CleanDocument) -> MeetingGuess | None:
    units = _units(document)
    published = _publication_date(document, units)
    date = _choose_date(_date_candidates(units, published, document.published or published))
    if date is None:
        date = _choose_date(_relative_date_candidates(units, published))
    video = _format_evidence(units)
    places = _place_candidates(units)
    if video is not None:
        # A videoconference's dateline is where the statement was issued, not a venue.
        places = [c for c in places if not c.evidence[0].rule.startswith("meeting-place:dateline")]
    place = _choose_place(places)
    date_units = _units_holding(units, date)
    title = _best(_title_candidates(units, date_units), 0.5)
    series = _best(_series_candidates(units, title.text if title else None), 0.45)
    if date is None and place is None and title is None and series is None:
        return None
    parts = [(date, 0.45), (place, 0.3), (title or series, 0.15)]
    confidence = 0.1 + sum(weight * c.score for c, weight in parts if c is not None)
    evidence = [e for c in (date, place, title, series) if c is not None for e in c.evidence]
    if video is not None:
        evidence.append(video)
    return MeetingGuess(
        title=title.text if title else None,
        series=series.text if series else None,
        start_date=date.start if date else None,
        end_date=date.end if date else None,
        city=place.city if place else None,
        country=place.country if place else None,
        format=VIDEOCONFERENCE if video else None,
        confidence=round(min(confidence, 0.95), 2),
        evidence=evidence,
    )


def _units_holding(units: list[_Unit], date: _Candidate | None) -> set[int]:
    """Start offsets of the units holding the chosen date's evidence."""
    if date is None:
        return set()
    starts = [unit.start for unit in units]
    holding = set()
    for evidence in date.evidence:
        index = bisect.bisect_right(starts, evidence.start) - 1
        if index >= 0:
            holding.add(starts[index])
    return holding
