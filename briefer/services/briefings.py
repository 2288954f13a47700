"""Editing briefings: every change is one transaction that returns its inverse, for undo/redo.

A change is an *operation*: a small frozen dataclass holding plain data (ids, texts,
positions). ``apply(library, operation)`` runs it in one transaction, bumps the
briefing's ``version`` and ``modified_at``, and returns a ``Change`` whose ``inverse`` is
another operation; applying the inverse undoes the change, and the inverse's own inverse
redoes it. Removed objects are restored with their original ids, so a window that holds
ids stays valid across undo and redo.

Optimistic locking: pass ``expected_version`` (the version the caller last read) and the
change is refused with ``Conflict`` when someone else changed the briefing since; the
version is bumped with a compare-and-set ``UPDATE`` so two writers cannot both win.

Positions are 0-based and kept dense (0..n-1) in every section and briefing. Moving
items to ``position`` means: the index they get in the target section's list once the
moved items are taken out of it. ``Batch`` groups operations into one change (one undo
step); ``briefer.services.briefing_build.FileQuotes`` uses it to file quotes by theme.

The window keeps two stacks of operations: undo pops an operation, applies it and pushes
the returned ``Change.inverse`` on the redo stack (and the other way round).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from briefer.briefing.presets import Preset, find_preset
from briefer.domain.errors import BrieferError, Conflict, NotFound
from briefer.store.briefing_models import (
    Briefing,
    BriefingItem,
    BriefingItemSource,
    BriefingSection,
)
from briefer.store.library import Library
from briefer.store.models import Passage, _utcnow

BRIEFING_FIELDS = (
    "title",
    "subtitle",
    "purpose",
    "audience",
    "author",
    "date",
    "language",
    "classification",
    "preset",
)
SECTION_FIELDS = ("heading", "intro")
ITEM_FIELDS = ("text", "note")
DEFAULT_SECTION_HEADING = "Quotes"


# --- plain data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemData:
    """An item as stored: a quote of ``passage_id`` (citing ``also_passage_ids`` too) or text."""

    kind: str  # "quote" or "text"
    passage_id: int | None = None
    text: str | None = None
    note: str | None = None
    also_passage_ids: tuple[int, ...] = ()
    id: int | None = None  # set when restoring a removed item

    @classmethod
    def quote(cls, passage_id: int, note: str | None = None, also: Sequence[int] = ()) -> ItemData:
        return cls("quote", passage_id=passage_id, note=note, also_passage_ids=tuple(also))

    @classmethod
    def analyst_text(cls, text: str) -> ItemData:
        return cls("text", text=text)


@dataclass(frozen=True)
class SectionData:
    heading: str
    intro: str | None = None
    items: tuple[ItemData, ...] = ()
    id: int | None = None


@dataclass(frozen=True)
class BriefingData:
    title: str
    subtitle: str | None = None
    purpose: str | None = None
    audience: str | None = None
    author: str | None = None
    date: dt.date | None = None
    language: str = "en"
    classification: str | None = None
    preset: str | None = None
    sections: tuple[SectionData, ...] = ()
    id: int | None = None
    created_at: dt.datetime | None = None
    version: int = 0  # the version before deletion; a restored briefing continues from it


@dataclass(frozen=True)
class Placement:
    section_id: int
    position: int
    item: ItemData


# --- the operation protocol ---------------------------------------------------------------


class Operation(Protocol):
    """An edit; ``run`` applies it inside the caller's transaction and returns its inverse."""

    def target(self, session: Session) -> int | None:
        """The id of the briefing it changes (None for a new briefing)."""

    def run(self, session: Session) -> Operation: ...

    @property
    def label(self) -> str:
        """A short description for an Edit menu ("Undo Move items")."""


@dataclass(frozen=True)
class Change:
    """What ``apply`` did: the briefing, its new version, the ids it made, and the inverse.

    ``created_ids``: the new items of an item insert (in order), the new section of a
    section insert, the new briefing of a create or duplicate; empty for other changes.
    """

    briefing_id: int | None
    version: int | None
    inverse: Operation
    created_ids: tuple[int, ...] = field(default=())


