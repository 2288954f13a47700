"""Reading one calendar date written the ways this region writes it, in several languages.

Used for publication dates found in republisher lines and datelines ("gepubliceerd op
dinsdag 19 juni 2018", "March 21, 2015", "21.03.2015"). Ranges are not single dates and
give None: a range is a meeting's dates, which is the tagger's business.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan januar janvier januari januar januára gennaio enero januarja siječanj "
        "siječnja јануар јануара stycznia",
        "february feb februar février februari februára febbraio febrero februarja veljača "
        "veljače фебруар фебруара lutego",
        "march mar märz mars maart marec marca marzo marzo marta ožujak ožujka март марта marca",
        "april apr avril aprile abril aprila travanj travnja април априла kwietnia",
        "may mai mei maj maja maggio mayo svibanj svibnja мај маја",
        "june jun juni juin giugno junio junij junija lipanj lipnja јун јуна czerwca",
        "july jul juli juillet luglio julio julij julija srpanj srpnja јул јула lipca",
        "august aug août augustus agosto avgust avgusta kolovoz kolovoza август августа sierpnia",
        "september sep sept septembre settembre septiembre septembra rujan rujna септембар "
        "септембра września",
        "october oct oktober octobre ottobre octubre oktobra listopad listopada октобар октобра "
        "października",
        "november nov novembre noviembre novembra studeni studenoga новембар новембра",
        "december dec dezember décembre dicembre diciembre decembra prosinac prosinca децембар "
        "децембра grudnia",
    ],
    start=1,
):
    for _name in _names.split():
        MONTHS.setdefault(_name, _number)

_MONTH = r"(?P<month>[^\W\d_]{3,12})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|\.)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:[^\W\d_]+,?\s+)?"
_PATTERNS = [
    re.compile(rf"^{_WEEKDAY}{_DAY}\s+(?:de\s+)?{_MONTH}\s+(?:de\s+)?{_YEAR}$", re.IGNORECASE),
    re.compile(rf"^{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}$", re.IGNORECASE),
    re.compile(r"^(?P<day>\d{1,2})[./]\s?(?P<month>\d{1,2})[./]\s?(?P<year>\d{4})\.?$"),
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$"),
]


_TIME = re.compile(
    r",?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*(?:h|hrs|CET|CEST|UTC|GMT|am|pm))?$", re.I
)


def parse_date(text: str) -> dt.date | None:
    """The single date ``text`` names, or None (ranges, partial or impossible dates)."""
    value = " ".join(text.strip().strip(".,;").split())
    value = _TIME.sub("", value)  # "13 June 2023 15:30" is still 13 June 2023
    for pattern in _PATTERNS:
        match = pattern.match(value)
        if match is None:
            continue
        month_text = match.group("month")
        month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower())
        if month is None:
            continue
        try:
            return dt.date(int(match.group("year")), month, int(match.group("day")))
        except ValueError:
            return None
    return None
