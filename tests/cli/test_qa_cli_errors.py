"""QA fixes: database and URL errors are one line, not a traceback; small output fixes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefer.cli.main import main
from briefer.services.library import open_ready_library
from briefer.store import engine as engine_module
from tests.briefing.conftest import Corpus, CorpusBuilder, fill_corpus


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(db_path: Path) -> Iterator[Corpus]:
    library = open_ready_library(str(db_path))
    corpus = fill_corpus(CorpusBuilder(library), themes=False)
    library.close()
    yield corpus


@pytest.fixture
def read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new SQLite connection refuses writes, as a read-only file does (tests run as root,
    so file permissions cannot make one)."""
    configure = engine_module._configure_sqlite

    def configure_read_only(dbapi_connection, record):  # type: ignore[no-untyped-def]
        configure(dbapi_connection, record)
        dbapi_connection.execute("PRAGMA query_only=ON")

    monkeypatch.setattr(engine_module, "_configure_sqlite", configure_read_only)


def test_query_only_really_gives_the_read_only_error(db_path: Path, data: Corpus) -> None:
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA query_only=ON")
    with pytest.raises(sqlite3.OperationalError, match="attempt to write a readonly database"):
        connection.execute("DELETE FROM passage")
    connection.close()


@pytest.mark.parametrize(
    "args",
    [
        ("tag", "{passage}", "--theme", "drugs"),
        ("meeting", "set", "{document}", "--city", "X"),
        ("briefing", "new", "X"),
    ],
)
def test_writing_to_a_read_only_library_is_one_line(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    data: Corpus,
    read_only: None,
    args: tuple[str, ...],
) -> None:
    values = {
        "passage": str(next(iter(data.passages.values()))),
        "document": str(next(iter(data.documents.values()))),
    }
    code, _, err = run(capsys, "--db", str(db_path), *(a.format(**values) for a in args))
    assert code == 1
    assert "Traceback" not in err
    assert err.strip() == (
        f"briefer: {db_path}: cannot write to the library (attempt to write a readonly database)"
    )


@pytest.mark.parametrize("url", ["foo://bar", "mysql://u@h/db"])
def test_unsupported_url_is_one_line(capsys: pytest.CaptureFixture[str], url: str) -> None:
    code, _, err = run(capsys, "--db", url, "documents")
    assert code == 1
    assert err.strip() == (
        f"briefer: {url}: unsupported library URL "
        "(use a SQLite file path or postgresql+psycopg://…)"
    )


def test_empty_db_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", "", "documents")
    assert code == 2
    assert "--db" in err


def test_empty_env_var_means_the_default_library(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFER_DB", "")
    code, _, err = run(capsys, "documents", "--json")
    assert code == 0, err
    assert engine_module.default_library_path().exists()


def test_failed_import_says_failed_once(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "--db", str(db_path), "import", str(empty))
    assert code == 1
    [line] = [line for line in err.splitlines() if str(empty) in line]
    assert line.startswith("failed ")
    assert line.endswith(f"{empty}: the file is empty")  # not "…: failed: the file is empty"
    code, out, _ = run(capsys, "--db", str(db_path), "import", str(empty), "--json")
    [outcome] = json.loads(out)
    assert outcome["status"] == "failed" and outcome["reason"] == "the file is empty"


def test_show_manual_tag_has_no_dangling_separator(
    capsys: pytest.CaptureFixture[str], db_path: Path, data: Corpus
) -> None:
    passage = str(next(iter(data.passages.values())))
    assert run(capsys, "--db", str(db_path), "tag", passage, "--theme", "drugs")[0] == 0
    code, out, _ = run(capsys, "--db", str(db_path), "show", passage)
    assert code == 0
    [line] = [line for line in out.splitlines() if line.strip().startswith("drugs")]
    assert "manual" in line
    assert not line.rstrip().endswith("·")


def test_retag_batch_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "retag", "--help")
    assert code == 0
    batch = out[out.index("--batch") : out.index("--workers")]
    assert "per" in batch and "[default: 2000" in batch


def test_export_json_gives_an_absolute_path(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    data: Corpus,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    run(capsys, "--db", str(db_path), "briefing", "new", "Brief")
    run(capsys, "--db", str(db_path), "briefing", "add", "1", str(data.passages["s1"]))
    code, out, err = run(capsys, "--db", str(db_path), "export", "1", "-o", "b.docx", "--json")
    assert code == 0, err
    assert json.loads(out)["path"] == str(tmp_path / "b.docx")