# --- helpers ------------------------------------------------------------------------------


def _briefing(session: Session, briefing_id: int) -> Briefing:
    briefing = session.get(Briefing, briefing_id)
    if briefing is None:
        raise NotFound(f"briefing {briefing_id} does not exist")
    return briefing


def _section(session: Session, section_id: int) -> BriefingSection:
    section = session.get(BriefingSection, section_id)
    if section is None:
        raise NotFound(f"briefing section {section_id} does not exist")
    return section


def _item(session: Session, item_id: int) -> BriefingItem:
    item = session.get(BriefingItem, item_id)
    if item is None:
        raise NotFound(f"briefing item {item_id} does not exist")
    return item


def _items_by_id(session: Session, item_ids: Sequence[int]) -> list[BriefingItem]:
    """The items, in the order given (duplicates dropped), in a few queries for any number."""
    wanted = list(dict.fromkeys(item_ids))
    found: dict[int, BriefingItem] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            (item.id, item)
            for item in session.scalars(select(BriefingItem).where(BriefingItem.id.in_(chunk)))
        )
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound(f"briefing item {missing[0]} does not exist")
    return [found[i] for i in wanted]


def _items_of(session: Session, section_id: int) -> list[BriefingItem]:
    return list(
        session.scalars(
            select(BriefingItem)
            .where(BriefingItem.section_id == section_id)
            .order_by(BriefingItem.position, BriefingItem.id)
        )
    )


def _sections_of(session: Session, briefing_id: int) -> list[BriefingSection]:
    return list(
        session.scalars(
            select(BriefingSection)
            .where(BriefingSection.briefing_id == briefing_id)
            .order_by(BriefingSection.position, BriefingSection.id)
        )
    )


def _place_items(items: Sequence[BriefingItem], section_id: int) -> None:
    for index, item in enumerate(items):
        item.section_id = section_id
        item.position = index


def _place_sections(sections: Sequence[BriefingSection]) -> None:
    for index, section in enumerate(sections):
        section.position = index


def _clamp(position: int | None, size: int) -> int:
    if position is None or position > size:
        return size
    return max(0, position)


def _check_passages(session: Session, passage_ids: Iterable[int]) -> None:
    wanted = set(passage_ids)
    if not wanted:
        return
    found = set(session.scalars(select(Passage.id).where(Passage.id.in_(wanted))))
    missing = sorted(wanted - found)
    if missing:
        listed = ", ".join(str(m) for m in missing[:10])
        noun = "passage" if len(missing) == 1 else "passages"
        raise NotFound(f"{noun} {listed} not in the library")


def _check_title(title: str) -> str:
    if not title or not title.strip():
        raise BrieferError("a briefing needs a title (the title given is empty)")
    return title.strip()


def _check_heading(heading: str) -> str:
    if not heading or not heading.strip():
        raise BrieferError("a section needs a heading (the heading given is empty)")
    return heading.strip()


def _check_item(item: ItemData) -> None:
    if item.kind == "quote":
        if item.passage_id is None:
            raise BrieferError("a quote item needs a passage id")
    elif item.kind == "text":
        if not item.text or not item.text.strip():
            raise BrieferError("an analyst text item needs some text (the text given is empty)")
    else:
        raise BrieferError(f"unknown briefing item kind {item.kind!r} (quote or text)")


def _new_item(section_id: int, data: ItemData) -> BriefingItem:
    """A new (or restored, when ``data.id`` is set) item; the caller adds, places and flushes."""
    item = BriefingItem(**_item_columns(data, section_id, 0))
    if data.also_passage_ids:  # most items cite one passage: no collection to track
        item.also_sources = [
            BriefingItemSource(passage_id=passage_id, position=index)
            for index, passage_id in enumerate(data.also_passage_ids)
        ]
    return item


