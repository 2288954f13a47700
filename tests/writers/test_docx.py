"""The DOCX a user opens in Word: styles, contents, header and footer, notes, links, properties."""

from __future__ import annotations

import zipfile

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from briefer.writers import write_document
from tests.writers.conftest import KOSOVO_NOTE, make_document

QUOTES = [("Ministers of NUHODŽIĆ, Đorđe and Београд agreed on „quotes“ & <b>.", 1), ("Second.", 2)]


def _write(tmp_path, mode="inline"):  # type: ignore[no-untyped-def]
    path = tmp_path / f"brief-{mode}.docx"
    write_document(make_document(QUOTES, mode=mode), "docx", path)
    return path, docx.Document(str(path))


def test_paragraphs_carry_the_template_styles(tmp_path):  # type: ignore[no-untyped-def]
    _, word = _write(tmp_path)
    pairs = [(p.style.name, p.text) for p in word.paragraphs if p.text]
    assert ("Cover Classification", "OFFICIAL") in pairs
    assert ("Title", "EU–Western Balkans Ministerial Forum: briefing") in pairs
    assert ("Quote", QUOTES[0][0]) in pairs
    citation = next(i for i, (s, _) in enumerate(pairs) if s == "Citation")
    assert pairs[citation - 1] == ("Quote", QUOTES[0][0])
    assert ("Note", "Check with the desk.") in pairs
    assert ("Heading 1", "Annex: sources") in pairs
    # No direct formatting: runs name no fonts or sizes of their own.
    for p in word.paragraphs:
        for run in p.runs:
            assert run.font.name is None and run.font.size is None


def test_contents_is_a_filled_toc_field_linked_to_heading_bookmarks(tmp_path):  # type: ignore[no-untyped-def]
    path, word = _write(tmp_path)
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert 'TOC \\o "1-2" \\h \\z \\u' in xml
    toc = [p for p in word.paragraphs if p.style.name.startswith("toc ")]
    assert [p.text for p in toc] == [
        "Purpose",
        "Section 1: Key messages",
        "Lines to take 1",
        "Annex: sources",
    ]
    anchors = [
        h.get(docx.oxml.ns.qn("w:anchor"))
        for p in toc
        for h in p._p.iter(docx.oxml.ns.qn("w:hyperlink"))
    ]
    bookmarks = {
        b.get(docx.oxml.ns.qn("w:name"))
        for b in word.element.body.iter(docx.oxml.ns.qn("w:bookmarkStart"))
    }
    assert anchors and set(anchors) <= bookmarks


def test_marking_in_header_and_footer_with_page_x_of_y(tmp_path):  # type: ignore[no-untyped-def]
    path, word = _write(tmp_path)
    section = word.sections[0]
    assert [p.text for p in section.header.paragraphs] == ["OFFICIAL"]
    footer = [p.text for p in section.footer.paragraphs]
    assert footer[-1] == "OFFICIAL" and footer[0].startswith("Page 1 of ")
    package = zipfile.ZipFile(path)
    footer_xml = "".join(package.read(n).decode() for n in package.namelist() if "footer" in n)
    assert " PAGE " in footer_xml and " NUMPAGES " in footer_xml


def test_footnote_mode_makes_real_word_footnotes(tmp_path):  # type: ignore[no-untyped-def]
    path, word = _write(tmp_path, "footnotes")
    footnotes = zipfile.ZipFile(path).read("word/footnotes.xml").decode()
    assert "Joint Declaration, Ministerial Conference on Combating Terrorism" in footnotes
    assert KOSOVO_NOTE in footnotes
    assert not [p for p in word.paragraphs if p.style.name == "Citation"]
    body = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert body.count("<w:footnoteReference") == 3  # two citations and the Kosovo note
    assert 'w:customMarkFollows="1"' in body


def test_links_table_and_properties(tmp_path):  # type: ignore[no-untyped-def]
    _, word = _write(tmp_path)
    links = [r.target_ref for r in word.part.rels.values() if r.reltype == RT.HYPERLINK]
    assert "https://example.org/declaration?a=1&b=2" in links
    assert len(word.tables) == 1
    assert [c.text for c in word.tables[0].rows[0].cells] == ["No.", "Document", "Meeting", "Link"]
    props = word.core_properties
    assert props.title == "EU–Western Balkans Ministerial Forum: briefing"
    assert props.subject == "Ministerial Forum on Justice and Home Affairs, Skopje"
    assert props.author == "JHA Analysis Unit"
    assert props.last_modified_by == ""
