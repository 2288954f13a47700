"""Dates and date ranges as communiqués of this genre write them.

Meeting reports and declarations write dates in many shapes and languages: ranges
("From 1 to 3 December 2021", "26-27 October 2017", "October 26-27, 2017",
"7 and 8 December 2015", "11/12 December 2023" which is two days, not a day and a
month), ordinals ("January 22nd, 2016", "19-20th June 2017"), numeric forms
("19/11/2019", "8.5.2014", US "10/31/2025" on aggregator sites), German
("am 6. und 7. November 2019", "6./7. November 2019"), Slovene genitives
("11. decembra", year often omitted) and Dutch ("dinsdag 19 juni 2018").

General date parsers (dateparser and friends) read one date per string, do not know
ranges, and cost milliseconds per call; the importer tags hundreds of documents a
second. So this module is a small set of regular expressions over a month table in
the languages of the region, and it always reports where in the text a date was found
(offsets), because evidence must point at the words.

A date written without its year takes the year that puts it closest to a reference
date (the publication date), else the year of the nearest fully written date in the
same text; with neither it is not reported (a guess would be shown as a fact).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

# Month names by language (lower case); genitive and abbreviated forms included.
_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: (
        "january",
        "jan",
        "januar",
        "jänner",
        "janvier",
        "januari",
        "gennaio",
        "enero",
        "januarja",
        "januara",
        "siječanj",
        "siječnja",
        "janar",
        "јануар",
        "јануара",
        "јануари",
    ),
    2: (
        "february",
        "feb",
        "februar",
        "feber",
        "février",
        "fevrier",
        "februari",
        "febbraio",
        "febrero",
        "februarja",
        "februara",
        "veljača",
        "veljače",
        "shkurt",
        "фебруар",
        "фебруара",
        "февруари",
    ),
    3: (
        "march",
        "mar",
        "märz",
        "maerz",
        "mars",
        "maart",
        "marzo",
        "marec",
        "marca",
        "mart",
        "marta",
        "ožujak",
        "ožujka",
        "март",
        "марта",
    ),
    4: (
        "april",
        "apr",
        "avril",
        "aprile",
        "abril",
        "aprila",
        "travanj",
        "travnja",
        "prill",
        "април",
        "априла",
    ),
    5: ("may", "mai", "mei", "maggio", "mayo", "maj", "maja", "svibanj", "svibnja", "мај", "маја"),
    6: (
        "june",
        "jun",
        "juni",
        "juin",
        "giugno",
        "junio",
        "junij",
        "junija",
        "juna",
        "lipanj",
        "lipnja",
        "qershor",
        "јун",
        "јуна",
        "јуни",
    ),
    7: (
        "july",
        "jul",
        "juli",
        "juillet",
        "luglio",
        "julio",
        "julij",
        "julija",
        "jula",
        "srpanj",
        "srpnja",
        "korrik",
        "јул",
        "јула",
        "јули",
    ),
    8: (
        "august",
        "aug",
        "août",
        "aout",
        "augustus",
        "agosto",
        "avgust",
        "avgusta",
        "augusta",
        "kolovoz",
        "kolovoza",
        "gusht",
        "август",
        "августа",
    ),
    9: (
        "september",
        "sep",
        "sept",
        "septembre",
        "settembre",
        "septiembre",
        "septembra",
        "septembar",
        "rujan",
        "rujna",
        "shtator",
        "септембар",
        "септембра",
        "септември",
    ),
    10: (
        "october",
        "oct",
        "oktober",
        "octobre",
        "ottobre",
        "octubre",
        "oktobra",
        "oktobar",
        "tetor",
        "октобар",
        "октобра",
        "октомври",
    ),
    11: (
        "november",
        "nov",
        "novembre",
        "noviembre",
        "novembra",
        "novembar",
        "studeni",
        "studenoga",
        "studenog",
        "nëntor",
        "nentor",
        "новембар",
        "новембра",
        "ноември",
    ),
    12: (
        "december",
        "dec",
        "dezember",
        "décembre",
        "decembre",
        "dicembre",
        "diciembre",
        "decembra",
        "decembar",
        "prosinac",
        "prosinca",
        "dhjetor",
        "децембар",
        "децембра",
        "декември",
    ),
}
# "listopad" is October in Croatian but November in Czech and Polish: left out on purpose.

MONTHS: dict[str, int] = {name: number for number, names in _MONTH_NAMES.items() for name in names}

_WEEKDAYS = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
    "ponedeljek",
    "torek",
    "sreda",
    "četrtek",
    "petek",
    "sobota",
    "nedelja",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
]

# Any word where a month may stand; whether it is a month is checked against MONTHS after
# the match (an alternation of some 200 names made scanning ten times slower).
_MONTH = r"[^\W\d_]{3,12}\.?"
_DAY = r"\d{1,2}(?!\d)(?:st|nd|rd|th)?\.?"
_YEAR = r"(?:19|20)\d{2}(?!\d)"
# Between two days of a range: a dash, a slash, or "to/and" in the languages of the region.
_SEP = r"(?:\s*[-–—/]\s*|\s+(?:to|and|through|till|until|und|bis|en|tot|et|au|in|do|i|и|e|al|a)\s+)"


def _named(name: str, pattern: str) -> str:
    return f"(?P<{name}>{pattern})"


_CROSS_DAY_FIRST = re.compile(
    rf"(?<![\w.]){_named('d1', _DAY)}\s+(?:of\s+)?{_named('m1', _MONTH)}"
    rf"(?:,?\s+{_named('y1', _YEAR)})?{_SEP}"
    rf"{_named('d2', _DAY)}\s+(?:of\s+)?{_named('m2', _MONTH)}(?:,?\s+{_named('y2', _YEAR)})?(?!\w)",
    re.IGNORECASE,
)
_CROSS_MONTH_FIRST = re.compile(
    rf"(?<!\w){_named('m1', _MONTH)}\s+{_named('d1', _DAY)}(?:,?\s+{_named('y1', _YEAR)})?{_SEP}"
    rf"{_named('m2', _MONTH)}\s+{_named('d2', _DAY)}(?:,?\s+{_named('y2', _YEAR)})?(?!\w)",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    rf"(?<![\w.]){_named('d1', _DAY)}(?:{_SEP}{_named('d2', _DAY)})?\s*(?:of\s+)?"
    rf"{_named('m1', _MONTH)}(?:,?\s+{_named('y1', _YEAR)})?(?!\w)",
    re.IGNORECASE,
)
_MONTH_FIRST = re.compile(
    rf"(?<!\w){_named('m1', _MONTH)}\s+{_named('d1', _DAY)}(?:{_SEP}{_named('d2', _DAY)})?"
    rf"(?:,?\s+{_named('y1', _YEAR)})?(?!\w)",
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"(?<![\w./])(?P<a>\d{1,2})(?P<sep>[./])\s?(?P<b>\d{1,2})(?P=sep)\s?(?P<y>(?:19|20)\d{2})(?![\d])"
)
_ISO = re.compile(r"(?<![\w-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w-])")

# Tried in this order; an earlier, longer match wins over an overlapping later one.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cross-month", _CROSS_DAY_FIRST),
    ("cross-month", _CROSS_MONTH_FIRST),
    ("day-month", _DAY_FIRST),
    ("month-day", _MONTH_FIRST),
    ("numeric", _NUMERIC),
    ("iso", _ISO),
)


@dataclass(frozen=True)
class DateMention:
    """A date or date range found in a text, with where it was found and how."""

    start: dt.date
    end: dt.date  # equal to ``start`` for a single day
    text: str
    begin: int  # offsets of ``text`` in the searched string
    stop: int
    rule: str
    year_inferred: bool = False

    @property
    def is_range(self) -> bool:
        return self.end != self.start


@dataclass
class _Raw:
    begin: int
    stop: int
    text: str
    rule: str
    start: tuple[int | None, int, int]  # year (None when not written), month, day
    end: tuple[int | None, int, int]


def _day(value: str) -> int:
    return int(re.match(r"\d+", value).group())  # type: ignore[union-attr]


def _month(value: str) -> int:
    return MONTHS[value.rstrip(".").lower()]


def _raw_from_named(match: re.Match[str], rule: str) -> _Raw:
    groups = match.groupdict()
    m1 = _month(groups["m1"])
    m2 = _month(groups["m2"]) if groups.get("m2") else m1
    d1 = _day(groups["d1"])
    d2 = _day(groups["d2"]) if groups.get("d2") else d1
    y2 = int(groups["y2"]) if groups.get("y2") else None
    y1 = int(groups["y1"]) if groups.get("y1") else None
    if y2 is None and rule == "cross-month":
        y2 = y1
    if y1 is None:
        y1 = y2
    if y2 is None:
        y2 = y1
    return _Raw(match.start(), match.end(), match.group(), rule, (y1, m1, d1), (y2, m2, d2))


def _raw_from_numeric(match: re.Match[str], month_first: bool) -> _Raw | None:
    a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
    if match["sep"] == ".":
        day, month = a, b  # dotted dates are always day first
    elif b > 12 >= a or (month_first and a <= 12):
        day, month = b, a  # US order: 10/31/2025
    else:
        day, month = a, b
    triple = (year, month, day)
    return _Raw(match.start(), match.end(), match.group(), "numeric", triple, triple)


def _raw_from_iso(match: re.Match[str]) -> _Raw:
    triple = (int(match["y"]), int(match["m"]), int(match["d"]))
    return _Raw(match.start(), match.end(), match.group(), "iso", triple, triple)


# Month names that are also English words or abbreviations ("5 may apply"): only
# read as a month when capitalised or followed by a year.
_WORDLIKE_MONTHS = frozenset({"may", "mar", "march", "mars", "jan", "jun", "jul", "sep", "dec"})


def _english_word_month(match: re.Match[str], raw: _Raw) -> bool:
    groups = match.groupdict()
    if "m1" not in groups or raw.start[0] is not None:
        return False
    month = groups["m1"].rstrip(".")
    return month.lower() in _WORDLIKE_MONTHS and month.islower()


_DIGIT = re.compile(r"\d")


def _months_known(match: re.Match[str]) -> bool:
    groups = match.groupdict()
    return all(
        groups[name].rstrip(".").lower() in MONTHS for name in ("m1", "m2") if groups.get(name)
    )


def _matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches whose month words are months; after a non-month, search again one character on."""
    position = 0
    while (match := pattern.search(text, position)) is not None:
        if _months_known(match):
            yield match
            position = match.end()
        else:
            position = match.start() + 1


