"""The tagging commands: tag, retag, themes and theme editing, with their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefer.cli.main import main
from briefer.services.library import open_ready_library
from tests.tagging.test_retag import add_document, passage_ids


def run(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


@pytest.fixture
def db(db_path: Path) -> Path:
    library = open_ready_library(str(db_path))
    add_document(library)
    library.close()
    return db_path


def first_passage(db: Path) -> int:
    library = open_ready_library(str(db))
    try:
        return passage_ids(library)[0]
    finally:
        library.close()


def test_themes_json_is_a_tree_with_passage_counts(db: Path, capsys: pytest.CaptureFixture) -> None:
    assert run(db, "themes", "--json") == 0
    tree = json.loads(capsys.readouterr().out)
    migration = next(node for node in tree if node["id"] == "migration")
    assert set(migration) == {"id", "label", "eurovoc", "parent", "passages", "cues", "children"}
    assert migration["parent"] is None and migration["passages"] == 2
    smuggling = next(c for c in migration["children"] if c["id"] == "migrant-smuggling")
    assert smuggling["parent"] == "migration"
    assert smuggling["passages"] == 1 and smuggling["cues"] > 0
    assert smuggling["eurovoc"]


def test_themes_table_lists_groups_and_indented_leaves(
    db: Path, capsys: pytest.CaptureFixture
) -> None:
    assert run(db, "themes") == 0
    out = capsys.readouterr().out
    assert "\nmigration " in out
    assert "\n  migrant-smuggling " in out


def test_tag_and_remove_by_hand(db: Path, capsys: pytest.CaptureFixture) -> None:
    passage = first_passage(db)
    assert run(db, "tag", str(passage), "--theme", "corruption", "--json") == 0
    change = json.loads(capsys.readouterr().out)
    assert change == {
        "passage_id": passage,
        "kind": "theme",
        "key": "corruption",
        "removed": False,
        "previous": None,
    }
    assert run(db, "tag", str(passage), "--theme", "migrant-smuggling", "--remove") == 0
    assert "removed by hand (was: automatic)" in capsys.readouterr().out
    assert run(db, "retag", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["passages"] == 5 and report["cancelled"] is False
    assert run(db, "themes", "--json") == 0
    tree = json.loads(capsys.readouterr().out)
    crime = next(node for node in tree if node["id"] == "crime")
    assert next(c for c in crime["children"] if c["id"] == "corruption")["passages"] == 1
    migration = next(node for node in tree if node["id"] == "migration")
    assert next(c for c in migration["children"] if c["id"] == "migrant-smuggling")["passages"] == 0


def test_tag_errors_and_exit_codes(db: Path, capsys: pytest.CaptureFixture) -> None:
    passage = first_passage(db)
    assert run(db, "tag", str(passage), "--theme", "nope") == 1
    assert "theme 'nope' not found" in capsys.readouterr().err
    assert run(db, "tag", "999999", "--theme", "drugs") == 1
    assert "passage 999999 not found" in capsys.readouterr().err
    assert run(db, "tag", str(passage)) == 2
    assert run(db, "tag", str(passage), "--theme", "drugs", "--country", "RS") == 2
    assert run(db, "tag", "not-a-number", "--theme", "drugs") == 2


def test_theme_editing_then_retag(db: Path, capsys: pytest.CaptureFixture) -> None:
    assert (
        run(db, "theme", "add", "aerial-threats", "--label", "Drones", "--parent", "resilience")
        == 0
    )
    assert run(db, "theme", "cue", "aerial-threats", "drone") == 0
    assert "briefer retag" in capsys.readouterr().err
    assert run(db, "theme", "rename", "aerial-threats", "Aerial threats") == 0
    assert run(db, "themes") == 0
    assert "changed since the passages were tagged" in capsys.readouterr().err
    assert run(db, "retag") == 0
    assert "re-tagged 5 passages" in capsys.readouterr().out
    assert run(db, "themes", "--json") == 0
    tree = json.loads(capsys.readouterr().out)
    resilience = next(node for node in tree if node["id"] == "resilience")
    aerial = next(c for c in resilience["children"] if c["id"] == "aerial-threats")
    assert aerial["label"] == "Aerial threats" and aerial["passages"] == 1
    assert run(db, "theme", "cue", "aerial-threats", "dr*") == 1
    assert "at least 3 letters" in capsys.readouterr().err
    assert run(db, "theme", "cue", "nope", "drone") == 1
    assert run(db, "theme", "add", "drugs", "--label", "Drugs") == 1
    assert "already exists" in capsys.readouterr().err


def test_theme_export_and_load(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    exported = tmp_path / "taxonomy.toml"
    assert run(db, "theme", "export", str(exported)) == 0
    edited = exported.read_text("utf-8").replace('label = "Corruption"', 'label = "Graft"')
    exported.write_text(edited, encoding="utf-8")
    assert run(db, "theme", "load", str(exported)) == 0
    capsys.readouterr()
    assert run(db, "themes", "--json") == 0
    assert '"Graft"' in capsys.readouterr().out

    broken = tmp_path / "broken.toml"
    broken.write_text(edited.replace('label = "Graft"', 'label = "Graft'), encoding="utf-8")
    assert run(db, "theme", "load", str(broken)) == 1
    err = capsys.readouterr().err
    assert str(broken) in err and "line " in err
    assert run(db, "theme", "load", str(tmp_path / "missing.toml")) == 1
    assert run(db, "themes", "--json") == 0
    assert '"Graft"' in capsys.readouterr().out  # the previous taxonomy stays in force

    assert run(db, "theme", "reset") == 0
    assert run(db, "theme", "export") == 0
    assert 'label = "Corruption"' in capsys.readouterr().out
