"""Readers: every format read into blocks; every bad input refused with a clear reason."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from briefer.ingest.pipeline import prepare_document
from briefer.ingest.readers import ReadError, read_document
from tests.ingest.builders import (
    HOSTILE_HTML,
    make_docx,
    make_docx_bomb,
    make_encrypted_pdf,
    make_pdf,
    make_scanned_pdf,
)

TEXT = "Ministri su se sastali u Beogradu.\n\nŠef policije Đorđe Vuković i ministarka Hodžić.\n"


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("utf-8", TEXT),
        ("utf-8-sig", TEXT),
        ("utf-16", TEXT),  # Python writes a BOM
        ("cp1250", TEXT),
        ("iso-8859-2", TEXT),
        ("cp1252", "Le ministre a déclaré « coopération » à Genève.\n\nÇa suffit, garçon.\n"),
    ],
)
def test_text_encodings_are_detected(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(text.encode(encoding))
    document = read_document(path)
    assert [b.text for b in document.blocks] == [line for line in text.split("\n") if line]


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ReadError, match="empty"):
        read_document(path)


def test_blank_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.md"
    path.write_text("\n\n   \n")
    with pytest.raises(ReadError, match="no text"):
        read_document(path)


def test_binary_junk_named_txt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 40 + b"\x00\x01\x02" * 100)
    with pytest.raises(ReadError, match="binary"):
        read_document(path)


def test_invalid_utf8_is_refused_not_decoded_into_mojibake(tmp_path: Path) -> None:
    path = tmp_path / "damaged.txt"
    good = "Ministarka Hodžić i ministar Vuković potpisali su sporazum o saradnji.\n".encode()
    path.write_bytes(good * 5 + b"Broken \xff\xfe\xc3\x28 bytes here.\n" + good)
    with pytest.raises(ReadError, match="invalid UTF-8"):
        read_document(path)


def test_huge_text_file_fails_clearly_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        line = b"The ministers agreed to step up cooperation on border management.\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            out.write(line)
    assert path.stat().st_size >= 50 * 1024 * 1024
    with pytest.raises(ReadError, match="too large"):
        read_document(path)


def test_markdown_structure(tmp_path: Path) -> None:
    path = tmp_path / "statement.md"
    path.write_text(
        "# Joint Statement\n\nThe Ministers **agreed** on *inter alia* the following[^1]:\n\n"
        "- faster returns;\n- joint patrols.\n\n[^1]: As set out in the action plan.\n"
    )
    document = prepare_document(path)
    kinds = [(p.kind, p.text) for p in document.passages]
    assert kinds == [
        ("heading", "Joint Statement"),
        ("body", "The Ministers agreed on inter alia the following[1]:"),
        ("list_item", "faster returns;"),
        ("list_item", "joint patrols."),
        ("footnote", "As set out in the action plan."),
    ]
    assert document.passages[1].footnote_markers == ["1"]


def test_html_main_content_without_scripts_navigation_or_entities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the HTML reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    path = tmp_path / "page.html"
    path.write_text(HOSTILE_HTML)
    document = prepare_document(path)
    texts = [p.text for p in document.passages]
    joined = "\n".join(texts)
    assert "INJECTED SCRIPT TEXT" not in joined
    assert "root:" not in joined  # /etc/passwd never read
    assert "Skip to content" not in joined and "Home" not in texts
    assert "All rights reserved" not in joined
    assert ("heading", "Border management") in [(p.kind, p.text) for p in document.passages]
    assert [p.text for p in document.passages if p.kind == "list_item"] == [
        "Faster returns of persons with no right to stay.",
        "Joint operations against smuggling networks.",
    ]
    assert document.title == "Ministers meet in Skopje"


def test_docx_paragraphs_headings_lists_and_footnotes(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "declaration.docx", footnotes={1: "Albania, Kosovo* and Serbia."})
    document = prepare_document(path)
    kinds = [(p.kind, p.paragraph, p.text) for p in document.passages]
    assert kinds == [
        ("heading", "", "Joint Declaration of the Ministers"),
        ("heading", "", "Migration and borders"),
        ("body", "1", "The Ministers welcomed the cooperation with the region¹."),
        ("body", "2", "They agreed to step up the fight against migrant smuggling."),
        ("list_item", "3", "set up joint investigation teams;"),
        ("list_item", "4", "exchange information on smuggling networks."),
        ("footnote", "fn 1", "Albania, Kosovo* and Serbia."),
    ]
    assert document.passages[2].footnote_markers == ["1"]
    assert document.title == "Joint Declaration of the Ministers"


def test_truncated_docx_is_refused(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "whole.docx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError, match="damaged or truncated"):
        read_document(path)


def test_docx_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    path = make_docx_bomb(tmp_path / "bomb.docx", inflated_mb=60)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(ReadError, match="zip bomb"):
        read_document(path)


def test_pdf_paragraphs_rebuilt_and_page_furniture_removed(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "conclusions.pdf", pages=3)
    document = prepare_document(path)
    texts = [p.text for p in document.passages]
    assert document.passages[0].kind == "heading" and texts[0] == "Conclusions"
    body = [p for p in document.passages if p.kind == "body"]
    assert len(body) == 9
    assert body[0].text.startswith("The Ministers responsible for home affairs")
    assert body[0].text.endswith("coming years of cooperation. (Part 1.)")
    assert all("Page " not in t and "Danube Region - Conclusions" not in t for t in texts)
    rules = {r.rule for r in document.removed}
    assert {"running-header", "page-number"} <= rules


def test_pdf_hyphenated_line_ends_are_rejoined(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "hyphen.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    c.setFont("Helvetica", 11)
    lines = [
        "The Ministers agreed to strengthen the coopera-",
        "tion with the European Border and Coast Guard",
        "Agency along the Western Balkan route.",
    ]
    for i, line in enumerate(lines):
        c.drawString(72, 700 - i * 14, line)
    c.showPage()
    c.save()
    document = prepare_document(path)
    assert [p.text for p in document.passages] == [
        "The Ministers agreed to strengthen the cooperation with the European Border and "
        "Coast Guard Agency along the Western Balkan route."
    ]


def test_pdf_without_text_layer_says_no_text_found(tmp_path: Path) -> None:
    path = make_scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(ReadError, match="no text found"):
        read_document(path)


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    source = make_pdf(tmp_path / "plain.pdf", pages=1)
    path = make_encrypted_pdf(tmp_path / "locked.pdf", source)
    with pytest.raises(ReadError, match="encrypted"):
        read_document(path)


def test_damaged_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF")
    with pytest.raises(ReadError):
        read_document(path)


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "table.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(ReadError, match=r"unsupported format \.xlsx"):
        read_document(path)


def test_pdf_footnote_marker_and_text_are_linked(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "footnote.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    c.setFont("Helvetica-Bold", 16)
    c.drawString(72, 780, "Joint Declaration")
    c.setFont("Helvetica", 11)
    c.drawString(72, 740, "The Ministers recalled the ongoing regional initiatives on countering")
    c.drawString(72, 726, "terrorism and violent extremism")
    text = c.beginText(72 + c.stringWidth("terrorism and violent extremism", "Helvetica", 11), 726)
    text.setFont("Helvetica", 7)
    text.setRise(4)
    text.textOut("1")  # a raised, small footnote marker
    text.setRise(0)
    text.setFont("Helvetica", 11)
    text.textOut(", and agreed to act.")
    c.drawText(text)
    c.drawString(72, 692, "They will meet again next year in Vienna to review progress.")
    c.setFont("Helvetica", 8)
    c.drawString(72, 90, "1 Such as the Salzburg Forum and the Brdo Process.")
    c.showPage()
    c.save()
    document = prepare_document(path)
    assert [(p.kind, p.paragraph, p.footnote_markers, p.text) for p in document.passages] == [
        ("heading", "", [], "Joint Declaration"),
        (
            "body",
            "1",
            ["1"],
            "The Ministers recalled the ongoing regional initiatives on countering terrorism "
            "and violent extremism¹, and agreed to act.",
        ),
        ("body", "2", [], "They will meet again next year in Vienna to review progress."),
        ("footnote", "fn 1", [], "Such as the Salzburg Forum and the Brdo Process."),
    ]


def test_html_footnote_references_in_sup_are_linked(tmp_path: Path) -> None:
    path = tmp_path / "notes.html"
    path.write_text(
        "<html><body><article><h1>Joint Statement</h1>"
        "<p>The Ministers welcomed the regional initiatives<sup><a href='#fn1'>1</a></sup> "
        "and agreed to meet again.</p>"
        "<p>They discussed returns, readmission and the fight against migrant smuggling.</p>"
        "<p><sup>1</sup> Such as the Salzburg Forum and the Brdo Process.</p>"
        "</article></body></html>"
    )
    document = prepare_document(path)
    body, note = document.passages[1], document.passages[-1]
    assert body.text == (
        "The Ministers welcomed the regional initiatives¹ and agreed to meet again."
    )
    assert body.footnote_markers == ["1"]
    assert (note.kind, note.text) == (
        "footnote",
        "Such as the Salzburg Forum and the Brdo Process.",
    )


def test_docx_footnote_typed_by_hand_with_a_superscript_number(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph("The Ministers recalled the initiatives")
    paragraph.add_run("2").font.superscript = True
    paragraph.add_run(" of the region.")
    document.add_paragraph("2 Such as the Brdo Process.")
    path = tmp_path / "manual.docx"
    document.save(str(path))
    passages = prepare_document(path).passages
    assert [(p.kind, p.paragraph, p.footnote_markers, p.text) for p in passages] == [
        ("body", "1", ["2"], "The Ministers recalled the initiatives² of the region."),
        ("footnote", "fn 2", [], "Such as the Brdo Process."),
    ]


def test_html_declared_charset_is_used_for_legacy_pages(tmp_path: Path) -> None:
    path = tmp_path / "legacy.htm"
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1250">'
        "</head><body><article><h1>Sastanak ministara</h1>"
        "<p>Ministar Đorđe Vuković i ministarka Hodžić sastali su se u Sarajevu i "
        "dogovorili saradnju u borbi protiv krijumčarenja.</p></article></body></html>"
    )
    path.write_bytes(html.encode("cp1250"))
    texts = [p.text for p in prepare_document(path).passages]
    assert any("Đorđe Vuković i ministarka Hodžić" in t for t in texts)
