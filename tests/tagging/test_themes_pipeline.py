"""The tagger the importer and re-tagging use: composition and the library's own taxonomy."""

from __future__ import annotations

from pathlib import Path

from briefer.ingest.model import CleanDocument, CleanPassage
from briefer.services.library import open_ready_library
from briefer.services.tagging import add_theme, set_cue
from briefer.tagging.model import CountryMatch, MeetingGuess
from briefer.tagging.pipeline import Tagger, load_tagger
from briefer.tagging.themes import load_theme_tagger


def document(*texts: str) -> CleanDocument:
    passages, start = [], 0
    for position, text in enumerate(texts):
        passages.append(
            CleanPassage(position, str(position + 1), "body", text, start, start + len(text))
        )
        start += len(text) + 2
    return CleanDocument(Path("x.txt"), "txt", "\n\n".join(texts), passages, sha256="0" * 64)


def test_tag_document_tags_every_passage_by_position_and_asks_for_the_meeting() -> None:
    seen: list[CleanDocument] = []

    def meeting(doc: CleanDocument) -> MeetingGuess:
        seen.append(doc)
        return MeetingGuess(city="Sofia")

    tagger = Tagger(
        themes=load_theme_tagger(),
        countries=lambda text: [CountryMatch("RS", 0.9)] if "Serbia" in text else [],
        meeting=meeting,
    )
    doc = document("Smugglers were arrested in Serbia.", "Thanks to the host.")
    tags = tagger.tag_document(doc)
    assert set(tags.passages) == {0, 1}
    assert [m.theme_id for m in tags.passages[0].themes] == ["migrant-smuggling"]
    assert [c.code for c in tags.passages[0].countries] == ["RS"]
    assert tags.passages[1].themes == [] and tags.passages[1].countries == []
    assert tags.meeting == MeetingGuess(city="Sofia") and seen == [doc]


def test_a_tagger_without_parts_returns_empty_tags() -> None:
    tags = Tagger().tag_document(document("Smugglers were arrested."))
    assert tags.passages[0].themes == [] and tags.meeting is None


def test_load_tagger_uses_the_library_taxonomy_when_given_a_session(db_path: Path) -> None:
    library = open_ready_library(str(db_path))
    try:
        with library.session() as session:
            add_theme(session, "aerial-threats", "Aerial threats", parent="resilience")
            set_cue(session, "aerial-threats", "drone")
            edited = load_tagger(session)
        text = "Drones were seen near the airport."
        assert "aerial-threats" in {m.theme_id for m in edited.tag_passage(text).themes}
        assert "aerial-threats" not in {m.theme_id for m in load_tagger().tag_passage(text).themes}
    finally:
        library.close()
