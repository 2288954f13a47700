"""The briefing commands: JSON output, plain output and exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefer.cli.main import main
from briefer.services.library import open_ready_library
from briefer.store.library import Library
from tests.briefing.conftest import Corpus, CorpusBuilder, fill_corpus


@pytest.fixture
def ready(db_path: Path) -> Iterator[Library]:
    """A library as the CLI opens it (shipped taxonomy and countries loaded)."""
    library = open_ready_library(str(db_path))
    yield library
    library.close()


@pytest.fixture
def data(ready: Library) -> Corpus:
    return fill_corpus(CorpusBuilder(ready), themes=False)


def run(db_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db_path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(db_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> object:
    code, out, err = run(db_path, capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_new_with_preset_then_list_and_show(
    db_path: Path, data: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    made = run_json(
        db_path,
        capsys,
        "briefing",
        "new",
        "Danube brief",
        "--preset",
        "Ministerial meeting brief",
        "--classification",
        "OFFICIAL",
    )
    assert isinstance(made, dict)
    assert [s["heading"] for s in made["sections"]][:2] == ["Purpose", "Key messages"]
    assert made["classification"] == "OFFICIAL"
    cover = run_json(
        db_path,
        capsys,
        "briefing",
        "new",
        "With cover",
        "--subtitle",
        "Sofia meeting",
        "--purpose",
        "Prepare",
        "--audience",
        "Minister",
        "--author",
        "JHA unit",
        "--date",
        "2024-05-02",
    )
    assert isinstance(cover, dict)
    assert (cover["subtitle"], cover["purpose"], cover["audience"], cover["author"]) == (
        "Sofia meeting",
        "Prepare",
        "Minister",
        "JHA unit",
    )
    assert cover["date"] == "2024-05-02"
    # Deleted again through the service, so the listing below shows the first one only.
    from briefer.services.briefings import delete_briefing
    from briefer.store.library import open_library

    other = open_library(str(db_path))
    delete_briefing(other, cover["id"])
    other.close()
    listed = run_json(db_path, capsys, "briefing", "list")
    assert listed == [
        {
            "id": made["id"],
            "title": "Danube brief",
            "classification": "OFFICIAL",
            "preset": "ministerial-meeting-brief",
            "sections": 6,
            "items": 0,
            "created_at": made["created_at"],
            "modified_at": made["modified_at"],
            "version": 1,
        }
    ]
    code, out, _ = run(db_path, capsys, "briefing", "show", str(made["id"]))
    assert code == 0
    assert "Briefing 1: Danube brief" in out and "[section" in out and "(no items yet)" in out


def test_add_to_a_named_section_and_show_json(
    db_path: Path, data: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    run(db_path, capsys, "briefing", "new", "Brief", "--preset", "ministerial-meeting-brief")
    p = data.passages
    added = run_json(
        db_path,
        capsys,
        "briefing",
        "add",
        "1",
        str(p["s2"]),
        str(p["n1"]),
        "--section",
        "key messages",
    )
    assert isinstance(added, dict)
    assert len(added["item_ids"]) == 2
    assert added["sections"] == [{"id": 2, "heading": "Key messages", "created": False}]
    shown = run_json(db_path, capsys, "briefing", "show", "1")
    assert isinstance(shown, dict)
    items = shown["sections"][1]["items"]
    assert items[0]["quote"] == "Firearms trafficking remains a threat & a priority <b>now</b>."
    assert items[0]["citation"].startswith("Joint Declaration, Ministerial Conference")
    assert items[0]["sources"][0]["passage_id"] == p["s2"]
    assert shown["version"] == 2
    # No section named: the last section before the annex; a new heading makes a section.
    run(db_path, capsys, "briefing", "add", "1", str(p["f1"]))
    added = run_json(
        db_path, capsys, "briefing", "add", "1", str(p["s1"]), "--section", "Defensive"
    )
    assert added["sections"][0]["created"] is True  # type: ignore[index]
    shown = run_json(db_path, capsys, "briefing", "show", "1")
    headings = [s["heading"] for s in shown["sections"]]  # type: ignore[index]
    assert headings[-2:] == ["Defensive", "Annex: sources"]
    assert shown["sections"][4]["items"][0]["passage_id"] == p["f1"]  # type: ignore[index]


def test_thematic_digest_files_added_quotes_by_theme_in_date_order(
    db_path: Path, data: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    run(db_path, capsys, "briefing", "new", "Digest", "--preset", "Thematic digest")
    p = data.passages
    run(db_path, capsys, "briefing", "add", "1", str(p["f1"]), str(p["n1"]))
    added = run_json(db_path, capsys, "briefing", "add", "1", str(p["s1"]), str(p["s2"]))
    assert isinstance(added, dict)
    shown = run_json(db_path, capsys, "briefing", "show", "1")
    layout = [
        (s["heading"], [i["passage_id"] for i in s["items"]])
        for s in shown["sections"]  # type: ignore[index]
    ]
    # f1 has no date: s1 (2016) goes before it in Counter-terrorism.
    headings = dict(layout)
    assert headings["Counter-terrorism"] == [p["s1"], p["f1"]]
    assert [p["n1"]] in headings.values()
    assert [p["s2"]] in headings.values()


def test_unknown_ids_are_one_line_errors_with_exit_1(
    db_path: Path, data: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    for args, message in [
        (("briefing", "show", "42"), "briefer: briefing 42 does not exist"),
        (("briefing", "add", "42", "1"), "briefer: briefing 42 does not exist"),
        (("export", "42", "-o", "x.docx"), "briefer: briefing 42 does not exist"),
        (("briefing", "new", "X", "--preset", "nope"), "briefer: no briefing preset named 'nope'"),
    ]:
        code, _out, err = run(db_path, capsys, *args)
        assert code == 1, args
        assert err.startswith(message), err
        assert len(err.strip().splitlines()) == 1
    run(db_path, capsys, "briefing", "new", "Brief")
    code, _, err = run(db_path, capsys, "briefing", "add", "1", "123456")
    assert code == 1 and err.strip() == "briefer: passage 123456 not in the library"
    shown = run_json(db_path, capsys, "briefing", "show", "1")
    assert shown["sections"] == []  # type: ignore[index]


def test_export_needs_a_known_format(
    db_path: Path, tmp_path: Path, data: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    run(db_path, capsys, "briefing", "new", "Brief")
    code, _, err = run(db_path, capsys, "export", "1", "-o", str(tmp_path / "brief.txt"))
    assert code == 2
    assert "give --format docx or pdf" in err


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_export_and_build_write_files(
    db_path: Path, tmp_path: Path, data: Corpus, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    pytest.importorskip("briefer.writers")
    run(db_path, capsys, "briefing", "new", "Brief", "--classification", "OFFICIAL")
    run(db_path, capsys, "briefing", "add", "1", str(data.passages["s1"]))
    target = tmp_path / f"brief.{fmt}"
    result = run_json(
        db_path,
        capsys,
        "export",
        "1",
        "-o",
        str(target),
        "--citations",
        "footnotes",
        "--classification",
        "LIMITED",
    )
    assert isinstance(result, dict)
    assert result["path"] == str(target) and result["format"] == fmt and result["quotes"] == 1
    assert target.stat().st_size > 0
    built = tmp_path / f"built.{fmt}"
    result = run_json(
        db_path,
        capsys,
        "build",
        "terrorism OR firearms",
        "--title",
        "Built",
        "--format",
        fmt,
        "-o",
        str(built),
        "--group-by",
        "meeting",
    )
    assert isinstance(result, dict)
    assert result["matched"] == 2 and result["items"] == 2 and result["sections"] == 2
    assert built.stat().st_size > 0
    shown = run_json(db_path, capsys, "briefing", "show", str(result["briefing_id"]))
    assert shown["title"] == "Built"  # type: ignore[index]


def test_build_with_no_match_stores_nothing(
    db_path: Path, tmp_path: Path, data: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        db_path, capsys, "build", "zzzznothing", "--title", "T", "-o", str(tmp_path / "t.docx")
    )
    assert code == 1
    assert err.startswith("briefer: no passage matches")
    assert not (tmp_path / "t.docx").exists()
    assert run_json(db_path, capsys, "briefing", "list") == []


def test_build_theme_filter_and_unknown_theme(
    db_path: Path, tmp_path: Path, data: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("briefer.writers")
    code, _, err = run(
        db_path,
        capsys,
        "build",
        "--theme",
        "no-such-theme",
        "--title",
        "T",
        "-o",
        str(tmp_path / "t.docx"),
    )
    assert code == 1 and "no-such-theme" in err
    result = run_json(
        db_path,
        capsys,
        "build",
        "--theme",
        "security",
        "--title",
        "Security",
        "-o",
        str(tmp_path / "s.docx"),
    )
    shown = run_json(db_path, capsys, "briefing", "show", str(result["briefing_id"]))  # type: ignore[index]
    assert [s["heading"] for s in shown["sections"]] == [
        "Counter-terrorism",
        "Firearms trafficking",
    ]  # type: ignore[index]


def test_presets_command_lists_both_presets(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    presets = run_json(db_path, capsys, "briefing", "presets")
    assert isinstance(presets, list)
    names = {p["name"]: p for p in presets}
    assert names["Ministerial meeting brief"]["sections"][-1] == "Annex: sources"
    assert names["Thematic digest"]["group_by"] == "theme"


def test_rename_duplicate_delete(
    db_path: Path, data: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    run(db_path, capsys, "briefing", "new", "Brief", "--preset", "ministerial-meeting-brief")
    run(db_path, capsys, "briefing", "add", "1", str(data.passages["s1"]))
    assert run(db_path, capsys, "briefing", "rename", "1", "Sofia brief")[0] == 0
    code, out, _ = run(db_path, capsys, "briefing", "duplicate", "1")
    assert code == 0 and out.strip() == "Copied briefing 1 to briefing 2"
    copy = run_json(db_path, capsys, "briefing", "show", "2")
    assert copy["title"] == "Sofia brief (copy)"  # type: ignore[index]
    assert sum(len(s["items"]) for s in copy["sections"]) == 1  # type: ignore[index]
    assert run(db_path, capsys, "briefing", "delete", "1")[0] == 0
    assert [b["id"] for b in run_json(db_path, capsys, "briefing", "list")] == [2]  # type: ignore[union-attr]
    code, _, err = run(db_path, capsys, "briefing", "delete", "1")
    assert code == 1 and err.strip() == "briefer: briefing 1 does not exist"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("citations", ["inline", "footnotes"])
def test_exported_quotes_verify_against_the_library(
    db_path: Path,
    tmp_path: Path,
    ready: Library,
    capsys: pytest.CaptureFixture[str],
    fmt: str,
    citations: str,
) -> None:
    pytest.importorskip("briefer.writers")
    pytest.importorskip("briefer.cli.verify_commands")
    builder = CorpusBuilder(ready)
    fill_corpus(builder, themes=False)
    builder.document(
        "odd",
        [
            ("o1", "Kosovo and Serbia agreed; AT&T <font>x</font> 🇪🇺 مرحبا Đorđe „Београд“"),
            ("o2", "y" * 300),
        ],
        title="Odd",
    )
    run(
        db_path,
        capsys,
        "briefing",
        "new",
        "Visit to Kosovo",
        "--preset",
        "Ministerial meeting brief",
    )
    p = builder.corpus.passages
    run(db_path, capsys, "briefing", "add", "1", str(p["o1"]), str(p["o2"]), str(p["s2"]))
    target = tmp_path / f"brief.{fmt}"
    code, _, err = run(db_path, capsys, "export", "1", "-o", str(target), "--citations", citations)
    assert code == 0, err
    code, out, err = run(db_path, capsys, "verify", str(target))
    assert code == 0, out + err


def test_build_takes_the_query_and_filters_of_search(
    db_path: Path, tmp_path: Path, data: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("briefer.writers")
    # Unquoted words, as `briefer search` takes them; YYYY dates mean whole years.
    result = run_json(
        db_path,
        capsys,
        "build",
        "prevent",
        "radicalisation",
        "--from",
        "2016",
        "--to",
        "2016",
        "--title",
        "T",
        "-o",
        str(tmp_path / "t.docx"),
    )
    assert result["matched"] == 1  # type: ignore[index]
    code, _, err = run(
        db_path,
        capsys,
        "build",
        "--from",
        "2017",
        "--to",
        "2016",
        "--title",
        "T",
        "-o",
        str(tmp_path / "u.docx"),
    )
    assert code == 2 and "is after --to" in err


def test_export_to_an_unwritable_place_is_a_one_line_error(
    db_path: Path, tmp_path: Path, data: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("briefer.writers")
    run(db_path, capsys, "briefing", "new", "Brief")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = run(db_path, capsys, "export", "1", "-o", str(blocker / "brief.docx"))
    assert code == 1
    assert err.startswith(f"briefer: {blocker / 'brief.docx'}")
    assert len(err.strip().splitlines()) == 1


def test_build_says_why_fewer_passages_were_quoted_than_matched(
    db_path: Path, tmp_path: Path, ready: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    """A matching heading is left out (not a statement), which a larger --limit would not
    change; only a search cut by the limit suggests raising it."""
    pytest.importorskip("briefer.writers")
    source = tmp_path / "statement.md"
    source.write_text(
        "# Joint statement on firearms trafficking\n\n"
        "## Firearms trafficking\n\n"
        "Ministers agreed to act against firearms trafficking on the Balkan route.\n\n"
        "Ministers asked Europol to report on firearms trafficking every year.\n",
        encoding="utf-8",
    )
    code, _, err = run(db_path, capsys, "import", str(source))
    assert code == 0, err
    out = tmp_path / "t.docx"
    code, _, err = run(db_path, capsys, "build", "firearms", "--title", "T", "-o", str(out))
    assert code == 0, err
    assert "left out 2 matching headings or datelines" in err  # the title and "## Firearms…"
    assert "--limit" not in err
    code, _, err = run(
        db_path, capsys, "build", "firearms", "--limit", "1", "--title", "T", "-o", str(out)
    )
    assert code == 0, err
    assert "the search matched 4 passages; only the 1 most relevant were taken" in err
