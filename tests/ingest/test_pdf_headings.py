"""PDF section headings set in bold, a larger size or capitals are headings, not body."""

from __future__ import annotations

from pathlib import Path

from briefer.ingest.pipeline import prepare_document

BODY = (
    "The Ministers note with concern that firearms from the arsenals of the past continue "
    "to reach criminal groups across the region and agree to treat this as a priority."
)


def _make_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    body = ParagraphStyle("body", fontName="Times-Roman", fontSize=11, leading=14)
    bold = ParagraphStyle("bold", parent=body, fontName="Times-Bold")
    larger = ParagraphStyle("larger", parent=body, fontSize=12.5, leading=16)
    title = ParagraphStyle("title", parent=bold, fontSize=16, leading=20)
    story = [
        Paragraph("Ministerial Conference on Organised Crime", title),
        Spacer(1, 12),
        Paragraph("CONCLUSIONS", bold),
        Spacer(1, 10),
        Paragraph("Have adopted the following conclusions:", body),
        Spacer(1, 10),
        Paragraph("Firearms", bold),
        Spacer(1, 10),
        Paragraph(f"1. {BODY}", body),
        Spacer(1, 10),
        # A bold heading directly above its paragraph, no gap: still its own block.
        Paragraph("Money laundering and corruption", bold),
        Paragraph(f"2. {BODY}", body),
        Spacer(1, 10),
        Paragraph("Follow-up", larger),
        Spacer(1, 10),
        Paragraph("The Ministers agreed.", bold),  # a bold sentence is not a heading
        Spacer(1, 10),
        Paragraph(f"3. {BODY}", body),
    ]
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)
    return path


def test_bold_larger_and_capital_section_lines_are_headings(tmp_path: Path) -> None:
    document = prepare_document(_make_pdf(tmp_path / "conclusions.pdf"))
    kinds = {p.text: (p.kind, p.paragraph) for p in document.passages}
    for heading in ("CONCLUSIONS", "Firearms", "Money laundering and corruption", "Follow-up"):
        assert kinds[heading] == ("heading", ""), heading
    assert kinds["Have adopted the following conclusions:"][0] == "body"
    assert kinds["The Ministers agreed."][0] == "body"
    assert [p.paragraph for p in document.passages if p.text == BODY] == ["1", "2", "3"]


def test_sample_conclusions_pdf_section_headings(tmp_path: Path) -> None:
    path = Path(__file__).parents[2] / "resources/sample/03_danube-region-2017_conclusions.pdf"
    document = prepare_document(path)
    headings = [p.text for p in document.passages if p.kind == "heading"]
    for name in (
        "CONCLUSIONS",
        "Firearms",
        "Drugs",
        "Money laundering and corruption",
        "Follow-up",
    ):
        assert name in headings
