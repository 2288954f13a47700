"""A briefing built from the five seed documents (skipped when the seeds are absent)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from briefer.briefing.document import Quote, Table
from briefer.domain.search import SearchRequest
from briefer.services.briefing_build import build_briefing
from briefer.services.briefing_export import compose_briefing
from briefer.services.importing import import_all
from briefer.services.library import open_ready_library
from briefer.store.library import Library
from briefer.store.models import Passage


@pytest.fixture
def seeded(db_path: Path, seeds_dir: Path) -> Iterator[Library]:
    library = open_ready_library(str(db_path))
    import_all(library, [seeds_dir])
    yield library
    library.close()


@pytest.mark.parametrize("group_by", ["theme", "meeting"])
def test_terrorism_briefing_from_the_seeds(seeded: Library, group_by: str) -> None:
    result = build_briefing(
        seeded,
        SearchRequest(query="terrorism"),
        "Terrorism",
        group_by=group_by,  # type: ignore[arg-type]
    )
    assert result.items >= 3
    document = compose_briefing(seeded, result.change.briefing_id)  # type: ignore[arg-type]
    quotes = [b for b in document.blocks if isinstance(b, Quote)]
    assert len(quotes) == result.items
    with seeded.session() as session:
        for quote in quotes:
            assert quote.text == session.get(Passage, quote.passage_ids[0]).text  # type: ignore[union-attr]
    citations = " | ".join(q.citation.text for q in quotes)
    # The Sofia declaration is cited with its meeting's date range, en dash and all.
    assert "21–22 January 2016" in citations
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    assert len(table.rows) == len({s.document_id for q in quotes for s in q.citation.sources})


def test_seed_citations_do_not_state_uncertain_dates_and_show_source_footnotes(
    seeded: Library,
) -> None:
    from sqlalchemy import select

    from briefer.briefing.citations import cite_passage
    from briefer.briefing.compose import source_notes
    from briefer.services.briefing_reads import passage_refs

    with seeded.session() as session:
        ids = session.scalars(select(Passage.id).where(Passage.kind == "body")).all()
        refs = passage_refs(session, ids)
    cited = {
        cite_passage(r)
        for r in refs.values()
        if "Avramopoulos and King" in (r.document.title or "")
    }
    assert cited and all("published 19 June 2018" in c for c in cited)  # seed 001, confidence 0.39
    (marked,) = [r for r in refs.values() if "violent extremism¹" in r.text]  # seed 003
    (note,) = source_notes(marked)
    assert note.marker == "¹" and note.text.startswith("Such as the Salzburg Forum")