def _item_columns(data: ItemData, section_id: int, position: int) -> dict[str, Any]:
    """An item's row: a quote keeps only its passage, analyst text only its text."""
    return {
        "id": data.id,
        "section_id": section_id,
        "position": position,
        "kind": data.kind,
        "passage_id": data.passage_id if data.kind == "quote" else None,
        "text": data.text if data.kind == "text" else None,
        "note": data.note,
    }


def _items_data(session: Session, items: Sequence[BriefingItem]) -> list[ItemData]:
    """Items as plain data (with the further passages they cite), in one query for all."""
    also: dict[int, list[int]] = {}
    ids = [item.id for item in items]
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(BriefingItemSource.item_id, BriefingItemSource.passage_id)
            .where(BriefingItemSource.item_id.in_(ids[start : start + 500]))
            .order_by(BriefingItemSource.item_id, BriefingItemSource.position)
        )
        for item_id, passage_id in rows:
            also.setdefault(item_id, []).append(passage_id)
    return [
        ItemData(
            kind=item.kind,
            passage_id=item.passage_id,
            text=item.text,
            note=item.note,
            also_passage_ids=tuple(also.get(item.id, ())),
            id=item.id,
        )
        for item in items
    ]


def _section_data(session: Session, section: BriefingSection, *, keep_ids: bool) -> SectionData:
    items = tuple(_items_data(session, _items_of(session, section.id)))
    if not keep_ids:
        items = tuple(replace(item, id=None) for item in items)
    return SectionData(
        heading=section.heading,
        intro=section.intro,
        items=items,
        id=section.id if keep_ids else None,
    )


def _insert_section(
    session: Session, briefing_id: int, position: int | None, data: SectionData
) -> BriefingSection:
    heading = _check_heading(data.heading)
    for item in data.items:
        _check_item(item)
    _check_passages(
        session,
        [i.passage_id for i in data.items if i.passage_id is not None]
        + [p for i in data.items for p in i.also_passage_ids],
    )
    sections = _sections_of(session, briefing_id)
    section = BriefingSection(
        id=data.id, briefing_id=briefing_id, position=0, heading=heading, intro=data.intro
    )
    session.add(section)
    session.flush()
    sections.insert(_clamp(position, len(sections)), section)
    _place_sections(sections)
    _insert_new_section_items(session, section.id, data.items)
    return section


def _insert_new_section_items(session: Session, section_id: int, items: Sequence[ItemData]) -> None:
    """A new section's items, in order, with Core statements instead of ORM objects.

    A drop of 500 passages makes a section of 500 items on the GUI thread: as ORM objects
    they took ~30 ms, and their garbage set off full collections (50-70 ms more).
    Restored items keep their ids; new ones get theirs from the database.
    """
    rows = [_item_columns(item, section_id, position) for position, item in enumerate(items)]
    connection = session.connection()
    table = BriefingItem.__table__
    restored = [row for row in rows if row["id"] is not None]
    new = [{k: v for k, v in row.items() if k != "id"} for row in rows if row["id"] is None]
    for batch in (restored, new):
        if batch:
            connection.execute(insert(table), batch)
    cited = [(position, item) for position, item in enumerate(items) if item.also_passage_ids]
    if not cited:
        return
    ids = dict(
        connection.execute(
            select(BriefingItem.position, BriefingItem.id).where(
                BriefingItem.section_id == section_id
            )
        ).all()
    )
    connection.execute(
        insert(BriefingItemSource.__table__),
        [
            {"item_id": ids[position], "passage_id": passage_id, "position": index}
            for position, item in cited
            for index, passage_id in enumerate(item.also_passage_ids)
        ],
    )


