"""One entry point the importer calls: tag a cleaned document's passages and find its meeting.

The country, theme and meeting taggers live in their own modules; this module only
composes them so that the importer (and re-tagging) never needs to know the details.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from briefer.ingest.model import CleanDocument
from briefer.tagging.model import CountryMatch, MeetingGuess, ThemeMatch


@dataclass
class PassageTags:
    countries: list[CountryMatch] = field(default_factory=list)
    themes: list[ThemeMatch] = field(default_factory=list)


@dataclass
class DocumentTags:
    passages: dict[int, PassageTags]  # by passage position
    meeting: MeetingGuess | None


class Tagger:
    """Composes the taggers; build once (loading resources is the slow part), use many times."""

    def tag_passage(self, text: str) -> PassageTags:
        return PassageTags()

    def tag_document(self, document: CleanDocument) -> DocumentTags:
        passages = {p.position: self.tag_passage(p.text) for p in document.passages}
        return DocumentTags(passages=passages, meeting=None)


def load_tagger() -> Tagger:
    """The tagger built from the shipped (or user-edited) taxonomy and gazetteer."""
    return Tagger()
