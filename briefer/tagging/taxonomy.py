"""The theme taxonomy: a tree of themes with cue phrases, read from TOML, kept in the library.

The shipped file is ``resources/taxonomy.toml`` (format: ``docs/taxonomy.md``). The library
holds its own copy (``theme`` and ``theme_cue`` rows) because analysts edit it: once a
user has edited the library's taxonomy, the shipped file never overwrites it again.

Loading validates everything before anything changes, and every error names the file and
the line, so a broken file leaves the previous taxonomy in force.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from briefer.domain.errors import BrieferError
from briefer.paths import resources_dir
from briefer.store.models import LibraryInfo, Passage, PassageTheme, Theme, ThemeCue
from briefer.tagging.cues import CueError, parse_cue

log = logging.getLogger(__name__)

STRONG = 1.0
WEAK = 0.5
DEFAULT_THRESHOLD = 1.0
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_THEME_KEYS = {"id", "label", "parent", "eurovoc", "cues", "weak", "negative"}
_TOP_KEYS = {"version", "threshold", "theme"}

# library_info keys
INFO_HASH = "taxonomy.hash"  # content hash of the library's active taxonomy
INFO_SOURCE_HASH = "taxonomy.source_hash"  # hash of the shipped file last synced
INFO_EDITED = "taxonomy.edited"  # "yes" once the user edited the library's taxonomy
INFO_THRESHOLD = "taxonomy.threshold"
INFO_TAGGED_HASH = "taxonomy.tagged_hash"  # the taxonomy the last complete re-tag used
_SYNC_VERSION = "1"  # bump when sync_themes changes how it stores a taxonomy


class TaxonomyError(BrieferError):
    """A taxonomy file or edit that cannot be used; nothing was changed."""


@dataclass(frozen=True)
class CueDef:
    """A cue as written, its weight, and whether it cancels matches instead of adding."""

    text: str
    weight: float = STRONG
    negative: bool = False


@dataclass(frozen=True)
class ThemeDef:
    id: str
    label: str
    parent: str | None = None
    eurovoc: str | None = None
    cues: tuple[CueDef, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    """A validated theme tree, in display order."""

    themes: tuple[ThemeDef, ...]
    threshold: float = DEFAULT_THRESHOLD
    _by_id: dict[str, ThemeDef] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {t.id: t for t in self.themes})

    def get(self, theme_id: str) -> ThemeDef | None:
        return self._by_id.get(theme_id)

    def children(self, theme_id: str | None) -> list[ThemeDef]:
        return [t for t in self.themes if t.parent == theme_id]

    def ancestors(self, theme_id: str) -> list[str]:
        """Parent, grandparent… of a theme (nearest first)."""
        chain = []
        current = self._by_id.get(theme_id)
        while current is not None and current.parent is not None:
            chain.append(current.parent)
            current = self._by_id.get(current.parent)
        return chain

    def content_hash(self) -> str:
        """A hash of everything that affects tagging or display (not of file formatting)."""
        payload = {
            "threshold": self.threshold,
            "themes": [
                [
                    t.id,
                    t.label,
                    t.parent,
                    t.eurovoc,
                    [[c.text, c.weight, c.negative] for c in t.cues],
                ]
                for t in self.themes
            ],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def shipped_taxonomy_path() -> Path:
    return resources_dir() / "taxonomy.toml"


# ---------------------------------------------------------------- reading a file


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """Read and validate a taxonomy file (the shipped one by default)."""
    path = Path(path) if path is not None else shipped_taxonomy_path()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TaxonomyError(f"{path}: cannot read the taxonomy ({exc.strerror or exc})") from exc
    return parse_taxonomy(data, path)


def parse_taxonomy(data: bytes, path: Path | str) -> Taxonomy:
    """Validate TOML bytes as a taxonomy; errors name ``path`` and the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TaxonomyError(f"{path}: line {line}: not valid UTF-8 text") from exc
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{path}: {_toml_message(str(exc))}") from exc
    return _Validator(text, path).taxonomy(document)