def briefing_data(session: Session, briefing_id: int, *, keep_ids: bool = True) -> BriefingData:
    """A full copy of a stored briefing as plain data (for delete's undo and duplicate)."""
    briefing = _briefing(session, briefing_id)
    return BriefingData(
        **{name: getattr(briefing, name) for name in BRIEFING_FIELDS},
        sections=tuple(
            _section_data(session, s, keep_ids=keep_ids) for s in _sections_of(session, briefing_id)
        ),
        id=briefing.id if keep_ids else None,
        created_at=briefing.created_at if keep_ids else None,
        version=briefing.version if keep_ids else 0,
    )


def _changes(
    values: dict[str, Any], allowed: Sequence[str], what: str
) -> tuple[tuple[str, Any], ...]:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise BrieferError(f"cannot change {', '.join(unknown)} of a {what}")
    return tuple(values.items())


# --- briefing operations ------------------------------------------------------------------


@dataclass(frozen=True)
class InsertBriefing:
    """Create a briefing (or restore a deleted one, with its ids) from plain data."""

    data: BriefingData
    label: str = "New briefing"

    def target(self, session: Session) -> int | None:
        return None

    def run(self, session: Session) -> Operation:
        data = self.data
        now = _utcnow()
        briefing = Briefing(
            id=data.id,
            **{name: getattr(data, name) for name in BRIEFING_FIELDS},
            created_at=data.created_at or now,
            modified_at=now,
            version=data.version,  # apply() bumps it once more
        )
        briefing.title = _check_title(data.title)
        briefing.language = data.language or "en"
        session.add(briefing)
        session.flush()
        for index, section in enumerate(data.sections):
            _insert_section(session, briefing.id, index, section)
        return DeleteBriefing(briefing.id)


@dataclass(frozen=True)
class DeleteBriefing:
    briefing_id: int
    label: str = "Delete briefing"

    def target(self, session: Session) -> int | None:
        return self.briefing_id

    def run(self, session: Session) -> Operation:
        data = briefing_data(session, self.briefing_id, keep_ids=True)
        session.delete(_briefing(session, self.briefing_id))
        session.flush()
        return InsertBriefing(data, label="Restore briefing")


@dataclass(frozen=True)
class UpdateBriefing:
    """Change metadata: title (rename), subtitle, purpose, audience, author, date, marking…"""

    briefing_id: int
    changes: tuple[tuple[str, Any], ...]
    label: str = "Edit briefing details"

    def target(self, session: Session) -> int | None:
        return self.briefing_id

    def run(self, session: Session) -> Operation:
        briefing = _briefing(session, self.briefing_id)
        old = []
        for name, value in self.changes:
            if name not in BRIEFING_FIELDS:
                raise BrieferError(f"cannot change {name} of a briefing")
            if name == "title":
                value = _check_title(value)
            if name == "language":
                value = value or "en"
            old.append((name, getattr(briefing, name)))
            setattr(briefing, name, value)
        return UpdateBriefing(self.briefing_id, tuple(old), self.label)


@dataclass(frozen=True)
class DuplicateBriefing:
    """Copy a briefing with all its sections and items; the copy gets new ids."""

    briefing_id: int
    title: str | None = None
    label: str = "Duplicate briefing"

    def target(self, session: Session) -> int | None:
        return None  # the copy is new; the original is not changed

    def run(self, session: Session) -> Operation:
        data = briefing_data(session, self.briefing_id, keep_ids=False)
        title = self.title or f"{data.title} (copy)"
        return InsertBriefing(replace(data, title=title)).run(session)


# --- section operations -------------------------------------------------------------------


@dataclass(frozen=True)
class InsertSection:
    briefing_id: int
    data: SectionData
    position: int | None = None  # None: at the end
    label: str = "Add section"

    def target(self, session: Session) -> int | None:
        _briefing(session, self.briefing_id)
        return self.briefing_id

    def run(self, session: Session) -> Operation:
        section = _insert_section(session, self.briefing_id, self.position, self.data)
        return RemoveSection(section.id)


