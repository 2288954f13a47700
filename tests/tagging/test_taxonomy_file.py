"""Reading taxonomy files: the shipped one, and broken ones with errors naming the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.tagging.taxonomy import (
    SLUG_RE,
    TaxonomyError,
    dump_taxonomy,
    load_taxonomy,
    parse_taxonomy,
)

GOOD = """\
version = 1
threshold = 1.0

[[theme]]
id = "migration"
label = "Migration"

[[theme]]
id = "asylum"
parent = "migration"
label = "Asylum"
cues = ["asylum", "international protection"]
weak = ["refugee"]
negative = ["not in need of international protection"]
"""


def write(tmp_path: Path, text: str, name: str = "taxonomy.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_taxonomy_has_groups_leaves_cues_and_eurovoc_labels() -> None:
    taxonomy = load_taxonomy()
    groups = [t for t in taxonomy.themes if t.parent is None]
    leaves = [t for t in taxonomy.themes if t.parent is not None]
    assert len(groups) >= 8
    assert len(leaves) >= 30
    for leaf in leaves:
        assert taxonomy.get(leaf.parent).parent is None, f"{leaf.id}: more than two levels"
        assert any(not c.negative for c in leaf.cues), f"{leaf.id} has no cues"
    for theme in taxonomy.themes:
        assert SLUG_RE.match(theme.id)
        assert theme.eurovoc, f"{theme.id} has no EuroVoc label"
    for expected in ("migrant-smuggling", "foreign-terrorist-fighters", "returns-readmission"):
        assert taxonomy.get(expected) is not None


def test_a_valid_file_loads_with_weights_and_negative_cues(tmp_path: Path) -> None:
    taxonomy = load_taxonomy(write(tmp_path, GOOD))
    asylum = taxonomy.get("asylum")
    assert asylum is not None and asylum.parent == "migration"
    assert [(c.text, c.weight, c.negative) for c in asylum.cues] == [
        ("asylum", 1.0, False),
        ("international protection", 1.0, False),
        ("refugee", 0.5, False),
        ("not in need of international protection", 1.0, True),
    ]
    assert taxonomy.ancestors("asylum") == ["migration"]


def test_a_syntax_error_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('label = "Asylum"', 'label = "Asylum'))
    with pytest.raises(TaxonomyError) as error:
        load_taxonomy(path)
    message = str(error.value)
    assert str(path) in message
    assert "line 11" in message


def test_a_duplicate_id_names_the_id_and_both_lines(tmp_path: Path) -> None:
    text = GOOD + '\n[[theme]]\nid = "asylum"\nparent = "migration"\nlabel = "Again"\n'
    with pytest.raises(TaxonomyError) as error:
        load_taxonomy(write(tmp_path, text))
    message = str(error.value)
    assert "duplicate theme id 'asylum'" in message
    assert "line 17" in message  # the second definition
    assert "first defined on line 9" in message


def test_an_unknown_parent_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match=r"line 10: theme 'asylum': unknown parent 'migr'"):
        load_taxonomy(write(tmp_path, GOOD.replace('parent = "migration"', 'parent = "migr"')))


def test_a_parent_cycle_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace('id = "migration"\n', 'id = "migration"\nparent = "asylum"\n')
    with pytest.raises(TaxonomyError, match=r"cycle \(migration -> asylum -> migration\)"):
        load_taxonomy(write(tmp_path, text))


def test_a_malformed_cue_names_the_theme_the_cue_and_the_line(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match=r"line 13: theme 'asylum': cue 're\*'.*3 letters"):
        load_taxonomy(write(tmp_path, GOOD.replace('weak = ["refugee"]', 'weak = ["re*"]')))


def test_unknown_keys_and_bad_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match=r"line 12: theme 'asylum': unknown key 'cue'"):
        load_taxonomy(write(tmp_path, GOOD.replace("cues = [", "cue = [")))
    with pytest.raises(TaxonomyError, match="lower-case letters"):
        load_taxonomy(write(tmp_path, GOOD.replace('"asylum"\nparent', '"Asylum Law"\nparent')))
    with pytest.raises(TaxonomyError, match="threshold must be a positive number"):
        load_taxonomy(write(tmp_path, GOOD.replace("threshold = 1.0", "threshold = 0")))


def test_missing_file_and_invalid_utf8_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="cannot read the taxonomy"):
        load_taxonomy(tmp_path / "missing.toml")
    with pytest.raises(TaxonomyError, match="line 2: not valid UTF-8"):
        parse_taxonomy(b"version = 1\nthreshold = \xff\n", "broken.toml")


def test_dump_reads_back_to_the_same_taxonomy() -> None:
    taxonomy = load_taxonomy()
    again = parse_taxonomy(dump_taxonomy(taxonomy).encode("utf-8"), "dumped.toml")
    assert again.content_hash() == taxonomy.content_hash()