def _toml_message(message: str) -> str:
    """tomllib says "Invalid value (at line 3, column 5)"; lead with the line instead."""
    match = re.search(r"\(at line (\d+), column (\d+)\)$", message)
    if not match:
        return f"TOML syntax error: {message}"
    reason = message[: match.start()].strip()
    return f"line {match.group(1)}, column {match.group(2)}: TOML syntax error: {reason}"


class _Validator:
    """Checks a parsed taxonomy document; finds source lines for its messages."""

    def __init__(self, text: str, path: Path | str) -> None:
        self.lines = text.splitlines()
        self.path = path

    def fail(self, line: int | None, message: str) -> TaxonomyError:
        where = f"line {line}: " if line else ""
        return TaxonomyError(f"{self.path}: {where}{message}")

    def find_line(self, pattern: str, after: int = 0) -> int | None:
        regex = re.compile(pattern)
        for number in range(after, len(self.lines)):
            if regex.search(self.lines[number]):
                return number + 1
        return None

    def id_lines(self, theme_id: str) -> list[int]:
        regex = re.compile(rf"""^\s*id\s*=\s*(["']){re.escape(theme_id)}\1""")
        return [i + 1 for i, line in enumerate(self.lines) if regex.search(line)]

    def key_line(self, key: str, after: int | None) -> int | None:
        return self.find_line(rf"^\s*{re.escape(key)}\s*=", after or 0)

    def taxonomy(self, document: dict[str, Any]) -> Taxonomy:
        for key in document:
            if key not in _TOP_KEYS:
                raise self.fail(self.key_line(key, 0), f"unknown setting {key!r}")
        threshold = document.get("threshold", DEFAULT_THRESHOLD)
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or threshold <= 0:
            raise self.fail(self.key_line("threshold", 0), "threshold must be a positive number")
        raw_themes = document.get("theme", [])
        if not isinstance(raw_themes, list) or not raw_themes:
            raise self.fail(None, "no themes: add [[theme]] tables")
        themes: list[ThemeDef] = []
        seen: dict[str, int | None] = {}
        cursor = 0
        for raw in raw_themes:
            theme, line = self.theme(raw, seen, cursor)
            cursor = line or cursor
            seen[theme.id] = line
            themes.append(theme)
        taxonomy = Taxonomy(themes=tuple(themes), threshold=float(threshold))
        self.check_parents(taxonomy, seen)
        return taxonomy

    def theme(
        self, raw: Any, seen: dict[str, int | None], cursor: int
    ) -> tuple[ThemeDef, int | None]:
        if not isinstance(raw, dict):
            raise self.fail(None, "each theme must be a [[theme]] table")
        theme_id = raw.get("id")
        if not isinstance(theme_id, str) or not theme_id:
            line = self.find_line(r"^\s*\[\[theme\]\]", cursor)
            raise self.fail(line, "a theme has no id")
        lines = self.id_lines(theme_id)
        line = next((n for n in lines if n > cursor), lines[-1] if lines else None)
        if theme_id in seen:
            first = seen[theme_id]
            raise self.fail(
                line, f"duplicate theme id {theme_id!r} (first defined on line {first})"
            )
        if not SLUG_RE.match(theme_id):
            raise self.fail(
                line, f"theme id {theme_id!r} must be lower-case letters, digits and hyphens"
            )
        after = (line or 1) - 1
        for key in raw:
            if key not in _THEME_KEYS:
                raise self.fail(
                    self.key_line(key, after), f"theme {theme_id!r}: unknown key {key!r}"
                )
        label = raw.get("label")
        if not isinstance(label, str) or not label.strip():
            raise self.fail(line, f"theme {theme_id!r} has no label")
        parent = raw.get("parent")
        eurovoc = raw.get("eurovoc")
        for key, value in (("parent", parent), ("eurovoc", eurovoc)):
            if value is not None and not isinstance(value, str):
                raise self.fail(
                    self.key_line(key, after), f"theme {theme_id!r}: {key} must be text"
                )
        cues = [
            *self.cues(raw, "cues", STRONG, False, theme_id, after),
            *self.cues(raw, "weak", WEAK, False, theme_id, after),
            *self.cues(raw, "negative", STRONG, True, theme_id, after),
        ]
        theme = ThemeDef(
            id=theme_id,
            label=label.strip(),
            parent=parent or None,
            eurovoc=(eurovoc or "").strip() or None,
            cues=tuple(cues),
        )
        return theme, line

    def cues(
        self,
        raw: dict[str, Any],
        key: str,
        weight: float,
        negative: bool,
        theme_id: str,
        after: int,
    ) -> Iterator[CueDef]:
        values = raw.get(key, [])
        if not isinstance(values, list):
            raise self.fail(self.key_line(key, after), f"theme {theme_id!r}: {key} must be a list")
        for value in values:
            cue_weight = weight
            if isinstance(value, dict):
                text = value.get("cue")
                cue_weight = value.get("weight", weight)
                if (
                    isinstance(cue_weight, bool)
                    or not isinstance(cue_weight, (int, float))
                    or cue_weight <= 0
                ):
                    line = self.find_line(re.escape(json.dumps(text)), after) if text else None
                    raise self.fail(
                        line, f"theme {theme_id!r}: cue {text!r}: weight must be a positive number"
                    )
            else:
                text = value
            if not isinstance(text, str):
                raise self.fail(
                    self.key_line(key, after), f"theme {theme_id!r}: {key} holds a non-text cue"
                )
            try:
                parse_cue(text)
            except CueError as exc:
                line = self.find_line(re.escape(json.dumps(text)), after) or self.key_line(
                    key, after
                )
                raise self.fail(line, f"theme {theme_id!r}: cue {text!r}: {exc}") from exc
            yield CueDef(text=" ".join(text.split()), weight=float(cue_weight), negative=negative)

    def check_parents(self, taxonomy: Taxonomy, lines: dict[str, int | None]) -> None:
        for theme in taxonomy.themes:
            if theme.parent is None:
                continue
            after = (lines.get(theme.id) or 1) - 1
            if taxonomy.get(theme.parent) is None:
                raise self.fail(
                    self.key_line("parent", after),
                    f"theme {theme.id!r}: unknown parent {theme.parent!r}",
                )
            cycle = find_cycle(taxonomy, theme.id)
            if cycle:
                raise self.fail(
                    self.key_line("parent", after),
                    f"theme {theme.id!r}: parents form a cycle ({' -> '.join(cycle)})",
                )