@dataclass(frozen=True)
class RemoveSection:
    section_id: int
    label: str = "Remove section"

    def target(self, session: Session) -> int | None:
        return _section(session, self.section_id).briefing_id

    def run(self, session: Session) -> Operation:
        section = _section(session, self.section_id)
        briefing_id, position = section.briefing_id, section.position
        data = _section_data(session, section, keep_ids=True)
        session.delete(section)
        session.flush()
        _place_sections(_sections_of(session, briefing_id))
        return InsertSection(briefing_id, data, position, label="Restore section")


@dataclass(frozen=True)
class UpdateSection:
    """Rename a section or edit its introduction."""

    section_id: int
    changes: tuple[tuple[str, Any], ...]
    label: str = "Edit section"

    def target(self, session: Session) -> int | None:
        return _section(session, self.section_id).briefing_id

    def run(self, session: Session) -> Operation:
        section = _section(session, self.section_id)
        old = []
        for name, value in self.changes:
            if name not in SECTION_FIELDS:
                raise BrieferError(f"cannot change {name} of a briefing section")
            if name == "heading":
                value = _check_heading(value)
            old.append((name, getattr(section, name)))
            setattr(section, name, value)
        return UpdateSection(self.section_id, tuple(old), self.label)


@dataclass(frozen=True)
class ArrangeSections:
    """Put a briefing's sections in exactly this order (the inverse of any section move)."""

    briefing_id: int
    order: tuple[int, ...]
    label: str = "Move section"

    def target(self, session: Session) -> int | None:
        _briefing(session, self.briefing_id)
        return self.briefing_id

    def run(self, session: Session) -> Operation:
        sections = {s.id: s for s in _sections_of(session, self.briefing_id)}
        old = tuple(sorted(sections, key=lambda i: sections[i].position))
        if sorted(self.order) != sorted(sections):
            raise Conflict(
                f"briefing {self.briefing_id}: its sections changed since this move was made"
            )
        _place_sections([sections[i] for i in self.order])
        return ArrangeSections(self.briefing_id, old, self.label)


@dataclass(frozen=True)
class MoveSection:
    section_id: int
    position: int
    label: str = "Move section"

    def target(self, session: Session) -> int | None:
        return _section(session, self.section_id).briefing_id

    def run(self, session: Session) -> Operation:
        section = _section(session, self.section_id)
        order = [s.id for s in _sections_of(session, section.briefing_id)]
        order.remove(section.id)
        order.insert(_clamp(self.position, len(order)), section.id)
        return ArrangeSections(section.briefing_id, tuple(order), self.label).run(session)


# --- item operations ----------------------------------------------------------------------


def _briefing_of_sections(session: Session, section_ids: Iterable[int]) -> int:
    briefings = {_section(session, s).briefing_id for s in section_ids}
    if len(briefings) != 1:
        raise BrieferError("items can only be moved between sections of the same briefing")
    return briefings.pop()


@dataclass(frozen=True)
class InsertItems:
    """Add items (quotes of many passages at once, or analyst text) at given positions.

    Placements are applied in order; each position is the index in the section at that
    moment, so a run of new items at p, p+1, p+2 lands together.
    """

    placements: tuple[Placement, ...]
    label: str = "Add items"

    def target(self, session: Session) -> int | None:
        if not self.placements:
            raise BrieferError("nothing to add: no items given")
        return _briefing_of_sections(session, {p.section_id for p in self.placements})

    def run(self, session: Session) -> Operation:
        for placement in self.placements:
            _check_item(placement.item)
        _check_passages(
            session,
            [p.item.passage_id for p in self.placements if p.item.passage_id is not None]
            + [a for p in self.placements for a in p.item.also_passage_ids],
        )
        sections: dict[int, list[BriefingItem]] = {}
        created = []
        for placement in self.placements:
            items = sections.get(placement.section_id)
            if items is None:
                items = sections[placement.section_id] = _items_of(session, placement.section_id)
            item = _new_item(placement.section_id, placement.item)
            items.insert(_clamp(placement.position, len(items)), item)
            created.append(item)
        session.add_all(created)
        for section_id, items in sections.items():
            _place_items(items, section_id)
        session.flush()
        return RemoveItems(tuple(item.id for item in created), label="Remove items")


