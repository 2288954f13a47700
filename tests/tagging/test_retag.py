"""Re-tagging, manual tags and removals, and editing the library's taxonomy."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import select

from briefer.domain.errors import NotFound
from briefer.domain.progress import CancelToken, Progress
from briefer.services.library import open_ready_library
from briefer.services.tagging import (
    add_theme,
    apply_manual_corrections,
    load_taxonomy_file,
    rename_theme,
    reset_taxonomy,
    retag,
    retag_needed,
    run_retag,
    set_cue,
    set_passage_tag,
    theme_tree,
)
from briefer.store.library import Library
from briefer.store.models import (
    AUTOMATIC,
    MANUAL,
    Country,
    Document,
    Passage,
    PassageCountry,
    PassageTheme,
    Theme,
)
from briefer.tagging import taxonomy as taxonomy_module
from briefer.tagging.model import CountryMatch, Evidence
from briefer.tagging.pipeline import Tagger, load_tagger
from briefer.tagging.taxonomy import (
    INFO_EDITED,
    TaxonomyError,
    info,
    sync_themes,
    taxonomy_from_library,
)

TEXTS = (
    "The ministers agreed to dismantle smuggling networks.",
    "Returns and readmission agreements were discussed.",
    "The exchange of information with Europol was welcomed.",
    "Drones were seen near the border.",
    "The meeting closed with thanks to the host.",
)


def add_document(library: Library, texts: Sequence[str] = TEXTS, name: str = "doc.txt") -> int:
    """A document with one passage per text, tagged as the importer would."""
    full = "\n\n".join(texts)
    with library.session() as session:
        document = Document(
            file_name=name,
            format="txt",
            sha256=hashlib.sha256(full.encode()).hexdigest(),
            text=full,
            removed_lines=[],
        )
        session.add(document)
        session.flush()
        start = 0
        for position, text in enumerate(texts):
            session.add(
                Passage(
                    document_id=document.id,
                    position=position,
                    paragraph=str(position + 1),
                    kind="body",
                    text=text,
                    start=start,
                    end=start + len(text),
                )
            )
            start += len(text) + 2
        session.flush()
        tagger = load_tagger(session)
        for passage in session.scalars(select(Passage).where(Passage.document_id == document.id)):
            for match in tagger.tag_passage(passage.text).themes:
                session.add(
                    PassageTheme(
                        passage_id=passage.id,
                        theme_id=match.theme_id,
                        score=match.score,
                        evidence=[e.as_dict() for e in match.evidence],
                    )
                )
        return document.id


def passage_ids(library: Library) -> list[int]:
    with library.session() as session:
        return list(session.scalars(select(Passage.id).order_by(Passage.id)))


def themes_of(library: Library, passage_id: int) -> set[str]:
    with library.session() as session:
        return set(
            session.scalars(
                select(PassageTheme.theme_id).where(
                    PassageTheme.passage_id == passage_id, PassageTheme.excluded.is_(False)
                )
            )
        )


@pytest.fixture
def ready(db_path: Path) -> Library:
    library = open_ready_library(str(db_path))
    yield library
    library.close()


def test_a_new_library_holds_the_shipped_taxonomy_with_its_cues(ready: Library) -> None:
    with ready.session() as session:
        library_taxonomy = taxonomy_from_library(session)
    assert library_taxonomy.content_hash() == taxonomy_module.load_taxonomy().content_hash()


def test_manual_tag_and_manual_removal_survive_retag(ready: Library) -> None:
    add_document(ready)
    smuggling, returns, *_ = passage_ids(ready)
    assert "migrant-smuggling" in themes_of(ready, smuggling)
    with ready.session() as session:
        change = set_passage_tag(session, smuggling, theme="migrant-smuggling", remove=True)
        assert change.previous == AUTOMATIC
        set_passage_tag(session, returns, theme="corruption")
    run_retag(ready)
    assert "migrant-smuggling" not in themes_of(ready, smuggling)
    assert "corruption" in themes_of(ready, returns)
    assert "returns-readmission" in themes_of(ready, returns)
    with ready.session() as session:
        removal = session.get(PassageTheme, (smuggling, "migrant-smuggling"))
        assert removal.origin == MANUAL and removal.excluded
        # Tagging again by hand lifts the removal.
        change = set_passage_tag(session, smuggling, theme="migrant-smuggling")
        assert change.previous == "manual removal"
    run_retag(ready)
    assert "migrant-smuggling" in themes_of(ready, smuggling)


def test_manual_tags_need_a_known_passage_theme_and_country(ready: Library) -> None:
    add_document(ready)
    first = passage_ids(ready)[0]
    with ready.session() as session:
        with pytest.raises(NotFound, match="passage 999999 not found"):
            set_passage_tag(session, 999999, theme="drugs")
        with pytest.raises(NotFound, match="theme 'no-such-theme' not found"):
            set_passage_tag(session, first, theme="no-such-theme")
        with pytest.raises(NotFound, match="country 'ZZ' not found"):
            set_passage_tag(session, first, country="zz")


def test_manual_country_tag_accepts_eu_codes_and_survives_retag(ready: Library) -> None:
    add_document(ready)
    first = passage_ids(ready)[0]
    with ready.session() as session:
        if session.get(Country, "GR") is None:
            session.add(Country(code="GR", name="Greece"))
    with ready.session() as session:
        change = set_passage_tag(session, first, country="el")
    assert change.key == "GR"
    run_retag(ready, tagger=Tagger(themes=load_tagger().themes, countries=lambda text: []))
    with ready.session() as session:
        row = session.get(PassageCountry, (first, "GR"))
        assert row is not None and row.origin == MANUAL and not row.excluded


def test_retag_refreshes_automatic_country_links(ready: Library) -> None:
    add_document(ready)
    first, second, *_ = passage_ids(ready)
    with ready.session() as session:
        for code, name in (("RS", "Serbia"), ("AL", "Albania")):
            if session.get(Country, code) is None:
                session.add(Country(code=code, name=name))
        session.add(PassageCountry(passage_id=first, country_code="AL", confidence=0.9))

    def countries(text: str) -> list[CountryMatch]:
        if "smuggling" in text:
            return [CountryMatch("RS", 0.8, [Evidence("smuggling", 0, 9, "test")])]
        return []

    report = run_retag(ready, tagger=Tagger(themes=load_tagger().themes, countries=countries))
    assert report.countries_refreshed and report.country_links == 1
    with ready.session() as session:
        codes = set(
            session.scalars(
                select(PassageCountry.country_code).where(PassageCountry.passage_id == first)
            )
        )
        assert codes == {"RS"}  # the stale automatic AL link is gone
        assert session.get(PassageCountry, (second, "RS")) is None


def test_retag_without_a_country_tagger_keeps_country_links(ready: Library) -> None:
    add_document(ready)
    first = passage_ids(ready)[0]
    with ready.session() as session:
        if session.get(Country, "AL") is None:
            session.add(Country(code="AL", name="Albania"))
        session.add(PassageCountry(passage_id=first, country_code="AL", confidence=0.9))
    report = run_retag(ready, tagger=Tagger(themes=load_tagger().themes))
    assert not report.countries_refreshed
    with ready.session() as session:
        assert session.get(PassageCountry, (first, "AL")) is not None


def test_retag_reports_progress_per_batch(ready: Library) -> None:
    add_document(ready)
    job = retag(ready, batch_size=2)
    steps: list[Progress] = []
    while True:
        try:
            steps.append(next(job))
        except StopIteration as stop:
            report = stop.value
            break
    assert [(p.done, p.total) for p in steps] == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert report.passages == 5 and not report.cancelled


def test_cancel_stops_between_batches_and_keeps_finished_ones(ready: Library) -> None:
    add_document(ready)
    ids = passage_ids(ready)
    with ready.session() as session:
        add_theme(session, "aerial-threats", "Aerial threats", parent="resilience")
        set_cue(session, "aerial-threats", "drone")
        set_cue(session, "aerial-threats", "smuggling networks")
    cancel = CancelToken()
    job = retag(ready, cancel, batch_size=2)
    next(job)  # started
    next(job)  # first batch (passages 1-2) done
    cancel.cancel()
    with pytest.raises(StopIteration) as stop:
        next(job)
    report = stop.value.value
    assert report.cancelled and report.passages == 2
    assert "aerial-threats" in themes_of(ready, ids[0])  # in the finished batch
    assert "aerial-threats" not in themes_of(ready, ids[3])  # batch never run
    with ready.session() as session:
        assert retag_needed(session)


def test_theme_add_cue_then_retag_changes_tags(ready: Library) -> None:
    add_document(ready)
    drones = passage_ids(ready)[3]
    assert "aerial-threats" not in themes_of(ready, drones)
    with ready.session() as session:
        add_theme(session, "aerial-threats", "Aerial threats", parent="resilience", eurovoc="drone")
        set_cue(session, "aerial-threats", "drone")
        assert retag_needed(session)
    run_retag(ready)
    assert "aerial-threats" in themes_of(ready, drones)
    with ready.session() as session:
        assert not retag_needed(session)
        set_cue(session, "aerial-threats", "near the border", negative=True)
        set_cue(session, "aerial-threats", "drone", remove=True)
        set_cue(session, "aerial-threats", "drones", weight=0.5)
    run_retag(ready)
    assert "aerial-threats" not in themes_of(ready, drones)


def test_rename_changes_the_label_not_the_id_or_the_tags(ready: Library) -> None:
    add_document(ready)
    smuggling = passage_ids(ready)[0]
    with ready.session() as session:
        rename_theme(session, "migrant-smuggling", "Smuggling of migrants")
        assert session.get(Theme, "migrant-smuggling").label == "Smuggling of migrants"
    assert "migrant-smuggling" in themes_of(ready, smuggling)
    with ready.session() as session:
        with pytest.raises(NotFound):
            rename_theme(session, "nope", "x")
        with pytest.raises(TaxonomyError, match="already exists"):
            add_theme(session, "drugs", "Drugs again")
        with pytest.raises(TaxonomyError, match="lower-case"):
            add_theme(session, "Bad Id", "Bad")
        with pytest.raises(TaxonomyError, match="3 letters"):
            set_cue(session, "drugs", "dr*")


def test_user_edits_are_never_overwritten_by_the_shipped_file(
    ready: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ready.session() as session:
        rename_theme(session, "drugs", "Narcotics")
        assert info(session, INFO_EDITED) == "yes"
    shipped = tmp_path / "shipped.toml"
    shipped.write_text(
        taxonomy_module.shipped_taxonomy_path()
        .read_text("utf-8")
        .replace('label = "Corruption"', 'label = "Graft"')
    )
    monkeypatch.setattr(taxonomy_module, "shipped_taxonomy_path", lambda: shipped)
    with ready.session() as session:
        sync_themes(session)
        assert session.get(Theme, "drugs").label == "Narcotics"
        assert session.get(Theme, "corruption").label == "Corruption"
        reset_taxonomy(session)
        assert session.get(Theme, "drugs").label == "Drug trafficking"
        assert session.get(Theme, "corruption").label == "Graft"


def test_a_changed_shipped_file_is_synced_and_an_unchanged_one_costs_nothing(
    ready: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object) -> None:
        raise AssertionError("an unchanged taxonomy must not be rewritten")

    with monkeypatch.context() as patch:
        patch.setattr(taxonomy_module, "write_taxonomy", fail)
        with ready.session() as session:
            sync_themes(session)
    shipped = tmp_path / "shipped.toml"
    shipped.write_text(
        taxonomy_module.shipped_taxonomy_path()
        .read_text("utf-8")
        .replace('label = "Corruption"', 'label = "Graft"')
    )
    monkeypatch.setattr(taxonomy_module, "shipped_taxonomy_path", lambda: shipped)
    with ready.session() as session:
        sync_themes(session)
        assert session.get(Theme, "corruption").label == "Graft"
    # A broken shipped file leaves the library's taxonomy in force.
    shipped.write_text('version = 1\n[[theme]\nid = "x"\n')
    with ready.session() as session:
        sync_themes(session)
        assert session.get(Theme, "corruption").label == "Graft"


def test_loading_a_bad_file_keeps_the_previous_taxonomy(ready: Library, tmp_path: Path) -> None:
    with ready.session() as session:
        before = taxonomy_from_library(session).content_hash()
    bad = tmp_path / "bad.toml"
    bad.write_text('version = 1\n\n[[theme]]\nid = "a"\nlabel = "A"\n\n[[theme]]\nid = "a"\n')
    with (
        pytest.raises(TaxonomyError, match=r"line 8: duplicate theme id 'a'"),
        ready.session() as session,
    ):
        load_taxonomy_file(session, bad)
    with ready.session() as session:
        assert taxonomy_from_library(session).content_hash() == before
        assert info(session, INFO_EDITED) != "yes"


def test_loading_a_file_keeps_themes_that_carry_manual_tags(ready: Library, tmp_path: Path) -> None:
    add_document(ready)
    first = passage_ids(ready)[0]
    with ready.session() as session:
        set_passage_tag(session, first, theme="corruption")
    small = tmp_path / "small.toml"
    small.write_text(
        'version = 1\n[[theme]]\nid = "migration"\nlabel = "Migration"\n'
        '[[theme]]\nid = "migrant-smuggling"\nparent = "migration"\nlabel = "Smuggling"\n'
        'cues = ["smuggl*"]\n'
    )
    with ready.session() as session:
        report = load_taxonomy_file(session, small)
        assert report.kept == ["corruption", "crime"]
        assert "drugs" in report.removed
        assert session.get(Theme, "drugs") is None
    run_retag(ready)
    assert themes_of(ready, first) == {"corruption", "migrant-smuggling"}


def test_manual_decisions_come_back_after_a_reimport(ready: Library) -> None:
    document_id = add_document(ready)
    first, second, *_ = passage_ids(ready)
    with ready.session() as session:
        set_passage_tag(session, first, theme="migrant-smuggling", remove=True)
        set_passage_tag(session, second, theme="corruption")
        session.delete(session.get(Document, document_id))
    add_document(ready)
    first, second, *_ = passage_ids(ready)
    assert "migrant-smuggling" in themes_of(ready, first)
    with ready.session() as session:
        assert apply_manual_corrections(session, session.get(Passage, first).document_id) == 2
    assert "migrant-smuggling" not in themes_of(ready, first)
    assert "corruption" in themes_of(ready, second)


def test_theme_tree_counts_passages_once_per_group(ready: Library) -> None:
    add_document(ready)
    first = passage_ids(ready)[0]
    with ready.session() as session:
        set_passage_tag(session, first, theme="irregular-migration")
        roots = {node.id: node for node in theme_tree(session)}
    migration = roots["migration"]
    children = {child.id: child for child in migration.children}
    assert children["migrant-smuggling"].passages == 1
    assert children["irregular-migration"].passages == 1
    assert children["returns-readmission"].passages == 1
    assert migration.passages == 2  # the smuggling passage counts once
    assert len(roots) >= 8


def test_worker_processes_tag_like_this_process(ready: Library) -> None:
    add_document(ready)
    first, second, *_ = passage_ids(ready)
    with ready.session() as session:
        set_passage_tag(session, first, theme="migrant-smuggling", remove=True)
        set_passage_tag(session, second, theme="corruption")
    report = run_retag(ready, workers=1, batch_size=2)
    assert report.workers == 1 and report.passages == 5 and not report.cancelled
    in_workers = {pid: themes_of(ready, pid) for pid in passage_ids(ready)}
    run_retag(ready, workers=0)
    assert in_workers == {pid: themes_of(ready, pid) for pid in passage_ids(ready)}
    assert "migrant-smuggling" not in in_workers[first]
    assert "corruption" in in_workers[second]


def test_search_filters_see_the_tags_retag_wrote(ready: Library) -> None:
    from briefer.domain.search import SearchRequest
    from briefer.services.searching import search

    add_document(ready)
    with ready.session() as session:
        ready.search.index(
            session.connection(), [(p.id, p.text) for p in session.scalars(select(Passage))]
        )
        add_theme(session, "aerial-threats", "Aerial threats", parent="resilience")
        set_cue(session, "aerial-threats", "drone")
    before = search(ready, SearchRequest(themes=("aerial-threats",)))
    assert before.total == 0
    run_retag(ready)
    after = search(ready, SearchRequest(themes=("aerial-threats",)))
    assert [hit.passage_id for hit in after.hits] == [passage_ids(ready)[3]]
    smuggling = search(ready, SearchRequest(query="smuggling", themes=("migration",)))
    assert smuggling.total == 1
    # The index's triggers are back after re-tagging: a manual tag shows up at once.
    with ready.session() as session:
        set_passage_tag(session, passage_ids(ready)[4], theme="corruption")
    assert search(ready, SearchRequest(themes=("corruption",))).total == 1


def test_retag_rewrites_only_the_passages_an_edit_affects(ready: Library) -> None:
    add_document(ready)
    first = run_retag(ready)
    assert first.passages == 5
    assert run_retag(ready).changed == 0  # nothing changed: nothing rewritten
    with ready.session() as session:
        add_theme(session, "aerial-threats", "Aerial threats", parent="resilience")
        set_cue(session, "aerial-threats", "drone")
    report = run_retag(ready)
    assert report.changed == 1
    assert "aerial-threats" in themes_of(ready, passage_ids(ready)[3])


def test_retag_changes_no_schema_so_readers_are_never_disturbed(ready: Library) -> None:
    """Pausing the index's triggers must not be a schema change.

    Dropping and recreating triggers per batch made a concurrent reader fail mid-query
    ("vtable constructor failed: passage_fts") in the 1M-passage re-tag benchmark.
    """
    from sqlalchemy import text

    from briefer.domain.search import SearchRequest
    from briefer.services.searching import facet_counts

    add_document(ready)
    with ready.session() as session:
        add_theme(session, "aerial-threats", "Aerial threats", parent="resilience")
        set_cue(session, "aerial-threats", "drone")

    def schema_version() -> int:
        if ready.engine.dialect.name != "sqlite":  # PostgreSQL pauses by a setting too
            return 0
        with ready.engine.connect() as connection:
            return connection.execute(text("PRAGMA schema_version")).scalar_one()

    before = schema_version()
    report = run_retag(ready)
    assert report.changed > 0
    assert schema_version() == before
    counts = {f.key: f.count for f in facet_counts(ready, SearchRequest())["themes"]}
    assert counts["aerial-threats"] == 1  # the facet stamp moved with the re-tag
