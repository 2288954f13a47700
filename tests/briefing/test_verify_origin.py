"""`briefer verify` against the wrong library: said plainly, by library id or by the quotes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from briefer.cli.main import main
from briefer.services.library import open_ready_library
from briefer.store.library import LIBRARY_ID_KEY, Library, library_id, open_library
from briefer.writers.manifest import Manifest
from briefer.writers.verify import verify_file
from tests.briefing.conftest import CorpusBuilder, fill_corpus


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _stored_id(library: Library) -> str | None:
    with library.engine.connect() as connection:
        return connection.execute(
            text("SELECT value FROM library_info WHERE key = :k"), {"k": LIBRARY_ID_KEY}
        ).scalar()


def test_a_new_library_gets_an_id_and_an_old_one_gets_it_lazily(tmp_path: Path) -> None:
    library = open_library(str(tmp_path / "a.sqlite"))
    made = _stored_id(library)
    assert made and library_id(library) == made
    with library.engine.begin() as connection:  # a library made before ids existed
        connection.execute(text("DELETE FROM library_info WHERE key = :k"), {"k": LIBRARY_ID_KEY})
    given = library_id(library)
    assert given and given != made and library_id(library) == given == _stored_id(library)
    other = open_library(str(tmp_path / "b.sqlite"))
    assert library_id(other) != given
    library.close()
    other.close()


def test_manifest_keeps_the_library_id() -> None:
    manifest = Manifest(library_id="5f0c")
    manifest.add("A quote.", (3,))
    assert Manifest.from_json(manifest.to_json(), "x").library_id == "5f0c"
    assert Manifest.from_xml(manifest.to_xml(), "x").library_id == "5f0c"
    assert Manifest.from_json(Manifest().to_json(), "x").library_id is None


def _export(capsys: pytest.CaptureFixture[str], db: Path, target: Path) -> Library:
    library = open_ready_library(str(db))
    corpus = fill_corpus(CorpusBuilder(library), themes=False)
    run(capsys, db, "briefing", "new", "Brief")
    passages = [str(p) for p in list(corpus.passages.values())[:4]]
    code, _, err = run(capsys, db, "briefing", "add", "1", *passages)
    assert code == 0, err
    code, _, err = run(capsys, db, "export", "1", "-o", str(target))
    assert code == 0, err
    return library


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_verify_against_another_library_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    pytest.importorskip("briefer.writers")
    target = tmp_path / f"brief.{fmt}"
    home = _export(capsys, tmp_path / "home.sqlite", target)
    code, out, err = run(capsys, tmp_path / "home.sqlite", "verify", str(target))
    assert code == 0, err
    assert out.strip() == f"{target}: 4 quotes checked, all match"

    elsewhere = tmp_path / "elsewhere.sqlite"
    other = open_ready_library(str(elsewhere))
    CorpusBuilder(other).document(
        "unrelated",
        [(f"u{i}", f"An unrelated paragraph number {i} of another library.") for i in range(12)],
        title="Unrelated",
    )
    code, _, err = run(capsys, elsewhere, "verify", str(target))
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        f"{target}: 4 quotes checked, this file does not seem to come from this library "
        "(4 of 4 quoted passages are not in it)"
    )
    home.close()
    other.close()


def test_without_ids_most_quotes_missing_means_another_library(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("briefer.writers")
    target = tmp_path / "brief.docx"
    home = _export(capsys, tmp_path / "home.sqlite", target)
    report = verify_file(target, lambda ids: {})  # an export without ids, a library without
    assert report.other_library and report.foreign_quotes == 4
    assert report.as_json()["other_library"] is True
    with home.engine.connect() as connection:
        texts = dict(connection.execute(text("SELECT id, text FROM passage")).all())
    one_missing = verify_file(target, lambda ids: {i: texts[i] for i in list(ids)[1:]})
    assert not one_missing.other_library and one_missing.foreign_quotes == 1
    home.close()
