"""PDF fixes from QA: fonts all embedded, true dates, citations kept with their quotes,
source footnotes printed under the quote."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from briefer.briefing.document import Heading, Quote, SourceNote
from briefer.writers import write_document
from tests.writers.conftest import make_document

LONG = " ".join(["The Ministers agree to strengthen cooperation on border management."] * 6)


def _fonts(pdf: PdfReader) -> set[str]:
    names = set()
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_every_font_is_embedded_dejavu(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "brief.pdf"
    write_document(make_document([("A quote.", 1)], mode="footnotes"), "pdf", path)
    fonts = _fonts(PdfReader(str(path)))
    assert fonts and all("DejaVu" in name for name in fonts), fonts


def test_dates_are_the_briefings_last_change(tmp_path):  # type: ignore[no-untyped-def]
    document = make_document([("A quote.", 1)])
    document.modified = dt.datetime(2024, 11, 25, 9, 30, 5)
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    write_document(document, "pdf", a)
    write_document(document, "pdf", b)
    meta = PdfReader(str(a)).metadata
    assert meta["/CreationDate"].startswith("D:20241125093005")
    assert meta["/ModDate"].startswith("D:20241125093005")
    assert a.read_bytes() == b.read_bytes()  # still reproducible for the same briefing


def test_dates_fall_back_to_the_briefing_date(tmp_path):  # type: ignore[no-untyped-def]
    document = make_document([("A quote.", 1)])
    document.cover.date = dt.date(2024, 12, 2)
    path = tmp_path / "a.pdf"
    write_document(document, "pdf", path)
    assert PdfReader(str(path)).metadata["/CreationDate"].startswith("D:20241202")


def test_citation_never_alone_at_the_top_of_a_page(tmp_path):  # type: ignore[no-untyped-def]
    """Four long quotes, then one whose end falls at the foot of page 3 (a measured case)."""
    for extra in (12, 18, 24):
        quotes = [(LONG, i) for i in range(1, 5)]
        quotes.append(("Filler " * extra + "FINAL-QUOTE-END", 99))
        path = tmp_path / f"brief{extra}.pdf"
        write_document(make_document(quotes), "pdf", path)
        texts = [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(str(path)).pages]
        end = max(i for i, t in enumerate(texts) if "FINAL-QUOTE-END" in t)
        last_citation = max(i for i, t in enumerate(texts) if "para.7" in t)
        assert last_citation == end, (extra, end, last_citation)


def test_source_footnote_follows_the_quote(tmp_path):  # type: ignore[no-untyped-def]
    document = make_document([("The Integrative Internal Security Governance¹ works.", 1)])
    quote = next(b for b in document.blocks if isinstance(b, Quote))
    quote.source_notes = (SourceNote("¹", "The IISG brings together three pillars."),)
    path = tmp_path / "brief.pdf"
    write_document(document, "pdf", path)
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(str(path)).pages))
    assert "Governance¹ works." in text
    assert "Source footnote ¹: The IISG brings together three pillars." in text
    assert text.index("Source footnote ¹") > text.index("Governance¹ works.")


def test_heading_never_last_on_a_page(tmp_path):  # type: ignore[no-untyped-def]
    """A section heading goes to the next page with its first quote rather than stay alone."""
    for extra in (0, 48, 96):  # measured: the heading fits at the foot of page 3, no more
        quotes = [(LONG, i) for i in range(1, 4)] + [("Filler " * extra + "END", 98)]
        document = make_document(quotes, sections=1)
        at = max(i for i, b in enumerate(document.blocks) if isinstance(b, Quote))
        document.blocks.insert(at + 1, Heading("ORPHAN-CHECK", 1, "orphan"))
        document.blocks.insert(
            at + 2, Quote("NEXT-QUOTE " + LONG, document.blocks[at].citation, (97,))
        )
        path = tmp_path / f"h{extra}.pdf"
        write_document(document, "pdf", path)
        texts = [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(str(path)).pages]
        heading = max(i for i, t in enumerate(texts) if "ORPHAN-CHECK" in t and "Contents" not in t)
        quote = min(i for i, t in enumerate(texts) if "NEXT-QUOTE" in t)
        assert heading == quote, (extra, heading, quote)


def test_a_source_footnote_alone_gets_its_italic_face(tmp_path):  # type: ignore[no-untyped-def]
    """Italic faces are registered only when something is drawn in italic; a quote's
    source footnote (note style) is, even in a briefing with nothing else in italic.
    A fresh process: the faces are registered once per process."""
    script = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
from briefer.briefing.document import Heading, Quote, SourceNote
from briefer.writers import write_document
from tests.writers.conftest import make_document
document = make_document([("The Integrative Internal Security Governance¹ works.", 1)],
                         with_contents=False)
quote = next(b for b in document.blocks if isinstance(b, Quote))
quote.source_notes = (SourceNote("¹", "The IISG brings together three pillars."),)
quote.note = None
document.blocks = [Heading("Quotes", 1, "quotes"), quote]
document.footnotes = {{}}
write_document(document, "pdf", {str(tmp_path / "brief.pdf")!r})
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    text = re.sub(
        r"\s+", " ", "".join(p.extract_text() for p in PdfReader(tmp_path / "brief.pdf").pages)
    )
    assert "Source footnote ¹: The IISG brings together three pillars." in text
