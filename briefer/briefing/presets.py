"""Briefing presets: the sections a new briefing starts with, kept as data in ``templates/presets``.

A preset is a TOML file: ``name``, ``description``, ``group_by`` (``none``, ``theme`` or
``meeting``: how quotes added without a section are filed) and ``[[sections]]`` with a
``heading`` and an optional ``intro``. A section headed "Sources" or "Annex: sources" is
where an export puts the table of sources. Users add a preset by adding a file; nothing here is hard-coded.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from briefer.domain.errors import BrieferError, NotFound
from briefer.paths import templates_dir

GroupBy = Literal["none", "theme", "meeting"]

# Markings offered in the window and documented for the CLI; any other text is allowed.
CLASSIFICATION_PRESETS = (
    "OFFICIAL",
    "OFFICIAL-SENSITIVE",
    "LIMITED",
    "RESTRICTED",
    "EU RESTRICTED",
    "RESTREINT UE/EU RESTRICTED",
    "CONFIDENTIEL UE/EU CONFIDENTIAL",
)


@dataclass(frozen=True)
class PresetSection:
    heading: str
    intro: str | None = None


@dataclass(frozen=True)
class Preset:
    key: str  # the file name without ".toml", e.g. "ministerial-meeting-brief"
    name: str  # e.g. "Ministerial meeting brief"
    description: str
    group_by: GroupBy
    sections: tuple[PresetSection, ...]


def presets_dir() -> Path:
    return templates_dir() / "presets"


def load_preset(path: Path) -> Preset:
    """Read one preset file; a malformed file is an error naming the file and the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BrieferError(f"{path}: cannot read the briefing preset ({exc})") from exc
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BrieferError(f"{path}: the briefing preset has no name")
    group_by = data.get("group_by", "none")
    if group_by not in ("none", "theme", "meeting"):
        raise BrieferError(f"{path}: group_by must be none, theme or meeting (found {group_by!r})")
    sections = []
    for number, entry in enumerate(data.get("sections", []), start=1):
        heading = entry.get("heading") if isinstance(entry, dict) else None
        if not isinstance(heading, str) or not heading.strip():
            raise BrieferError(f"{path}: section {number} of the preset has no heading")
        intro = entry.get("intro")
        sections.append(
            PresetSection(
                heading=heading.strip(),
                intro=intro.strip() if isinstance(intro, str) and intro.strip() else None,
            )
        )
    return Preset(
        key=path.stem,
        name=name.strip(),
        description=str(data.get("description", "")).strip(),
        group_by=group_by,
        sections=tuple(sections),
    )


def list_presets(directory: Path | None = None) -> list[Preset]:
    """Every preset shipped (or added by the user), sorted by name."""
    folder = directory or presets_dir()
    return sorted(
        (load_preset(path) for path in folder.glob("*.toml")), key=lambda p: p.name.lower()
    )


def _simplified(name: str) -> str:
    return " ".join(name.replace("-", " ").replace("_", " ").lower().split())


def find_preset(name: str, directory: Path | None = None) -> Preset:
    """The preset named ``name`` (its name or file key, any case, dashes or spaces)."""
    wanted = _simplified(name)
    presets = list_presets(directory)
    for preset in presets:
        if wanted in (_simplified(preset.name), _simplified(preset.key)):
            return preset
    known = ", ".join(f'"{p.name}"' for p in presets) or "none"
    raise NotFound(f"no briefing preset named {name!r} (available: {known})")


def is_sources_annex(heading: str) -> bool:
    """Whether a section heading names the sources annex (where the sources table goes)."""
    return " ".join(re.sub(r"[^\w]+", " ", heading.lower()).split()) in (
        "sources",
        "annex sources",
    )
