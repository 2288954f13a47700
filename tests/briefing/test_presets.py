"""Presets are data files; a broken one is an error naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.briefing.presets import find_preset, is_sources_annex, list_presets, load_preset
from briefer.domain.errors import BrieferError, NotFound


def test_shipped_presets() -> None:
    presets = {p.key: p for p in list_presets()}
    brief = presets["ministerial-meeting-brief"]
    assert brief.name == "Ministerial meeting brief"
    assert [s.heading for s in brief.sections] == [
        "Purpose",
        "Key messages",
        "Background",
        "Previous commitments",
        "Lines to take",
        "Annex: sources",
    ]
    digest = presets["thematic-digest"]
    assert digest.group_by == "theme" and digest.sections == ()


@pytest.mark.parametrize(
    "name", ["Ministerial meeting brief", "ministerial-meeting-brief", "MINISTERIAL MEETING BRIEF"]
)
def test_presets_are_found_by_name_or_key_in_any_case(name: str) -> None:
    assert find_preset(name).key == "ministerial-meeting-brief"


def test_unknown_preset_lists_the_known_ones(tmp_path: Path) -> None:
    (tmp_path / "weekly.toml").write_text('name = "Weekly"\n', encoding="utf-8")
    with pytest.raises(NotFound, match=r"no briefing preset named 'daily'.*\"Weekly\""):
        find_preset("daily", tmp_path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name = ", "cannot read the briefing preset"),
        ('description = "x"\n', "has no name"),
        ('name = "X"\ngroup_by = "country"\n', "group_by must be none, theme or meeting"),
        (
            'name = "X"\n[[sections]]\nintro = "no heading"\n',
            "section 1 of the preset has no heading",
        ),
    ],
)
def test_a_broken_preset_names_the_file_and_the_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BrieferError, match=problem) as caught:
        load_preset(path)
    assert str(caught.value).startswith(str(path))


@pytest.mark.parametrize(
    ("heading", "expected"),
    [("Annex: sources", True), ("Sources", True), ("ANNEX – Sources", True), ("Background", False)],
)
def test_sources_annex_headings(heading: str, expected: bool) -> None:
    assert is_sources_annex(heading) is expected
