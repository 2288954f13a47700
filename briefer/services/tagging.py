"""Tagging use cases: manual tags and removals, re-tagging the library, editing the taxonomy.

Manual decisions are sacred: a manual tag or a manual removal (``excluded=True``) is a
row with origin ``manual`` that re-tagging never touches, and it is also recorded as a
``manual_correction`` keyed by the document's content so it survives re-importing.
Re-tagging replaces only automatic links, in batches that each commit, so searches keep
running and a cancel loses nothing but the batches not yet done.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from briefer.domain.errors import NotFound
from briefer.services.retagging import (  # re-exported: the shells import them from here
    RetagReport,
    retag,
    retag_needed,
    run_retag,
)
from briefer.store.models import (
    AUTOMATIC,
    MANUAL,
    Country,
    Document,
    ManualCorrection,
    Passage,
    PassageCountry,
    PassageTheme,
    Theme,
)
from briefer.tagging.cues import CueError, parse_cue
from briefer.tagging.taxonomy import (
    INFO_EDITED,
    INFO_SOURCE_HASH,
    STRONG,
    CueDef,
    Taxonomy,
    TaxonomyError,
    ThemeDef,
    WriteReport,
    descendants,
    dump_taxonomy,
    load_taxonomy,
    mark_edited,
    set_info,
    sync_themes,
    taxonomy_from_library,
    validate,
    write_taxonomy,
)

__all__ = [
    "RetagReport",
    "TagChange",
    "ThemeNode",
    "add_theme",
    "apply_manual_corrections",
    "export_taxonomy",
    "load_taxonomy_file",
    "rename_theme",
    "reset_taxonomy",
    "retag",
    "retag_needed",
    "run_retag",
    "set_cue",
    "set_passage_tag",
    "theme_tree",
]

TagKind = Literal["theme", "country"]
# EU texts write Greece and the United Kingdom as EL and UK; the library stores ISO codes.
_COUNTRY_ALIASES = {"EL": "GR", "UK": "GB"}


# ---------------------------------------------------------------- manual tags


@dataclass(frozen=True)
class TagChange:
    """What a manual tag or removal did, for the shells to report."""

    passage_id: int
    kind: TagKind
    key: str  # theme id or country code
    removed: bool
    previous: str | None  # "automatic", "manual", "manual removal" or None (no tag before)


def set_passage_tag(
    session: Session,
    passage_id: int,
    *,
    theme: str | None = None,
    country: str | None = None,
    remove: bool = False,
) -> TagChange:
    """Tag a passage by hand (or remove a tag by hand); re-tagging will never undo it."""
    if (theme is None) == (country is None):
        raise ValueError("give exactly one of theme or country")
    passage = session.get(Passage, passage_id)
    if passage is None:
        raise NotFound(f"passage {passage_id} not found")
    if theme is not None:
        kind: TagKind = "theme"
        key = theme.strip().lower()
        if session.get(Theme, key) is None:
            raise NotFound(f"theme {key!r} not found (briefer themes lists them)")
        row: PassageTheme | PassageCountry | None = session.get(PassageTheme, (passage_id, key))
    else:
        kind = "country"
        key = normalise_country(country or "")
        if session.get(Country, key) is None:
            raise NotFound(f"country {key!r} not found (use an ISO code such as RS or XK)")
        row = session.get(PassageCountry, (passage_id, key))
    previous = _describe(row)
    if row is None:
        model = PassageTheme if kind == "theme" else PassageCountry
        column = "theme_id" if kind == "theme" else "country_code"
        row = model(passage_id=passage_id, **{column: key}, evidence=[])
        session.add(row)
    row.origin = MANUAL
    row.excluded = remove
    _record_correction(session, passage, kind, key, remove)
    session.flush()
    return TagChange(passage_id, kind, key, remove, previous)


def normalise_country(code: str) -> str:
    code = code.strip().upper()
    return _COUNTRY_ALIASES.get(code, code)


def _describe(row: PassageTheme | PassageCountry | None) -> str | None:
    if row is None:
        return None
    if row.origin == MANUAL:
        return "manual removal" if row.excluded else "manual"
    return AUTOMATIC


def _record_correction(
    session: Session, passage: Passage, kind: TagKind, key: str, removed: bool
) -> None:
    """Keep the decision by document content and passage position, for re-imports."""
    sha256 = session.scalar(select(Document.sha256).where(Document.id == passage.document_id))
    correction_kind = f"passage_{kind}"
    for old in session.scalars(
        select(ManualCorrection).where(
            ManualCorrection.document_sha256 == sha256, ManualCorrection.kind == correction_kind
        )
    ):
        if old.payload.get("position") == passage.position and old.payload.get(kind) == key:
            session.delete(old)
    session.add(
        ManualCorrection(
            document_sha256=sha256,
            kind=correction_kind,
            payload={"position": passage.position, kind: key, "removed": removed},
        )
    )


TAG_CORRECTION_KINDS = ("passage_theme", "passage_country")  # ``manual_correction.kind``


def apply_manual_corrections(
    session: Session, document_id: int, *, sha256: str | None = None
) -> int:
    """Re-apply the manual tags and removals recorded for this document's content.

    For the importer, after it stored a document's passages and automatic tags: an
    analyst's decisions made before the document was deleted come back with it.
    Returns how many decisions were applied.
    """
    if sha256 is None:
        document = session.get(Document, document_id)
        if document is None:
            return 0
        sha256 = document.sha256
    corrections = session.scalars(
        select(ManualCorrection)
        .where(
            ManualCorrection.document_sha256 == sha256,
            ManualCorrection.kind.in_(TAG_CORRECTION_KINDS),
        )
        .order_by(ManualCorrection.id)
    ).all()
    if not corrections:
        return 0
    positions = dict(
        session.execute(
            select(Passage.position, Passage.id).where(Passage.document_id == document_id)
        ).all()
    )
    applied = 0
    for correction in corrections:
        payload = correction.payload
        passage_id = positions.get(payload.get("position"))
        if passage_id is None:
            continue
        if correction.kind == "passage_theme":
            key = payload.get("theme")
            if not key or session.get(Theme, key) is None:
                continue
            row: Any = session.get(PassageTheme, (passage_id, key))
            if row is None:
                row = PassageTheme(passage_id=passage_id, theme_id=key, evidence=[])
                session.add(row)
        else:
            key = payload.get("country")
            if not key or session.get(Country, key) is None:
                continue
            row = session.get(PassageCountry, (passage_id, key))
            if row is None:
                row = PassageCountry(passage_id=passage_id, country_code=key, evidence=[])
                session.add(row)
        row.origin = MANUAL
        row.excluded = bool(payload.get("removed"))
        applied += 1
    session.flush()
    return applied


# ---------------------------------------------------------------- the theme tree


@dataclass
class ThemeNode:
    id: str
    label: str
    eurovoc: str | None
    parent: str | None
    passages: int  # passages carrying this theme or one below it (removals not counted)
    cues: int
    children: list[ThemeNode] = field(default_factory=list)


def theme_tree(session: Session) -> list[ThemeNode]:
    """The taxonomy as a tree, with passage counts (a parent counts each passage once)."""
    taxonomy = taxonomy_from_library(session)
    direct = dict(
        session.execute(
            select(PassageTheme.theme_id, func.count(PassageTheme.passage_id))
            .where(PassageTheme.excluded.is_(False))
            .group_by(PassageTheme.theme_id)
        ).all()
    )
    nodes = {
        t.id: ThemeNode(
            t.id, t.label, t.eurovoc, t.parent, direct.get(t.id, 0), sum(1 for _ in t.cues)
        )
        for t in taxonomy.themes
    }
    roots = []
    for theme in taxonomy.themes:
        node = nodes[theme.id]
        if theme.parent is None or theme.parent not in nodes:
            roots.append(node)
        else:
            nodes[theme.parent].children.append(node)
    for node in nodes.values():
        if node.children:
            ids = [node.id, *descendants(taxonomy, node.id)]
            node.passages = (
                session.scalar(
                    select(func.count(func.distinct(PassageTheme.passage_id))).where(
                        PassageTheme.theme_id.in_(ids), PassageTheme.excluded.is_(False)
                    )
                )
                or 0
            )
    return roots


# ---------------------------------------------------------------- editing the taxonomy


def _require(taxonomy: Taxonomy, theme_id: str) -> ThemeDef:
    theme = taxonomy.get(theme_id)
    if theme is None:
        raise NotFound(f"theme {theme_id!r} not found (briefer themes lists them)")
    return theme


def _save(session: Session, taxonomy: Taxonomy, source: str) -> WriteReport:
    validate(taxonomy, source)
    report = write_taxonomy(session, taxonomy)
    mark_edited(session)
    return report


def add_theme(
    session: Session,
    theme_id: str,
    label: str,
    *,
    parent: str | None = None,
    eurovoc: str | None = None,
) -> ThemeDef:
    """Add a theme (after its parent's last child, or at the end for a new group)."""
    taxonomy = taxonomy_from_library(session)
    theme_id = theme_id.strip()
    if taxonomy.get(theme_id) is not None:
        raise TaxonomyError(f"theme {theme_id!r} already exists")
    if not label.strip():
        raise TaxonomyError(f"theme {theme_id!r}: the label is empty")
    if parent is not None:
        _require(taxonomy, parent)
    theme = ThemeDef(theme_id, label.strip(), parent, (eurovoc or "").strip() or None)
    themes = list(taxonomy.themes)
    position = len(themes)
    if parent is not None:
        family = {parent, *descendants(taxonomy, parent)}
        position = max(i for i, t in enumerate(themes) if t.id in family) + 1
    themes.insert(position, theme)
    _save(session, replace(taxonomy, themes=tuple(themes)), f"theme {theme_id!r}")
    return theme


def rename_theme(session: Session, theme_id: str, label: str) -> ThemeDef:
    """Change a theme's label; its id (what tags refer to) stays."""
    taxonomy = taxonomy_from_library(session)
    old = _require(taxonomy, theme_id)
    if not label.strip():
        raise TaxonomyError(f"theme {theme_id!r}: the label is empty")
    new = replace(old, label=label.strip())
    _save(session, _with_theme(taxonomy, new), f"theme {theme_id!r}")
    return new


def set_cue(
    session: Session,
    theme_id: str,
    phrase: str,
    *,
    negative: bool = False,
    weight: float | None = None,
    remove: bool = False,
) -> ThemeDef:
    """Add a cue to a theme (or change its weight), or remove it with ``remove=True``."""
    taxonomy = taxonomy_from_library(session)
    old = _require(taxonomy, theme_id)
    text = " ".join(phrase.split())
    same = [c for c in old.cues if c.text == text and c.negative == negative]
    others = [c for c in old.cues if not (c.text == text and c.negative == negative)]
    if remove:
        if not same:
            kind = "negative cue" if negative else "cue"
            raise NotFound(f"theme {theme_id!r} has no {kind} {text!r}")
        cues = others
    else:
        try:
            parse_cue(text)
        except CueError as exc:
            raise TaxonomyError(f"theme {theme_id!r}: cue {text!r}: {exc}") from exc
        if weight is not None and weight <= 0:
            raise TaxonomyError(f"theme {theme_id!r}: cue {text!r}: weight must be positive")
        cue = CueDef(text, STRONG if weight is None else float(weight), negative)
        cues = [*others, cue] if not same else [cue if c in same else c for c in old.cues]
    new = replace(old, cues=tuple(cues))
    _save(session, _with_theme(taxonomy, new), f"theme {theme_id!r}")
    return new


def _with_theme(taxonomy: Taxonomy, theme: ThemeDef) -> Taxonomy:
    return replace(
        taxonomy, themes=tuple(theme if t.id == theme.id else t for t in taxonomy.themes)
    )


def load_taxonomy_file(session: Session, path: Path | str) -> WriteReport:
    """Replace the library's taxonomy with a file's; a bad file changes nothing."""
    taxonomy = load_taxonomy(path)
    return _save(session, taxonomy, str(path))


def export_taxonomy(session: Session) -> str:
    """The library's taxonomy as a TOML file to edit and load back."""
    return dump_taxonomy(taxonomy_from_library(session))


def reset_taxonomy(session: Session) -> None:
    """Go back to the shipped taxonomy (manual tags on dropped themes are kept)."""
    load_taxonomy()  # a broken shipped file raises here, before anything changes
    set_info(session, INFO_EDITED, "")
    set_info(session, INFO_SOURCE_HASH, "")
    sync_themes(session)
