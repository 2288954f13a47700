"""One entry point the importer calls: tag a cleaned document's passages and find its meeting.

The country, theme and meeting taggers live in their own modules; this module only
composes them so that the importer (and re-tagging) never needs to know the details.
A broken resource file is an error, not an empty tagger: silently importing without
country tags would hide commitments from the analyst.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from briefer.ingest.model import CleanDocument
from briefer.tagging.countries import load_country_tagger
from briefer.tagging.meetings import extract_meeting
from briefer.tagging.model import CountryMatch, MeetingGuess, ThemeMatch
from briefer.tagging.taxonomy import Taxonomy, load_taxonomy, taxonomy_from_library
from briefer.tagging.themes import ThemeTagger

CountryFn = Callable[[str], list[CountryMatch]]
MeetingFn = Callable[[CleanDocument], MeetingGuess | None]


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

    def __init__(
        self,
        themes: ThemeTagger | None = None,
        countries: CountryFn | None = None,
        meeting: MeetingFn | None = None,
    ) -> None:
        self.themes = themes
        self.countries = countries
        self.meeting = meeting

    def tag_passage(self, text: str) -> PassageTags:
        """Countries and themes of one passage; evidence offsets are within ``text``."""
        return PassageTags(
            countries=self.countries(text) if self.countries is not None else [],
            themes=self.themes.tag(text) if self.themes is not None else [],
        )

    def tag_document(self, document: CleanDocument) -> DocumentTags:
        passages = {p.position: self.tag_passage(p.text) for p in document.passages}
        meeting = self.meeting(document) if self.meeting is not None else None
        return DocumentTags(passages=passages, meeting=meeting)


def load_tagger(session: Session | None = None, taxonomy: Taxonomy | None = None) -> Tagger:
    """The tagger for a library (its own, possibly user-edited taxonomy) or the shipped files.

    Pass the library's ``session`` so imports and re-tagging use the taxonomy the analyst
    sees; without one, the shipped ``resources/taxonomy.toml`` is used.
    """
    if taxonomy is None:
        taxonomy = taxonomy_from_library(session) if session is not None else None
        if taxonomy is None or not taxonomy.themes:
            taxonomy = load_taxonomy()
    return Tagger(
        themes=ThemeTagger(taxonomy),
        countries=load_country_tagger().tag,
        meeting=extract_meeting,
    )
