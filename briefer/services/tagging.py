"""Tagging use cases: manual tags and removals, re-tagging the library, editing the taxonomy.

Manual decisions are sacred: a manual tag or a manual removal (``excluded=True``) is a
row with origin ``manual`` that re-tagging never touches, and it is also recorded as a
``manual_correction`` keyed by the document's content so it survives re-importing.
Re-tagging replaces only automatic links, in batches that each commit, so searches keep
running and a cancel loses nothing but the batches not yet done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from briefer.domain.errors import NotFound
from briefer.domain.progress import CancelToken, Progress
from briefer.store.library import Library
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
from briefer.tagging.pipeline import Tagger, load_tagger
from briefer.tagging.taxonomy import (
    INFO_EDITED,
    INFO_HASH,
    INFO_SOURCE_HASH,
    INFO_TAGGED_HASH,
    STRONG,
    CueDef,
    Taxonomy,
    TaxonomyError,
    ThemeDef,
    WriteReport,
    descendants,
    dump_taxonomy,
    info,
    load_taxonomy,
    mark_edited,
    set_info,
    sync_themes,
    taxonomy_from_library,
    validate,
    write_taxonomy,
)

TagKind = Literal["theme", "country"]
DEFAULT_BATCH = 2000
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


def apply_manual_corrections(session: Session, document_id: int) -> int:
    """Re-apply the manual tags and removals recorded for this document's content.

    For the importer, after it stored a document's passages and automatic tags: an
    analyst's decisions made before the document was deleted come back with it.
    Returns how many decisions were applied.
    """
    document = session.get(Document, document_id)
    if document is None:
        return 0
    corrections = session.scalars(
        select(ManualCorrection)
        .where(
            ManualCorrection.document_sha256 == document.sha256,
            ManualCorrection.kind.in_(("passage_theme", "passage_country")),
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


# ---------------------------------------------------------------- re-tagging


@dataclass
class RetagReport:
    passages: int = 0
    theme_links: int = 0
    country_links: int = 0
    countries_refreshed: bool = False  # False when no country tagger is available
    cancelled: bool = False
    seconds: float = 0.0


def retag(
    library: Library,
    cancel: CancelToken | None = None,
    *,
    batch_size: int = DEFAULT_BATCH,
    tagger: Tagger | None = None,
) -> Generator[Progress, None, RetagReport]:
    """Re-tag every passage with the library's current taxonomy and gazetteer.

    Yields ``Progress`` after each batch; each batch is its own transaction, so readers
    are never blocked for long and cancelling (checked between batches) keeps the
    batches already done. Manual tags and removals are never touched. Returns a report.
    """
    started = dt.datetime.now()
    report = RetagReport()
    with library.session() as session:
        sync_themes(session)
        if tagger is None:
            tagger = load_tagger(session)
        total = session.scalar(select(func.count(Passage.id))) or 0
        taxonomy_hash = info(session, INFO_HASH)
        known_themes = set(session.scalars(select(Theme.id)))
        known_countries = set(session.scalars(select(Country.code)))
    report.countries_refreshed = tagger.countries is not None
    yield Progress(0, total, "re-tagging")
    last_id = 0
    while True:
        if cancel is not None and cancel.cancelled:
            report.cancelled = True
            break
        with library.session() as session:
            rows = session.execute(
                select(Passage.id, Passage.text)
                .where(Passage.id > last_id)
                .order_by(Passage.id)
                .limit(batch_size)
            ).all()
            if not rows:
                break
            themes, countries = _tag_batch(tagger, rows, known_themes, known_countries)
            first, last_id = rows[0][0], rows[-1][0]
            _replace_automatic(session, PassageTheme, first, last_id, themes)
            if report.countries_refreshed:
                _replace_automatic(session, PassageCountry, first, last_id, countries)
        report.passages += len(rows)
        report.theme_links += len(themes)
        report.country_links += len(countries)
        yield Progress(report.passages, total, f"re-tagged {report.passages} of {total} passages")
    if not report.cancelled and taxonomy_hash:
        with library.session() as session:
            set_info(session, INFO_TAGGED_HASH, taxonomy_hash)
    report.seconds = (dt.datetime.now() - started).total_seconds()
    return report


def run_retag(library: Library, cancel: CancelToken | None = None, **options: Any) -> RetagReport:
    """Run ``retag`` to the end (for scripts and tests)."""
    job = retag(library, cancel, **options)
    while True:
        try:
            next(job)
        except StopIteration as stop:
            result: RetagReport = stop.value
            return result


def _tag_batch(
    tagger: Tagger,
    rows: Iterable[Any],
    known_themes: set[str],
    known_countries: set[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    themes: list[dict[str, Any]] = []
    countries: list[dict[str, Any]] = []
    for passage_id, text in rows:
        tags = tagger.tag_passage(text)
        for theme in tags.themes:
            if theme.theme_id in known_themes:
                themes.append(
                    {
                        "passage_id": passage_id,
                        "theme_id": theme.theme_id,
                        "origin": AUTOMATIC,
                        "excluded": False,
                        "score": theme.score,
                        "evidence": [e.as_dict() for e in theme.evidence],
                    }
                )
        merged: dict[str, dict[str, Any]] = {}
        for match in tags.countries:
            if match.code not in known_countries:
                continue
            row = merged.setdefault(
                match.code,
                {
                    "passage_id": passage_id,
                    "country_code": match.code,
                    "origin": AUTOMATIC,
                    "excluded": False,
                    "confidence": match.confidence,
                    "evidence": [],
                },
            )
            row["confidence"] = max(row["confidence"] or 0.0, match.confidence)
            row["evidence"].extend(e.as_dict() for e in match.evidence)
        countries.extend(merged.values())
    return themes, countries


def _replace_automatic(
    session: Session,
    model: type[PassageTheme] | type[PassageCountry],
    first: int,
    last: int,
    rows: list[dict[str, Any]],
) -> None:
    """Swap the automatic links of passages ``first..last`` for ``rows``; manual ones stay."""
    table = model.__table__
    session.execute(
        delete(table).where(
            and_(
                table.c.passage_id >= first,
                table.c.passage_id <= last,
                table.c.origin == AUTOMATIC,
                table.c.excluded.is_(False),
            )
        )
    )
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # A manual row (tag or removal) for the same passage and key wins: skip the automatic one.
    session.execute(insert(table).on_conflict_do_nothing(), rows)


def retag_needed(session: Session) -> bool:
    """Whether the taxonomy changed since passages were last tagged."""
    current, tagged = info(session, INFO_HASH), info(session, INFO_TAGGED_HASH)
    if current is None or current == tagged:
        return False
    return session.scalar(select(func.count(Passage.id)).limit(1)) not in (None, 0)


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