def _scan(text: str, month_first: bool) -> list[_Raw]:
    found: list[_Raw] = []
    taken: list[tuple[int, int]] = []
    if _DIGIT.search(text) is None:
        return found  # every form has a day or a year in figures
    for rule, pattern in _PATTERNS:
        for match in _matches(pattern, text):
            if any(match.start() < stop and begin < match.end() for begin, stop in taken):
                continue
            if rule == "numeric":
                raw = _raw_from_numeric(match, month_first)
            elif rule == "iso":
                raw = _raw_from_iso(match)
            else:
                raw = _raw_from_named(match, rule)
            if raw is not None and not _english_word_month(match, raw):
                found.append(raw)
                taken.append((raw.begin, raw.stop))
    found.sort(key=lambda r: r.begin)
    return found


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _closest_year(month: int, day: int, reference: dt.date) -> int:
    """The year that puts day/month closest to the reference date."""
    best, best_gap = reference.year, None
    for year in (reference.year - 1, reference.year, reference.year + 1):
        candidate = _make(year, month, day)
        if candidate is None:
            continue
        gap = abs((candidate - reference).days)
        if best_gap is None or gap < best_gap:
            best, best_gap = year, gap
    return best


def _resolve(raw: _Raw, found: list[_Raw], reference: dt.date | None) -> DateMention | None:
    (y1, m1, d1), (y2, m2, d2) = raw.start, raw.end
    inferred = y1 is None
    if inferred:
        if reference is not None:
            y1 = _closest_year(m1, d1, reference)
        else:
            dated = [r for r in found if r.start[0] is not None]
            if not dated:
                return None
            nearest = min(dated, key=lambda r: abs(r.begin - raw.begin))
            y1 = nearest.start[0]
        y2 = y1 if (m2, d2) >= (m1, d1) else y1 + 1  # "30 December - 2 January"
    assert y1 is not None and y2 is not None
    start, end = _make(y1, m1, d1), _make(y2, m2, d2)
    if start is None or end is None or end < start or (end - start).days > 31:
        return None
    return DateMention(start, end, raw.text, raw.begin, raw.stop, raw.rule, inferred)