def find_cycle(taxonomy: Taxonomy, theme_id: str) -> list[str]:
    """The ids of a parent cycle through ``theme_id`` (first id repeated at the end), or []."""
    chain = [theme_id]
    current = taxonomy.get(theme_id)
    while current is not None and current.parent is not None:
        if current.parent in chain:
            return [*chain[chain.index(current.parent) :], current.parent]
        chain.append(current.parent)
        current = taxonomy.get(current.parent)
    return []


def validate(taxonomy: Taxonomy, source: str = "taxonomy") -> None:
    """Check an in-memory taxonomy (after an edit) the way a file is checked."""
    seen: set[str] = set()
    for theme in taxonomy.themes:
        if theme.id in seen:
            raise TaxonomyError(f"{source}: duplicate theme id {theme.id!r}")
        seen.add(theme.id)
        if not SLUG_RE.match(theme.id):
            raise TaxonomyError(
                f"{source}: theme id {theme.id!r} must be lower-case letters, digits and hyphens"
            )
        if theme.parent is not None and taxonomy.get(theme.parent) is None:
            raise TaxonomyError(f"{source}: theme {theme.id!r}: unknown parent {theme.parent!r}")
        cycle = find_cycle(taxonomy, theme.id)
        if cycle:
            raise TaxonomyError(f"{source}: parents form a cycle ({' -> '.join(cycle)})")
        for cue in theme.cues:
            try:
                parse_cue(cue.text)
            except CueError as exc:
                raise TaxonomyError(
                    f"{source}: theme {theme.id!r}: cue {cue.text!r}: {exc}"
                ) from exc


# ---------------------------------------------------------------- writing a file


