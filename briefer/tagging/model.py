"""What taggers return: a tag, its confidence and the evidence that explains it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """Why a tag was set: the matched text, where, and which rule matched it."""

    text: str
    start: int
    end: int
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "rule": self.rule}


@dataclass
class CountryMatch:
    code: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class ThemeMatch:
    theme_id: str
    score: float
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class MeetingGuess:
    """The meeting a document reports on, as far as the text says; unknown fields stay None."""

    title: str | None = None
    series: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    city: str | None = None
    country: str | None = None
    format: str | None = None
    confidence: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
