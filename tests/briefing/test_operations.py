"""Editing briefings: every operation, its undo and its redo, and optimistic locking."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from briefer.domain.errors import BrieferError, Conflict, NotFound
from briefer.services import briefings as ops
from briefer.services.briefing_reads import list_briefings, load_outline
from briefer.store.library import Library
from tests.briefing.conftest import Corpus


def structure(library: Library, briefing_id: int) -> tuple[object, ...]:
    return load_outline(library, briefing_id).structure()


def check_undo_redo(library: Library, briefing_id: int, do: Callable[[], ops.Change]) -> ops.Change:
    """Apply, undo, redo: undo gives back the outline before, redo the outline after."""
    before = structure(library, briefing_id)
    change = do()
    after = structure(library, briefing_id)
    assert after != before, "the operation changed nothing"
    undo = ops.apply(library, change.inverse)
    assert structure(library, briefing_id) == before
    ops.apply(library, undo.inverse)
    assert structure(library, briefing_id) == after
    return change


@pytest.fixture
def brief(library: Library, corpus: Corpus) -> int:
    """A briefing with two sections: A holds s1, s2, a text item; B holds n1."""
    briefing_id = ops.create_briefing(library, "Danube security").briefing_id
    assert briefing_id is not None
    a = ops.add_section(library, briefing_id, "A").created_ids[0]
    b = ops.add_section(library, briefing_id, "B").created_ids[0]
    p = corpus.passages
    ops.add_quotes(library, a, [p["s1"], p["s2"]])
    ops.add_text(library, a, "Our line: support the action plan.")
    ops.add_quotes(library, b, [p["n1"]])
    return briefing_id


def item_ids(library: Library, briefing_id: int) -> list[list[int]]:
    return [[i.id for i in s.items] for s in load_outline(library, briefing_id).sections]


def test_presets_create_their_sections(library: Library) -> None:
    change = ops.create_briefing(
        library, "Meeting brief", preset="Ministerial meeting brief", classification="OFFICIAL"
    )
    outline = load_outline(library, change.briefing_id)  # type: ignore[arg-type]
    assert [s.heading for s in outline.sections] == [
        "Purpose",
        "Key messages",
        "Background",
        "Previous commitments",
        "Lines to take",
        "Annex: sources",
    ]
    assert outline.classification == "OFFICIAL"
    assert outline.preset == "ministerial-meeting-brief"
    assert outline.version == 1
    digest = ops.create_briefing(library, "Digest", preset="thematic-digest")
    assert load_outline(library, digest.briefing_id).preset == "thematic-digest"  # type: ignore[arg-type]


def test_unknown_preset_names_the_available_ones(library: Library) -> None:
    with pytest.raises(NotFound, match="Ministerial meeting brief"):
        ops.create_briefing(library, "X", preset="weekly")
    assert list_briefings(library) == []


def test_create_undo_deletes_and_redo_restores_the_same_ids(library: Library) -> None:
    change = ops.create_briefing(library, "Brief", preset="ministerial-meeting-brief")
    briefing_id = change.briefing_id
    assert briefing_id is not None
    before = structure(library, briefing_id)
    undo = ops.apply(library, change.inverse)
    assert list_briefings(library) == []
    redo = ops.apply(library, undo.inverse)
    assert redo.briefing_id == briefing_id
    assert structure(library, briefing_id) == before


def test_delete_and_undo_restore_everything_with_the_same_ids(library: Library, brief: int) -> None:
    before = structure(library, brief)
    change = ops.delete_briefing(library, brief)
    with pytest.raises(NotFound, match=f"briefing {brief} does not exist"):
        load_outline(library, brief)
    ops.apply(library, change.inverse)
    assert structure(library, brief) == before


def test_rename_and_edit_metadata_undo_redo(library: Library, brief: int) -> None:
    check_undo_redo(library, brief, lambda: ops.rename_briefing(library, brief, "New title"))
    check_undo_redo(
        library,
        brief,
        lambda: ops.update_briefing(
            library, brief, purpose="Prepare the minister", classification="EU RESTRICTED"
        ),
    )
    assert load_outline(library, brief).classification == "EU RESTRICTED"


def test_sections_add_rename_move_remove_undo_redo(library: Library, brief: int) -> None:
    outline = load_outline(library, brief)
    a, b = (s.id for s in outline.sections)
    check_undo_redo(library, brief, lambda: ops.add_section(library, brief, "C", position=0))
    assert [s.heading for s in load_outline(library, brief).sections] == ["C", "A", "B"]
    c = load_outline(library, brief).sections[0].id
    check_undo_redo(library, brief, lambda: ops.update_section(library, c, heading="Background"))
    check_undo_redo(library, brief, lambda: ops.update_section(library, a, intro="Why it matters."))
    check_undo_redo(library, brief, lambda: ops.move_section(library, c, 2))
    assert [s.heading for s in load_outline(library, brief).sections] == ["A", "B", "Background"]
    check_undo_redo(library, brief, lambda: ops.remove_section(library, a))
    outline = load_outline(library, brief)
    assert [s.heading for s in outline.sections] == ["B", "Background"]
    assert [s.position for s in outline.sections] == [0, 1]
    assert b in [s.id for s in outline.sections]


def test_removing_a_section_and_undoing_brings_back_its_items(library: Library, brief: int) -> None:
    a = load_outline(library, brief).sections[0]
    before = structure(library, brief)
    change = ops.remove_section(library, a.id)
    ops.apply(library, change.inverse)
    assert structure(library, brief) == before
    assert [i.id for i in load_outline(library, brief).sections[0].items] == [i.id for i in a.items]


def test_a_removed_section_comes_back_with_its_further_sources_and_ids(
    library: Library, brief: int, corpus: Corpus
) -> None:
    """A section is restored (and a new section filled) without ORM objects per item:
    the quote citing two more passages, the analyst text and every id come back."""
    section = load_outline(library, brief).sections[1].id
    ops.apply(
        library,
        ops.InsertItems(
            (
                ops.Placement(
                    section,
                    0,
                    ops.ItemData.quote(
                        corpus.passages["n1"], also=[corpus.passages["f1"], corpus.passages["s1"]]
                    ),
                ),
                ops.Placement(section, 1, ops.ItemData.analyst_text("Our line: welcome it.")),
            )
        ),
    )
    before = load_outline(library, brief)
    change = check_undo_redo(library, brief, lambda: ops.remove_section(library, section))
    ops.apply(library, change.inverse)
    restored = load_outline(library, brief)
    assert restored.structure() == before.structure()
    items = restored.sections[1].items
    assert [i.id for i in items] == [i.id for i in before.sections[1].items]
    assert [p.passage_id for p in items[0].sources] == [
        corpus.passages[k] for k in ("n1", "f1", "s1")
    ]
    assert items[1].text == "Our line: welcome it."


def test_add_many_quotes_at_a_position(library: Library, brief: int, corpus: Corpus) -> None:
    a = load_outline(library, brief).sections[0].id
    p = corpus.passages
    change = check_undo_redo(
        library, brief, lambda: ops.add_quotes(library, a, [p["f1"], p["s3"]], position=1)
    )
    items = load_outline(library, brief).sections[0].items
    assert [i.passage_id for i in items] == [p["s1"], p["f1"], p["s3"], p["s2"], None]
    assert [i.position for i in items] == [0, 1, 2, 3, 4]
    assert change.created_ids == (items[1].id, items[2].id)


def test_adding_a_missing_passage_adds_nothing(
    library: Library, brief: int, corpus: Corpus
) -> None:
    a = load_outline(library, brief).sections[0].id
    before = structure(library, brief)
    with pytest.raises(NotFound, match="passage 9999 not in the library"):
        ops.add_quotes(library, a, [corpus.passages["f1"], 9999])
    assert structure(library, brief) == before


def test_move_items_within_a_section(library: Library, brief: int) -> None:
    a = load_outline(library, brief).sections[0]
    first, second, text = (i.id for i in a.items)
    check_undo_redo(library, brief, lambda: ops.move_items(library, [first], a.id, 2))
    assert item_ids(library, brief)[0] == [second, text, first]
    check_undo_redo(library, brief, lambda: ops.move_items(library, [first], a.id, 0))
    assert item_ids(library, brief)[0] == [first, second, text]


def test_move_items_across_sections(library: Library, brief: int) -> None:
    a, b = load_outline(library, brief).sections
    first, second, text = (i.id for i in a.items)
    (news,) = (i.id for i in b.items)
    check_undo_redo(library, brief, lambda: ops.move_items(library, [text, first], b.id, 0))
    assert item_ids(library, brief) == [[second], [text, first, news]]
    check_undo_redo(library, brief, lambda: ops.move_items(library, [news, second], a.id))
    assert item_ids(library, brief) == [[news, second], [text, first]]
    positions = [[i.position for i in s.items] for s in load_outline(library, brief).sections]
    assert positions == [[0, 1], [0, 1]]


def test_items_cannot_move_to_another_briefing(library: Library, brief: int) -> None:
    other = ops.create_briefing(library, "Other", preset="ministerial-meeting-brief")
    target = load_outline(library, other.briefing_id).sections[0].id  # type: ignore[arg-type]
    item = load_outline(library, brief).sections[0].items[0].id
    with pytest.raises(BrieferError, match="same briefing"):
        ops.move_items(library, [item], target)


def test_remove_items_from_two_sections_and_undo(library: Library, brief: int) -> None:
    a, b = load_outline(library, brief).sections
    check_undo_redo(
        library, brief, lambda: ops.remove_items(library, [a.items[1].id, b.items[0].id])
    )
    assert item_ids(library, brief) == [[a.items[0].id, a.items[2].id], []]


def test_notes_and_analyst_text_edit_undo_redo(library: Library, brief: int) -> None:
    a = load_outline(library, brief).sections[0]
    quote, text = a.items[0], a.items[2]
    check_undo_redo(library, brief, lambda: ops.update_item(library, quote.id, note="Key line."))
    check_undo_redo(library, brief, lambda: ops.update_item(library, text.id, text="Revised."))
    assert load_outline(library, brief).sections[0].items[0].note == "Key line."


def test_quote_text_cannot_be_edited(library: Library, brief: int) -> None:
    quote = load_outline(library, brief).sections[0].items[0]
    with pytest.raises(BrieferError, match="cannot be edited"):
        ops.update_item(library, quote.id, text="Altered words")
    assert load_outline(library, brief).sections[0].items[0].quote == quote.quote


def test_duplicate_copies_sections_and_items(library: Library, brief: int, corpus: Corpus) -> None:
    first = load_outline(library, brief).sections[0].items[0].id
    ops.apply(
        library,
        ops.InsertItems(
            (
                ops.Placement(
                    load_outline(library, brief).sections[1].id,
                    5,
                    ops.ItemData.quote(
                        corpus.passages["f1"], note="n", also=[corpus.passages["s1"]]
                    ),
                ),
            )
        ),
    )
    ops.update_item(library, first, note="Check with the desk.")
    original = load_outline(library, brief)
    change = ops.duplicate_briefing(library, brief)
    copy = load_outline(library, change.briefing_id)  # type: ignore[arg-type]
    assert copy.id != original.id
    assert copy.title == "Danube security (copy)"
    assert [s.heading for s in copy.sections] == [s.heading for s in original.sections]
    shape = lambda o: [  # noqa: E731
        [(i.kind, i.text, i.note, tuple(p.passage_id for p in i.sources)) for i in s.items]
        for s in o.sections
    ]
    assert shape(copy) == shape(original)
    assert not {i.id for s in copy.sections for i in s.items} & {
        i.id for s in original.sections for i in s.items
    }
    ops.apply(library, change.inverse)
    assert [b.id for b in list_briefings(library)] == [brief]
    assert structure(library, brief) == original.structure()


def test_every_change_bumps_the_version_and_modified_time(library: Library, brief: int) -> None:
    outline = load_outline(library, brief)
    change = ops.rename_briefing(library, brief, "Renamed")
    after = load_outline(library, brief)
    assert change.version == after.version == outline.version + 1
    assert after.modified_at >= outline.modified_at  # type: ignore[operator]
    undo = ops.apply(library, change.inverse)
    assert undo.version == outline.version + 2  # undo is a change too


def test_expected_version_refuses_a_stale_edit(library: Library, brief: int) -> None:
    version = load_outline(library, brief).version
    ops.rename_briefing(library, brief, "Someone else's title", expected_version=version)
    with pytest.raises(Conflict, match=f"briefing {brief} was changed by someone else"):
        ops.rename_briefing(library, brief, "My title", expected_version=version)
    assert load_outline(library, brief).title == "Someone else's title"


def test_unknown_ids_are_clear_errors(library: Library, brief: int) -> None:
    with pytest.raises(NotFound, match="briefing 999 does not exist"):
        ops.rename_briefing(library, 999, "x")
    with pytest.raises(NotFound, match="briefing section 999 does not exist"):
        ops.add_quotes(library, 999, [1])
    with pytest.raises(NotFound, match="briefing item 999 does not exist"):
        ops.remove_items(library, [999])


def test_empty_title_and_heading_are_refused(library: Library, brief: int) -> None:
    with pytest.raises(BrieferError, match="needs a title"):
        ops.create_briefing(library, "  ")
    with pytest.raises(BrieferError, match="needs a heading"):
        ops.add_section(library, brief, "")
    with pytest.raises(BrieferError, match="needs some text"):
        ops.add_text(library, load_outline(library, brief).sections[0].id, " ")


def test_filing_quotes_is_one_undoable_change(library: Library, corpus: Corpus) -> None:
    from briefer.services.briefing_build import file_quotes

    digest = ops.create_briefing(library, "Digest", preset="thematic-digest").briefing_id
    assert digest is not None
    p = corpus.passages
    file_quotes(library, digest, [p["f1"]])
    before = structure(library, digest)
    filed = file_quotes(library, digest, [p["s1"], p["n1"], p["s2"]])
    after = structure(library, digest)
    layout = [
        (s.heading, [i.passage_id for i in s.items]) for s in load_outline(library, digest).sections
    ]
    assert dict(layout) == {
        "Counter-terrorism": [p["s1"], p["f1"]],
        "Asylum": [p["n1"]],
        "Firearms": [p["s2"]],
    }
    assert sorted(h for _, h, made in filed.sections if made) == ["Asylum", "Firearms"]
    undo = ops.apply(library, filed.change.inverse)
    assert structure(library, digest) == before
    ops.apply(library, undo.inverse)
    assert structure(library, digest) == after


def test_five_thousand_items_remove_and_restore(library: Library, corpus: Corpus) -> None:
    briefing_id = ops.create_briefing(library, "Big").briefing_id
    assert briefing_id is not None
    section_id = ops.add_section(library, briefing_id, "All").created_ids[0]
    change = ops.add_quotes(library, section_id, [corpus.passages["s1"]] * 5000)
    assert len(change.created_ids) == 5000
    before = structure(library, briefing_id)
    removed = ops.remove_items(library, change.created_ids[::2])
    assert load_outline(library, briefing_id).item_count == 2500
    ops.apply(library, removed.inverse)
    assert structure(library, briefing_id) == before


def test_a_quoted_document_names_the_briefings_that_quote_it(
    library: Library, corpus: Corpus
) -> None:
    import sqlalchemy.exc

    from briefer.services.briefing_reads import briefings_quoting_document
    from briefer.store.models import Document

    briefing_id = ops.create_briefing(library, "Quoting").briefing_id
    assert briefing_id is not None
    section_id = ops.add_section(library, briefing_id, "A").created_ids[0]
    ops.apply(
        library,
        ops.InsertItems(
            (
                ops.Placement(
                    section_id,
                    0,
                    ops.ItemData.quote(corpus.passages["n1"], also=[corpus.passages["f1"]]),
                ),
            )
        ),
    )
    with library.session() as session:
        assert briefings_quoting_document(session, corpus.documents["news"]) == [
            (briefing_id, "Quoting")
        ]
        assert briefings_quoting_document(session, corpus.documents["forum"]) == [
            (briefing_id, "Quoting")
        ]
        assert briefings_quoting_document(session, corpus.documents["sofia"]) == []
    # The database refuses to drop a cited passage from under the briefing.
    with pytest.raises(sqlalchemy.exc.IntegrityError), library.session() as session:
        session.delete(session.get(Document, corpus.documents["forum"]))