@dataclass(frozen=True)
class RemoveItems:
    item_ids: tuple[int, ...]
    label: str = "Remove items"

    def target(self, session: Session) -> int | None:
        if not self.item_ids:
            raise BrieferError("nothing to remove: no items given")
        items = _items_by_id(session, self.item_ids)
        return _briefing_of_sections(session, {item.section_id for item in items})

    def run(self, session: Session) -> Operation:
        items = _items_by_id(session, self.item_ids)
        ordered = sorted(items, key=lambda i: (i.section_id, i.position))
        placements = tuple(
            Placement(item.section_id, item.position, data)
            for item, data in zip(ordered, _items_data(session, ordered), strict=True)
        )
        sections = {item.section_id for item in items}
        for item in items:
            session.delete(item)
        session.flush()
        for section_id in sections:
            _place_items(_items_of(session, section_id), section_id)
        return InsertItems(placements, label="Restore items")


@dataclass(frozen=True)
class UpdateItem:
    """Edit an analyst note on a quote, or the text of an analyst text item."""

    item_id: int
    changes: tuple[tuple[str, Any], ...]
    label: str = "Edit item"

    def target(self, session: Session) -> int | None:
        return _section(session, _item(session, self.item_id).section_id).briefing_id

    def run(self, session: Session) -> Operation:
        item = _item(session, self.item_id)
        old = []
        for name, value in self.changes:
            if name not in ITEM_FIELDS:
                raise BrieferError(f"cannot change {name} of a briefing item")
            if name == "text" and item.kind != "text":
                raise BrieferError(
                    f"briefing item {item.id} is a quote: its text is the stored passage "
                    "and cannot be edited (add a note instead)"
                )
            if name == "text" and (not value or not value.strip()):
                raise BrieferError("an analyst text item needs some text (the text given is empty)")
            old.append((name, getattr(item, name)))
            setattr(item, name, value)
        return UpdateItem(self.item_id, tuple(old), self.label)


@dataclass(frozen=True)
class ArrangeItems:
    """Give sections exactly these items in this order (the inverse of any item move)."""

    layout: tuple[tuple[int, tuple[int, ...]], ...]  # (section id, item ids in order)
    label: str = "Move items"

    def target(self, session: Session) -> int | None:
        return _briefing_of_sections(session, [s for s, _ in self.layout])

    def run(self, session: Session) -> Operation:
        current = {s: _items_of(session, s) for s, _ in self.layout}
        old = tuple((s, tuple(i.id for i in items)) for s, items in current.items())
        by_id = {item.id: item for items in current.values() for item in items}
        wanted = [i for _, ids in self.layout for i in ids]
        if sorted(wanted) != sorted(by_id):
            raise Conflict("the items of these sections changed since this move was made")
        for section_id, ids in self.layout:
            _place_items([by_id[i] for i in ids], section_id)
        return ArrangeItems(old, self.label)


@dataclass(frozen=True)
class MoveItems:
    """Move items (in the order given) to ``position`` in a section, of this or another section."""

    item_ids: tuple[int, ...]
    section_id: int
    position: int | None = None  # None: at the end
    label: str = "Move items"

    def target(self, session: Session) -> int | None:
        if not self.item_ids:
            raise BrieferError("nothing to move: no items given")
        sources = {item.section_id for item in _items_by_id(session, self.item_ids)}
        return _briefing_of_sections(session, sources | {self.section_id})

    def run(self, session: Session) -> Operation:
        moving = list(dict.fromkeys(self.item_ids))
        sources = [item.section_id for item in _items_by_id(session, moving)]
        sections = list(dict.fromkeys([*sources, self.section_id]))
        layout = {s: [i.id for i in _items_of(session, s) if i.id not in moving] for s in sections}
        target = layout[self.section_id]
        at = _clamp(self.position, len(target))
        target[at:at] = moving
        return ArrangeItems(tuple((s, tuple(ids)) for s, ids in layout.items()), self.label).run(
            session
        )


