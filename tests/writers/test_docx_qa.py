"""DOCX fixes from QA: quotes kept with their citations, source footnotes under the quote."""

from __future__ import annotations

import docx

from briefer.briefing.document import Quote, SourceNote
from briefer.writers import write_document
from tests.writers.conftest import make_document


def test_quote_style_keeps_with_its_citation(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "brief.docx"
    write_document(make_document([("A quote.", 1)]), "docx", path)
    quote = docx.Document(str(path)).styles["Quote"].paragraph_format
    assert quote.keep_with_next is True
    assert quote.keep_together is True


def test_source_footnote_follows_the_citation(tmp_path):  # type: ignore[no-untyped-def]
    document = make_document([("Ministers met in Kosovo[1] and the Balkans[2].", 1)])
    quote = next(b for b in document.blocks if isinstance(b, Quote))
    quote.source_notes = (SourceNote("[1]", "First note."), SourceNote("[2]", "Second note."))
    path = tmp_path / "brief.docx"
    write_document(document, "docx", path)
    paragraphs = [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]
    texts = [t for _, t in paragraphs]
    at = texts.index("Ministers met in Kosovo[1] and the Balkans[2].")  # verbatim
    assert paragraphs[at + 1][0] == "Citation"
    assert paragraphs[at + 2] == ("Note", "Source footnote [1]: First note.")
    assert paragraphs[at + 3] == ("Note", "Source footnote [2]: Second note.")
