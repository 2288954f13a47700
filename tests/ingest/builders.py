"""Test files built on the fly (no binaries committed): DOCX, PDF and HTML fixtures."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

FOOTNOTES_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
{notes}
</w:footnotes>"""
NOTE_XML = '<w:footnote w:id="{id}"><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:footnote>'
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def make_docx(path: Path, *, footnotes: dict[int, str] | None = None) -> Path:
    """A declaration: title, heading, body paragraphs, a bulleted list, and footnotes.

    ``footnotes`` maps footnote id -> text; a reference to each is appended to the
    first body paragraph ("… the region¹").
    """
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_heading("Joint Declaration of the Ministers", level=0)
    document.add_heading("Migration and borders", level=1)
    first = document.add_paragraph("The Ministers welcomed the cooperation with the region")
    for note_id in footnotes or {}:
        run = first.add_run()
        reference = OxmlElement("w:footnoteReference")
        reference.set(qn("w:id"), str(note_id))
        run._r.append(reference)
    first.add_run(".")
    document.add_paragraph("They agreed to step up the fight against migrant smuggling.")
    document.add_paragraph("set up joint investigation teams;", style="List Bullet")
    document.add_paragraph("exchange information on smuggling networks.", style="List Bullet")
    document.save(str(path))
    if footnotes:
        _add_footnotes_part(path, footnotes)
    return path


def _add_footnotes_part(path: Path, footnotes: dict[int, str]) -> None:
    notes = "".join(NOTE_XML.format(id=i, text=t) for i, t in footnotes.items())
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdFn1" Type="{FOOTNOTES_REL}" '
                    f'Target="footnotes.xml"/></Relationships>'.encode(),
                )
            dst.writestr(item, data)
        dst.writestr("word/footnotes.xml", FOOTNOTES_XML.format(notes=notes))
    shutil.move(tmp, path)


def make_docx_bomb(path: Path, inflated_mb: int = 60) -> Path:
    """A DOCX whose document.xml inflates from a few kilobytes to tens of megabytes."""
    make_docx(path)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == "word/document.xml":
                info = zipfile.ZipInfo("word/document.xml")
                info.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(info, "w", force_zip64=True) as out:
                    chunk = b" " * (1 << 20)
                    for _ in range(inflated_mb):
                        out.write(chunk)
            else:
                dst.writestr(item, src.read(item.filename))
    shutil.move(tmp, path)
    return path


PDF_PARAGRAPHS = [
    "The Ministers responsible for home affairs of the Danube Region met in Novi Sad to "
    "discuss the fight against organised crime and the trafficking of firearms across the "
    "region, and agreed on common priorities for the coming years of cooperation.",
    "They agreed to intensify the exchange of information between the competent authorities "
    "and to strengthen the cooperation with Europol, Frontex and SELEC in joint operations "
    "against smuggling networks operating along the river.",
    "Finally, the Ministers tasked their experts to prepare a common action plan before the "
    "next conference and to report on its implementation to the Steering Group.",
]


def make_pdf(path: Path, *, pages: int = 3, heading: str = "Conclusions") -> Path:
    """A multi-page PDF with a running header, page numbers, a heading and paragraphs."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()

    def furniture(canvas, doc):  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, A4[1] - 40, "EU Strategy for the Danube Region - Conclusions")
        canvas.drawString(A4[0] / 2, 30, f"Page {doc.page} of {pages}")
        canvas.restoreState()

    story = [Paragraph(heading, styles["Heading1"]), Spacer(1, 12)]
    for page in range(pages):
        for text in PDF_PARAGRAPHS:
            story.append(Paragraph(f"{text} (Part {page + 1}.)", styles["BodyText"]))
            story.append(Spacer(1, 10))
        if page < pages - 1:
            story.append(PageBreak())
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(
        story, onFirstPage=furniture, onLaterPages=furniture
    )
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF with no text layer (a drawing only), like a scan."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), invariant=1)
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    return path


def make_encrypted_pdf(path: Path, source: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(source)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner-secret")
    with path.open("wb") as out:
        writer.write(out)
    return path


HOSTILE_HTML = """<!DOCTYPE html [
  <!ENTITY secret SYSTEM "file:///etc/passwd">
  <!ENTITY remote SYSTEM "http://127.0.0.1:9/steal">
]>
<html lang="en"><head><title>Ministers meet in Skopje | Presidency</title>
<script>document.write('INJECTED SCRIPT TEXT')</script>
<script src="http://127.0.0.1:9/tracker.js"></script>
<link rel="stylesheet" href="http://127.0.0.1:9/style.css">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="#c">Skip to content</a></li></ul></nav>
<main><article>
<h1>Ministers meet in Skopje</h1>
<p>The ministers of the interior met in Skopje to discuss migration and security &secret; &remote;.</p>
<img src="http://127.0.0.1:9/photo.jpg" alt="Group photo">
<h2>Border management</h2>
<p>They agreed to step up cooperation with Frontex along the Western Balkan route.</p>
<ul><li>Faster returns of persons with no right to stay.</li>
<li>Joint operations against smuggling networks.</li></ul>
<iframe src="http://127.0.0.1:9/frame"></iframe>
</article></main>
<footer>Copyright 2022 Presidency. All rights reserved.</footer>
</body></html>
"""
