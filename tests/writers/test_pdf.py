"""The PDF: embedded fonts, contents with page numbers and links, outline, furniture, metadata."""

from __future__ import annotations

import re

from pypdf import PdfReader

from briefer.writers import write_document
from tests.writers.conftest import make_document

QUOTES = [("Ministers of NUHODŽIĆ, Đorđe and Београд agreed on „quotes“ & <b>.", 1), ("Second.", 2)]


def _write(tmp_path, mode="inline", quotes=QUOTES):  # type: ignore[no-untyped-def]
    path = tmp_path / f"brief-{mode}.pdf"
    report = write_document(make_document(quotes, mode=mode), "pdf", path)
    return report, PdfReader(str(path))


def test_unicode_text_in_embedded_fonts(tmp_path):  # type: ignore[no-untyped-def]
    _, pdf = _write(tmp_path)
    text = "\n".join(page.extract_text() for page in pdf.pages)
    for word in ("NUHODŽIĆ", "Đorđe", "Београд", "„quotes“", "& <b>", "AT&T <b>"):
        assert word in text
    embedded = set()
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "DejaVu" in font["/BaseFont"]:
                assert "/FontFile2" in font["/FontDescriptor"]  # the font program is in the file
                embedded.add(font["/BaseFont"].split("+")[-1])
    assert {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"} <= embedded


def test_contents_numbers_outline_and_links(tmp_path):  # type: ignore[no-untyped-def]
    report, pdf = _write(tmp_path)
    contents = pdf.pages[1].extract_text()
    assert re.search(r"Purpose\s*\n?.*3", contents, re.S)
    assert "Annex: sources" in contents
    outline = [item.title for item in pdf.outline if not isinstance(item, list)]
    assert outline[:2] == ["Purpose", "Section 1: Key messages"]
    links = [a.get_object() for a in pdf.pages[1].get("/Annots", [])]
    assert len(links) == 4 and all(a["/Subtype"] == "/Link" for a in links)
    assert report.pages == len(pdf.pages)
    uris = [
        a.get_object()["/A"]["/URI"]
        for page in pdf.pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert "https://example.org/declaration?a=1&b=2" in uris  # escaped in markup, exact in the link


def test_every_page_has_marking_and_page_x_of_y(tmp_path):  # type: ignore[no-untyped-def]
    _, pdf = _write(tmp_path, quotes=[(f"Quote {i} " + "word " * 80, i) for i in range(40)])
    total = len(pdf.pages)
    assert total > 4
    for number, page in enumerate(pdf.pages, 1):
        text = page.extract_text()
        assert text.count("OFFICIAL") >= 2
        assert f"Page {number} of {total}" in text


def test_metadata_names_the_briefing_not_the_machine(tmp_path):  # type: ignore[no-untyped-def]
    _, pdf = _write(tmp_path)
    meta = pdf.metadata
    assert meta.title == "EU–Western Balkans Ministerial Forum: briefing"
    assert meta.subject == "Ministerial Forum on Justice and Home Affairs, Skopje"
    assert meta.author == "JHA Analysis Unit"
    assert meta.creator == "Briefer"


def test_footnote_mode_numbers_notes_at_section_end(tmp_path):  # type: ignore[no-untyped-def]
    _, pdf = _write(tmp_path, mode="footnotes")
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Notes" in text
    assert "1 Joint Declaration, Ministerial Conference" in text.replace("\xa0", " ")
    assert "This designation is without prejudice" in text


def test_reproducible_output(tmp_path):  # type: ignore[no-untyped-def]
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    write_document(make_document(QUOTES), "pdf", a)
    write_document(make_document(QUOTES), "pdf", b)
    assert a.read_bytes() == b.read_bytes()


def test_note_links_are_unique_across_sections(tmp_path):  # type: ignore[no-untyped-def]
    """Notes restart per section; each mark still links to its own note and back."""
    path = tmp_path / "notes.pdf"
    document = make_document([(f"Quote {i}.", i) for i in range(6)], mode="footnotes", sections=3)
    write_document(document, "pdf", path)
    targets = []
    for page in PdfReader(str(path)).pages:
        for annot in page.get("/Annots", []):
            dest = annot.get_object().get("/Dest")
            if dest is not None:
                targets.append((dest[0].idnum, float(dest[2]), float(dest[3])))
    notes = 6 + 1  # six citations and the Kosovo note: a link to each and one back
    assert len(targets) >= 2 * notes
    assert len(set(targets)) == len(targets)