def find_dates(
    text: str, reference: dt.date | None = None, *, month_first: bool = False
) -> list[DateMention]:
    """Every date or date range in ``text``, in order, with offsets.

    ``reference`` (usually the publication date) supplies the year of dates written
    without one. ``month_first`` reads ambiguous numeric dates such as 05/06/2019 in
    US order (aggregator sites); otherwise they are read day first, as Europe writes them.
    """
    found = _scan(text, month_first)
    mentions = (_resolve(raw, found, reference) for raw in found)
    return [m for m in mentions if m is not None]


_LEFTOVER = re.compile(
    r"^[\s,.;:()\[\]–—-]*(?:(?:on|from|am|op|le|the|of|vom|dated|date|datum|published|"
    r"gepubliceerd|veröffentlicht|objavljeno|" + "|".join(_WEEKDAYS) + r")[\s,.;:()–—-]*)*$",
    re.IGNORECASE,
)


def parse_date_range(
    text: str, reference: dt.date | None = None, *, month_first: bool = False
) -> tuple[dt.date, dt.date] | None:
    """The date or range a short string *is* ("dinsdag 19 juni 2018", "From 1 to 3 December
    2021"), or None when the string holds anything else than one date, weekdays and
    linking words. For reading a publication-date line or a user's input."""
    mentions = find_dates(text, reference, month_first=month_first)
    if len(mentions) != 1:
        return None
    mention = mentions[0]
    leftover = text[: mention.begin] + " " + text[mention.stop :]
    if not _LEFTOVER.match(leftover):
        return None
    return mention.start, mention.end


def parse_date(
    text: str, reference: dt.date | None = None, *, month_first: bool = False
) -> dt.date | None:
    """The single day a short string is (see ``parse_date_range``); a range gives None."""
    found = parse_date_range(text, reference, month_first=month_first)
    if found is None or found[0] != found[1]:
        return None
    return found[0]