def dump_taxonomy(taxonomy: Taxonomy) -> str:
    """The taxonomy as a TOML file ``load_taxonomy`` reads back unchanged."""
    out = [
        "# Briefer theme taxonomy (format: docs/taxonomy.md).",
        "",
        "version = 1",
        f"threshold = {taxonomy.threshold:g}",
    ]
    for theme in taxonomy.themes:
        out += ["", "[[theme]]", f"id = {_toml_str(theme.id)}"]
        if theme.parent:
            out.append(f"parent = {_toml_str(theme.parent)}")
        out.append(f"label = {_toml_str(theme.label)}")
        if theme.eurovoc:
            out.append(f"eurovoc = {_toml_str(theme.eurovoc)}")
        strong = [c for c in theme.cues if not c.negative and c.weight != WEAK]
        weak = [c for c in theme.cues if not c.negative and c.weight == WEAK]
        negative = [c for c in theme.cues if c.negative]
        for key, cues in (("cues", strong), ("weak", weak), ("negative", negative)):
            if cues:
                out.append(f"{key} = [")
                out += [f"  {_toml_cue(c, key)}," for c in cues]
                out.append("]")
    return "\n".join(out) + "\n"


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _toml_cue(cue: CueDef, key: str) -> str:
    if key == "cues" and cue.weight != STRONG:
        return f"{{ cue = {_toml_str(cue.text)}, weight = {cue.weight:g} }}"
    return _toml_str(cue.text)


# ---------------------------------------------------------------- the library's copy


def info(session: Session, key: str) -> str | None:
    row = session.get(LibraryInfo, key)
    return row.value if row is not None else None


def set_info(session: Session, key: str, value: str) -> None:
    row = session.get(LibraryInfo, key)
    if row is None:
        session.add(LibraryInfo(key=key, value=value))
    else:
        row.value = value


def taxonomy_from_library(session: Session) -> Taxonomy:
    """The library's active taxonomy (what tagging and editing work on)."""
    themes = session.scalars(select(Theme).order_by(Theme.position, Theme.id)).all()
    cues: dict[str, list[CueDef]] = {}
    for row in session.scalars(select(ThemeCue).order_by(ThemeCue.theme_id, ThemeCue.position)):
        cues.setdefault(row.theme_id, []).append(CueDef(row.cue, row.weight, row.negative))
    threshold = info(session, INFO_THRESHOLD)
    return Taxonomy(
        themes=tuple(
            ThemeDef(t.id, t.label, t.parent_id, t.eurovoc, tuple(cues.get(t.id, ())))
            for t in themes
        ),
        threshold=float(threshold) if threshold else DEFAULT_THRESHOLD,
    )


@dataclass
class WriteReport:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # dropped from the file but carrying manual tags


def write_taxonomy(session: Session, taxonomy: Taxonomy) -> WriteReport:
    """Make the library's copy equal to ``taxonomy`` (validated by the caller).

    A theme missing from the new taxonomy is deleted with its automatic tags, unless a
    passage carries it by a manual decision: then it stays (without cues, with its
    ancestors) so no analyst's work is lost.

    The search index gives each passage a token per parent of its themes. Its per-row
    triggers are paused while the tree is rewritten (a moved theme would rewrite its
    passages' index rows once per change, a deleted theme once per tag link); then the
    passages under a theme that moved, appeared or went are refreshed once each.
    """
    from briefer.store.search import backend_for

    def tree() -> dict[str, str | None]:
        return {tid: parent for tid, parent in session.execute(select(Theme.id, Theme.parent_id))}

    before = tree()
    leaving = set(before) - {t.id for t in taxonomy.themes}
    backend = backend_for(session.get_bind())
    connection = session.connection()
    with backend.tag_sync_suspended(connection):
        stale = _passages_with(session, leaving)  # their links may be deleted below
        report = _write_taxonomy_rows(session, taxonomy)
        after = tree()
        moved = {t for t in set(before) | set(after) if before.get(t, "") != after.get(t, "")}
        stale |= _passages_with(
            session, _with_descendants(moved, before) | _with_descendants(moved, after)
        )
        backend.refresh_passages(connection, sorted(stale))
    backend.merge_after_bulk_change(connection, len(stale))
    return report


def _with_descendants(themes: set[str], parents: dict[str, str | None]) -> set[str]:
    found = set(themes)
    growing = True
    while growing:
        more = {t for t, parent in parents.items() if parent in found and t not in found}
        found |= more
        growing = bool(more)
    return found


