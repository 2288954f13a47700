"""Deleting a document, and importing it again: the analyst's decisions come back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from briefer.domain.errors import BrieferError
from briefer.domain.search import SearchRequest
from briefer.services.briefing_reads import load_outline
from briefer.services.briefings import add_quotes, create_briefing
from briefer.services.documents import delete_document
from briefer.services.importing import import_all
from briefer.services.library import open_ready_library
from briefer.services.searching import search
from briefer.services.tagging import add_theme, set_cue, set_passage_tag
from briefer.store.library import Library
from briefer.store.models import Document, Passage, PassageCountry, PassageTheme

TEXT = """EU and Western Balkans ministers agree to fight migrant smuggling

Skopje, 2 December 2019

The ministers agreed to step up the fight against migrant smuggling networks along the Western Balkan route and to improve returns of irregular migrants.

Serbia and Montenegro will intensify the exchange of information on firearms trafficking.
"""


@pytest.fixture
def ready(tmp_path: Path) -> Iterator[Library]:
    library = open_ready_library(str(tmp_path / "lib.sqlite"))
    yield library
    library.close()


def _import(library: Library, path: Path) -> int:
    report = import_all(library, [path])
    assert not report.failed, [o.reason for o in report.outcomes]
    (outcome,) = report.outcomes
    assert outcome.document_id is not None
    return outcome.document_id


def _passage(library: Library, document_id: int, prefix: str) -> int:
    with library.session() as session:
        for passage in session.scalars(select(Passage).where(Passage.document_id == document_id)):
            if passage.text.startswith(prefix):
                return passage.id
    raise AssertionError(f"no passage starting {prefix!r}")


def _tags(library: Library, passage_id: int) -> tuple[set[str], set[str]]:
    """(themes, countries) a search would use: manual removals excluded."""
    with library.session() as session:
        themes = set(
            session.scalars(
                select(PassageTheme.theme_id).where(
                    PassageTheme.passage_id == passage_id, PassageTheme.excluded.is_(False)
                )
            )
        )
        countries = set(
            session.scalars(
                select(PassageCountry.country_code).where(
                    PassageCountry.passage_id == passage_id, PassageCountry.excluded.is_(False)
                )
            )
        )
    return themes, countries


def test_manual_tags_and_removals_come_back_after_delete_and_reimport(
    ready: Library, tmp_path: Path
) -> None:
    path = tmp_path / "statement.txt"
    path.write_text(TEXT, encoding="utf-8")
    document_id = _import(ready, path)
    passage_id = _passage(ready, document_id, "The ministers agreed")
    themes, _ = _tags(ready, passage_id)
    assert "migrant-smuggling" in themes
    with ready.session() as session:
        set_passage_tag(session, passage_id, theme="migrant-smuggling", remove=True)
        set_passage_tag(session, passage_id, country="MK")

    assert delete_document(ready, document_id) == "statement.txt"
    with ready.session() as session:
        assert session.get(Document, document_id) is None

    again = _import(ready, path)
    passage = _passage(ready, again, "The ministers agreed")
    themes, countries = _tags(ready, passage)
    assert "migrant-smuggling" not in themes
    assert "MK" in countries
    # The search index follows the decisions too, not the tagger's own links.
    found = search(ready, SearchRequest(countries=("MK",), limit=100, with_facets=False))
    assert passage in {h.passage_id for h in found.hits}
    unwanted = SearchRequest(themes=("migrant-smuggling",), limit=100, with_facets=False)
    assert passage not in {h.passage_id for h in search(ready, unwanted).hits}


def test_a_quoted_document_cannot_be_deleted(ready: Library, tmp_path: Path) -> None:
    path = tmp_path / "statement.txt"
    path.write_text(TEXT, encoding="utf-8")
    document_id = _import(ready, path)
    passage_id = _passage(ready, document_id, "Serbia and Montenegro")
    change = create_briefing(ready, "Skopje brief", preset="Ministerial meeting brief")
    briefing_id = change.briefing_id
    assert briefing_id is not None
    section_id = load_outline(ready, briefing_id).sections[0].id
    add_quotes(ready, section_id, [passage_id])

    with pytest.raises(BrieferError, match=r"quoted in briefing .*Skopje brief"):
        delete_document(ready, document_id)
    with ready.session() as session:
        assert session.get(Document, document_id) is not None
    assert load_outline(ready, briefing_id).item_count == 1


def test_a_theme_the_analyst_added_tags_new_imports(ready: Library, tmp_path: Path) -> None:
    with ready.session() as session:
        add_theme(session, "maritime-security", "Maritime security", parent="security")
        set_cue(session, "maritime-security", "port security")
    path = tmp_path / "ports.txt"
    path.write_text(
        "Ministers meet in Budva\n\nThe ministers agreed to strengthen port security in the Adriatic.\n",
        encoding="utf-8",
    )
    document_id = _import(ready, path)
    themes, _ = _tags(ready, _passage(ready, document_id, "The ministers agreed"))
    assert "maritime-security" in themes