@dataclass(frozen=True)
class Batch:
    """Several operations on one briefing as one change (one transaction, one undo step)."""

    briefing_id: int
    operations: tuple[Operation, ...]
    label: str = "Edit briefing"

    def target(self, session: Session) -> int | None:
        _briefing(session, self.briefing_id)
        return self.briefing_id

    def run(self, session: Session) -> Operation:
        inverses = [operation.run(session) for operation in self.operations]
        return Batch(self.briefing_id, tuple(reversed(inverses)), self.label)


# --- applying -----------------------------------------------------------------------------


def _bump(session: Session, briefing_id: int, expected_version: int | None) -> int:
    """Compare-and-set the version: refused when someone else changed the briefing first."""
    current = session.scalar(select(Briefing.version).where(Briefing.id == briefing_id))
    if current is None:
        raise NotFound(f"briefing {briefing_id} does not exist")
    if expected_version is not None and current != expected_version:
        raise Conflict(
            f"briefing {briefing_id} was changed by someone else (now version {current}, "
            f"you had version {expected_version}); reload it and try again"
        )
    result = session.execute(
        update(Briefing)
        .where(Briefing.id == briefing_id, Briefing.version == current)
        .values(version=current + 1, modified_at=_utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"briefing {briefing_id} was changed by someone else; reload it")
    return current + 1


def _created_ids(inverse: Operation) -> tuple[int, ...]:
    """The ids an operation made, read off its inverse (which removes them again)."""
    if isinstance(inverse, Batch):
        return tuple(i for op in reversed(inverse.operations) for i in _created_ids(op))
    if isinstance(inverse, RemoveItems):
        return inverse.item_ids
    if isinstance(inverse, RemoveSection):
        return (inverse.section_id,)
    if isinstance(inverse, DeleteBriefing):
        return (inverse.briefing_id,)
    return ()


def apply_in(
    session: Session, operation: Operation, *, expected_version: int | None = None
) -> Change:
    """Apply ``operation`` in the caller's session (and transaction)."""
    briefing_id = operation.target(session)
    if briefing_id is not None and expected_version is not None:
        _briefing(session, briefing_id)
        current = session.scalar(select(Briefing.version).where(Briefing.id == briefing_id))
        if current != expected_version:
            raise Conflict(
                f"briefing {briefing_id} was changed by someone else (now version {current}, "
                f"you had version {expected_version}); reload it and try again"
            )
    inverse = operation.run(session)
    session.flush()
    if isinstance(inverse, DeleteBriefing):  # a new or restored briefing
        briefing_id = inverse.briefing_id
        expected_version = None
    elif isinstance(operation, DeleteBriefing):
        return Change(operation.briefing_id, None, inverse)
    version = _bump(session, briefing_id, expected_version) if briefing_id is not None else None
    return Change(briefing_id, version, inverse, _created_ids(inverse))


def apply(library: Library, operation: Operation, *, expected_version: int | None = None) -> Change:
    """Apply one operation in its own transaction; nothing is changed when it fails."""
    with library.session() as session:
        return apply_in(session, operation, expected_version=expected_version)


# --- conveniences the shells call ---------------------------------------------------------


def _preset_sections(preset: Preset | None) -> tuple[SectionData, ...]:
    if preset is None:
        return ()
    return tuple(SectionData(heading=s.heading, intro=s.intro) for s in preset.sections)


def create_briefing(
    library: Library,
    title: str,
    *,
    preset: str | None = None,
    classification: str | None = None,
    **details: Any,
) -> Change:
    """A new briefing, with the sections of ``preset`` (a preset name) when given."""
    found = find_preset(preset) if preset else None
    unknown = sorted(set(details) - set(BRIEFING_FIELDS))
    if unknown:
        raise BrieferError(f"unknown briefing details: {', '.join(unknown)}")
    data = BriefingData(
        title=_check_title(title),
        classification=classification.strip()
        if classification and classification.strip()
        else None,
        preset=found.key if found else None,
        sections=_preset_sections(found),
        **details,
    )
    return apply(library, InsertBriefing(data))


def rename_briefing(
    library: Library, briefing_id: int, title: str, *, expected_version: int | None = None
) -> Change:
    return apply(
        library,
        UpdateBriefing(briefing_id, (("title", title),), label="Rename briefing"),
        expected_version=expected_version,
    )


def update_briefing(
    library: Library, briefing_id: int, *, expected_version: int | None = None, **values: Any
) -> Change:
    changes = _changes(values, BRIEFING_FIELDS, "briefing")
    return apply(library, UpdateBriefing(briefing_id, changes), expected_version=expected_version)


def duplicate_briefing(library: Library, briefing_id: int, title: str | None = None) -> Change:
    return apply(library, DuplicateBriefing(briefing_id, title))


def delete_briefing(
    library: Library, briefing_id: int, *, expected_version: int | None = None
) -> Change:
    return apply(library, DeleteBriefing(briefing_id), expected_version=expected_version)


def add_section(
    library: Library,
    briefing_id: int,
    heading: str,
    *,
    intro: str | None = None,
    position: int | None = None,
    expected_version: int | None = None,
) -> Change:
    return apply(
        library,
        InsertSection(briefing_id, SectionData(heading, intro), position),
        expected_version=expected_version,
    )


def update_section(
    library: Library, section_id: int, *, expected_version: int | None = None, **values: Any
) -> Change:
    changes = _changes(values, SECTION_FIELDS, "briefing section")
    label = "Rename section" if set(values) == {"heading"} else "Edit section"
    return apply(
        library, UpdateSection(section_id, changes, label), expected_version=expected_version
    )


def move_section(
    library: Library, section_id: int, position: int, *, expected_version: int | None = None
) -> Change:
    return apply(library, MoveSection(section_id, position), expected_version=expected_version)


def remove_section(
    library: Library, section_id: int, *, expected_version: int | None = None
) -> Change:
    return apply(library, RemoveSection(section_id), expected_version=expected_version)


def add_quotes(
    library: Library,
    section_id: int,
    passage_ids: Sequence[int],
    *,
    position: int | None = None,
    expected_version: int | None = None,
) -> Change:
    """Quote many passages at once, together at ``position`` (None: at the end)."""
    start = position
    placements = tuple(
        Placement(section_id, (start + n) if start is not None else 1 << 30, ItemData.quote(p))
        for n, p in enumerate(passage_ids)
    )
    return apply(
        library, InsertItems(placements, label="Add quotes"), expected_version=expected_version
    )


def add_text(
    library: Library,
    section_id: int,
    text: str,
    *,
    position: int | None = None,
    expected_version: int | None = None,
) -> Change:
    placement = Placement(
        section_id, position if position is not None else 1 << 30, ItemData.analyst_text(text)
    )
    return apply(
        library, InsertItems((placement,), label="Add text"), expected_version=expected_version
    )


def move_items(
    library: Library,
    item_ids: Sequence[int],
    section_id: int,
    position: int | None = None,
    *,
    expected_version: int | None = None,
) -> Change:
    return apply(
        library, MoveItems(tuple(item_ids), section_id, position), expected_version=expected_version
    )


def remove_items(
    library: Library, item_ids: Sequence[int], *, expected_version: int | None = None
) -> Change:
    return apply(library, RemoveItems(tuple(item_ids)), expected_version=expected_version)


def update_item(
    library: Library, item_id: int, *, expected_version: int | None = None, **values: Any
) -> Change:
    changes = _changes(values, ITEM_FIELDS, "briefing item")
    return apply(library, UpdateItem(item_id, changes), expected_version=expected_version)