def _passages_with(session: Session, themes: set[str]) -> set[int]:
    """Passages with an active link to one of ``themes``."""
    if not themes:
        return set()
    rows = session.scalars(
        select(PassageTheme.passage_id)
        .where(PassageTheme.theme_id.in_(sorted(themes)), PassageTheme.excluded.is_(False))
        .distinct()
    )
    return set(rows)


def _write_taxonomy_rows(session: Session, taxonomy: Taxonomy) -> WriteReport:
    report = WriteReport()
    existing = {t.id: t for t in session.scalars(select(Theme))}
    wanted = {t.id for t in taxonomy.themes}
    manual = set(
        session.scalars(
            select(PassageTheme.theme_id).where(PassageTheme.origin == "manual").distinct()
        )
    )
    keep = {tid for tid in existing if tid not in wanted and tid in manual}
    for tid in list(keep):
        parent = existing[tid].parent_id
        while parent is not None and parent not in wanted and parent in existing:
            keep.add(parent)
            parent = existing[parent].parent_id
    # Insert or update without parents first, so parents can be set in any order.
    for position, theme in enumerate(taxonomy.themes):
        row = existing.get(theme.id)
        if row is None:
            session.add(
                Theme(id=theme.id, label=theme.label, eurovoc=theme.eurovoc, position=position)
            )
            report.added.append(theme.id)
        else:
            row.label, row.eurovoc, row.position = theme.label, theme.eurovoc, position
    session.flush()
    for theme in taxonomy.themes:
        session.execute(update(Theme).where(Theme.id == theme.id).values(parent_id=theme.parent))
    doomed = [tid for tid in existing if tid not in wanted and tid not in keep]
    if doomed:
        session.execute(delete(Theme).where(Theme.id.in_(doomed)))
    report.removed = sorted(doomed)
    report.kept = sorted(keep)
    session.execute(delete(ThemeCue))
    session.add_all(
        ThemeCue(theme_id=theme.id, position=i, cue=c.text, weight=c.weight, negative=c.negative)
        for theme in taxonomy.themes
        for i, c in enumerate(theme.cues)
    )
    set_info(session, INFO_THRESHOLD, f"{taxonomy.threshold:g}")
    new_hash = taxonomy_from_library_hash(session)
    set_info(session, INFO_HASH, new_hash)
    if session.scalar(select(exists().where(Passage.id.isnot(None)))) is False:
        set_info(session, INFO_TAGGED_HASH, new_hash)  # nothing to re-tag
    session.flush()
    session.expire_all()
    return report


def taxonomy_from_library_hash(session: Session) -> str:
    session.flush()
    return taxonomy_from_library(session).content_hash()


def sync_themes(session: Session) -> None:
    """Bring the library's themes in line with the shipped taxonomy, unless the user edited them.

    Cheap when nothing changed: it compares the shipped file's hash with the one stored
    in ``library_info``. A broken shipped file leaves the library's taxonomy as it is.
    """
    if info(session, INFO_EDITED) == "yes":
        return
    path = shipped_taxonomy_path()
    try:
        data = path.read_bytes()
    except OSError as exc:
        log.warning("%s: cannot read the shipped taxonomy (%s)", path, exc)
        return
    source_hash = hashlib.sha256(_SYNC_VERSION.encode() + data).hexdigest()
    if info(session, INFO_SOURCE_HASH) == source_hash:
        return
    has_themes = session.scalar(select(exists().where(Theme.id.isnot(None))))
    try:
        taxonomy = parse_taxonomy(data, path)
    except TaxonomyError:
        if has_themes:
            log.warning("the shipped taxonomy is invalid; the library keeps its own", exc_info=True)
            return
        raise
    write_taxonomy(session, taxonomy)
    set_info(session, INFO_SOURCE_HASH, source_hash)


def mark_edited(session: Session) -> None:
    """Record that the user edited the library's taxonomy: the shipped file no longer applies."""
    set_info(session, INFO_EDITED, "yes")


def descendants(taxonomy: Taxonomy, theme_id: str) -> Iterable[str]:
    for child in taxonomy.children(theme_id):
        yield child.id
        yield from descendants(taxonomy, child.id)
