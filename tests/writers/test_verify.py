"""``briefer verify`` accepts a faithful export and rejects a tampered file or a changed library."""

from __future__ import annotations

import json
import zipfile

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject
from sqlalchemy import update

from briefer.cli.main import main
from briefer.services.verification import verify_export
from briefer.store.models import Passage
from briefer.writers import write_document
from tests.writers.conftest import make_document

TEXTS = [
    "The Ministers agreed to strengthen cooperation against migrant smuggling.",
    "Participants welcomed the progress of Kosovo* and Serbia on visa liberalisation.",
]


@pytest.fixture
def exported(library, stored, tmp_path):  # type: ignore[no-untyped-def]
    ids = stored(TEXTS)
    document = make_document(list(zip(TEXTS, ids, strict=True)), mode="footnotes")
    paths = {}
    for fmt in ("docx", "pdf"):
        paths[fmt] = tmp_path / f"brief.{fmt}"
        write_document(document, fmt, paths[fmt])
    return ids, paths


def _tamper_docx(path) -> None:  # type: ignore[no-untyped-def]
    word = docx.Document(str(path))
    quote = next(p for p in word.paragraphs if p.style.name == "Quote")
    quote.runs[0].text = quote.runs[0].text.replace("strengthen", "weaken")
    word.save(str(path))


def _tamper_pdf(path) -> None:  # type: ignore[no-untyped-def]
    reader = PdfReader(str(path))
    writer = PdfWriter(clone_from=reader)
    for page in writer.pages:
        contents = page.get_contents()
        data = contents.get_data()
        if b"strengthen" in data:
            stream = StreamObject()
            stream.set_data(data.replace(b"strengthen", b"strengthEn"))
            page[NameObject("/Contents")] = writer._add_object(stream)
            break
    else:  # pragma: no cover
        raise AssertionError("quote text not found in any content stream")
    with open(path, "wb") as handle:
        writer.write(handle)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_faithful_export_verifies(library, exported, fmt):  # type: ignore[no-untyped-def]
    _, paths = exported
    report = verify_export(library, paths[fmt])
    assert report.ok and report.quotes == 2


@pytest.mark.parametrize("fmt,tamper", [("docx", _tamper_docx), ("pdf", _tamper_pdf)])
def test_tampered_quote_is_rejected(library, exported, fmt, tamper):  # type: ignore[no-untyped-def]
    ids, paths = exported
    tamper(paths[fmt])
    report = verify_export(library, paths[fmt])
    assert [(m.problem, m.quote, m.passage_ids) for m in report.mismatches] == [
        ("quote_altered", 1, (ids[0],))
    ]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_passage_changed_in_library_is_reported(library, exported, fmt):  # type: ignore[no-untyped-def]
    ids, paths = exported
    with library.session() as session:
        session.execute(update(Passage).where(Passage.id == ids[1]).values(text="Something else."))
    problems = {m.problem for m in verify_export(library, paths[fmt]).mismatches}
    assert problems == {"passage_changed", "quote_altered"}


def test_quote_paragraph_added_in_word_is_reported(library, exported):  # type: ignore[no-untyped-def]
    _, paths = exported
    word = docx.Document(str(paths["docx"]))
    word.add_paragraph("A quote typed by hand.", style="Quote")
    word.save(str(paths["docx"]))
    report = verify_export(library, paths["docx"])
    assert [m.problem for m in report.mismatches] == ["untracked"]


def test_cli_verify_exit_codes_and_json(library, exported, db_path, capsys):  # type: ignore[no-untyped-def]
    _, paths = exported
    assert main(["--db", str(db_path), "verify", str(paths["pdf"]), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["quotes"] == 2 and data["mismatches"] == []
    _tamper_docx(paths["docx"])
    assert main(["--db", str(db_path), "verify", str(paths["docx"])]) == 1
    out = capsys.readouterr()
    assert "MISMATCH  quote 1: the text in the file differs" in out.out


def test_cli_verify_a_file_that_is_not_an_export(library, db_path, tmp_path, capsys):  # type: ignore[no-untyped-def]
    plain = tmp_path / "plain.docx"
    docx.Document().save(str(plain))
    assert main(["--db", str(db_path), "verify", str(plain)]) == 1
    assert f"{plain}: no Briefer quote list" in capsys.readouterr().err
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    assert main(["--db", str(db_path), "verify", str(broken)]) == 1
    assert str(broken) in capsys.readouterr().err


def test_docx_quote_list_is_a_custom_xml_part(exported):  # type: ignore[no-untyped-def]
    _, paths = exported
    package = zipfile.ZipFile(paths["docx"])
    parts = [n for n in package.namelist() if n.startswith("customXml/item")]
    assert any(b"urn:x-briefer:quotes:1" in package.read(n) for n in parts)


def test_republished_copy_cited_with_a_quote(library, stored, tmp_path):  # type: ignore[no-untyped-def]
    """A quote cites every copy of a republished sentence; copies may differ in quote marks."""
    original = "The Ministers called it a \u201cdecisive step\u201d \u2013 together."
    copy = 'The ministers called it a "decisive step" - together.'
    ids = stored([original, copy])
    from briefer.briefing.document import Quote
    from tests.writers.conftest import CITATION

    document = make_document([])
    document.blocks.insert(3, Quote(original, CITATION, (ids[0], ids[1])))
    for fmt in ("docx", "pdf"):
        path = tmp_path / f"copies.{fmt}"
        write_document(document, fmt, path)
        assert verify_export(library, path).ok
    with library.session() as session:
        session.execute(update(Passage).where(Passage.id == ids[1]).values(text="Other words."))
    for fmt in ("docx", "pdf"):
        report = verify_export(library, tmp_path / f"copies.{fmt}")
        assert [(m.problem, m.passage_ids) for m in report.mismatches] == [
            ("passage_changed", (ids[0], ids[1]))
        ]
        assert f"passage {ids[1]} (a copy cited with it)" in report.mismatches[0].message
