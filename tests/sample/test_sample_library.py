"""The bundled sample library: what a new user imports with ``briefer sample``.

These tests guard the promises other parts of the project (importer tests, gold labels,
the README) rely on: every supported format is present, every document starts with the
fictional-sample notice, the traps are really in the files, and the generated files can
be rebuilt from ``scripts/make_sample.py``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from charset_normalizer import from_bytes
from lxml import html as lxml_html
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LTTextContainer

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "sample"
SCRIPT = ROOT / "scripts" / "make_sample.py"
NOTICE = "Fictional sample text for Briefer — not an official document."
SUPPORTED = {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}

DOCX = SAMPLE / "02_salzburg-forum-2016_declaration.docx"
PDF = SAMPLE / "03_danube-region-2017_conclusions.pdf"
CP1250 = SAMPLE / "09_pcc-see-2023_sarajevo-cp1250.txt"
GENERATED = [DOCX, PDF, CP1250]


def documents() -> list[Path]:
    return sorted(p for p in SAMPLE.iterdir() if p.is_file())


def decoded_text(path: Path) -> str:
    """The document's text as a reader would see it (main content for HTML)."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    if suffix == ".pdf":
        return extract_text(str(path))
    raw = path.read_bytes()
    text = raw.decode("cp1250") if path.name == CP1250.name else raw.decode("utf-8")
    if suffix in {".html", ".htm"}:
        article = lxml_html.fromstring(text).find(".//article")
        assert article is not None, f"{path.name}: no <article> element"
        return "\n".join(
            " ".join(el.text_content().split()) for el in article.iter("p", "h1", "h2", "li")
        )
    return text


def first_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip())


def docx_footnotes(path: Path) -> list[str]:
    """Texts of the real Word footnotes (not the separators) in a DOCX."""
    with zipfile.ZipFile(path) as archive:
        if "word/footnotes.xml" not in archive.namelist():
            return []
        from lxml import etree

        root = etree.fromstring(archive.read("word/footnotes.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    notes = []
    for note in root.iter(f"{w}footnote"):
        if note.get(f"{w}type") in {"separator", "continuationSeparator"}:
            continue
        notes.append("".join(t.text or "" for t in note.iter(f"{w}t")).strip())
    return notes


def pdf_page_texts(path: Path) -> list[str]:
    pages = []
    for layout in extract_pages(str(path)):
        pages.append("".join(el.get_text() for el in layout if isinstance(el, LTTextContainer)))
    return pages


# -- the folder ----------------------------------------------------------------------


def test_sample_folder_holds_10_to_12_importable_documents_only():
    files = documents()
    assert 10 <= len(files) <= 12, [f.name for f in files]
    assert not [p for p in SAMPLE.iterdir() if p.is_dir()], "sub-folders would be imported too"
    assert {f.suffix.lower() for f in files} <= SUPPORTED
    assert {f.suffix.lower() for f in files} == SUPPORTED, "every supported suffix appears"


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.name)
def test_every_document_starts_with_the_fictional_notice(path: Path):
    assert first_line(decoded_text(path)) == NOTICE


def test_documents_have_distinct_content():
    bodies = [re.sub(r"\s+", " ", decoded_text(p)) for p in documents()]
    assert len(set(bodies)) == len(bodies)


# -- encodings and scripts ---------------------------------------------------------------


def test_legacy_file_is_cp1250_and_detectable():
    raw = CP1250.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1250")
    for word in (
        "Hodžić",
        "Šuštar",
        "Ćirić",
        "Željko Čolović",
        "Anđela Kovačević",
        "„the backbone",
    ):
        assert word in text
    best = from_bytes(raw).best()
    assert best is not None and str(best) == text, "charset detection should recover it"


def test_serbian_cyrillic_press_release_is_utf8_cyrillic():
    text = (SAMPLE / "10_mup-srbije-2022_saopstenje.txt").read_text(encoding="utf-8")
    for word in ("Београд", "Министарство унутрашњих послова", "Ђорђе Вуковић", "Мевлида Хоџић"):
        assert word in text


# -- DOCX ------------------------------------------------------------------------------


def test_docx_uses_word_styles_numbered_sections_and_real_footnotes():
    document = docx.Document(str(DOCX))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "List Number", "List Bullet"} <= styles
    numbered = [p.text for p in document.paragraphs if re.match(r"\d\.\d ", p.text)]
    assert len(numbered) >= 8, "Salzburg Forum declarations number their paragraphs"

    body_xml = document.element.xml
    assert body_xml.count("w:footnoteReference") == 2
    notes = docx_footnotes(DOCX)
    assert len(notes) == 2
    assert notes[0].startswith("Albania, Bosnia and Herzegovina, the former Yugoslav Republic")
    assert "UNSCR 1244/1999" in notes[0]
    assert "EU-Turkey Statement of 18 March 2016" in notes[1]
    # The footnote texts are not body paragraphs.
    assert not any("UNSCR" in p.text for p in document.paragraphs)


# -- PDF -------------------------------------------------------------------------------


def test_pdf_has_pages_with_running_header_footer_and_a_text_layer():
    pages = pdf_page_texts(PDF)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "EU Strategy for the Danube Region · Priority Area 11" in page
        assert f"Page {number} of {len(pages)}" in page
        assert len(page.split()) > 20 or number == len(pages)


def test_pdf_text_has_hyphenated_breaks_diacritics_and_cyrillic():
    text = extract_text(str(PDF))
    breaks = re.findall(r"([A-Za-z]+)-\n([a-z]+)", text)
    assert len(breaks) >= 2, "justified text should break some words with a hyphen"
    assert "Đorđe Vuković" in text and "Ђорђе Вуковић" in text and "Нови Сад" in text
    # Paragraphs span several lines: the importer must join them.
    assert "Ministers responsible for home affairs and the authorised representatives\n" in text


# -- traps the gold labels rely on --------------------------------------------------------


def test_same_meeting_pair_shares_a_verbatim_paragraph():
    sentence = (
        "The Ministers welcomed the launch of the first joint operation of the European "
        "Border and Coast Guard Agency on the territory of a Western Balkan partner and "
        "called for the swift signature of the remaining status agreements."
    )
    statement = decoded_text(SAMPLE / "05_eu-wb-jha-forum-2019_joint-statement.md")
    news = decoded_text(SAMPLE / "06_eu-wb-jha-forum-2019_presidency-news.html")
    assert sentence in statement.splitlines()
    assert sentence in news.splitlines()
    assert "1-3 December 2019" in statement and "From 1 to 3 December 2019" in news


def test_undated_document_names_no_date_and_no_place():
    text = decoded_text(SAMPLE / "11_online-child-abuse-cybercrime_undated-news.htm")
    months = "January|February|March|April|May|June|July|August|September|October|November|December"
    assert not re.search(rf"\b({months})\b", text)
    assert not re.search(r"\b(19|20)\d\d\b", text)
    for city in ("Zagreb", "Brussels", "Budapest", "Sarajevo", "Belgrade", "Skopje", "Tirana"):
        assert city not in text


def test_markdown_footnotes_in_both_marker_styles():
    superscript = (SAMPLE / "04_berlin-process-2018_joint-statement.md").read_text("utf-8")
    lines = superscript.splitlines()
    note = next(i for i, line in enumerate(lines) if line.startswith("¹ "))
    assert note < len(lines) - 10, "the ¹ footnote text sits mid-body, not at the end"
    assert "Governance¹" in superscript and "**organised crime**" in superscript
    assert "*inter alia*" in superscript and re.search(r"^1\. ", superscript, re.M)

    bracketed = (SAMPLE / "05_eu-wb-jha-forum-2019_joint-statement.md").read_text("utf-8")
    assert "Kosovo[1]" in bracketed and "Western Balkans[2]" in bracketed
    assert re.search(r"^\[1\] ", bracketed, re.M) and re.search(r"^\[2\] ", bracketed, re.M)


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        (
            "01_brdo-process-2015_ministry-news.txt",
            [
                "Skip to main content",
                "  1. Home",
                "Photo: ",
                "Share this page",
                "Print Friendly, PDF & Email",
            ],
        ),
        ("07_salzburg-forum-2019_agency-report.txt", ["Image: APA/", "© BMI", "(mh/kw, APA, dpa)"]),
        (
            "08_ct-videoconference-2021_republished-statement.txt",
            ["Met dank overgenomen van", "Ferraresi i,", "Press contacts:"],
        ),
        (
            "12_montenegro-drugs-2024_aggregator-copy.txt",
            ["| Press release | Distributed by RegionWire on 01/24/2024"],
        ),
    ],
)
def test_web_copies_carry_their_boilerplate(name: str, lines: list[str]):
    text = (SAMPLE / name).read_text(encoding="utf-8")
    for line in lines:
        assert line in text, f"{name} lost its boilerplate trap {line!r}"


# -- regeneration ------------------------------------------------------------------------


def test_generator_reproduces_the_committed_files(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    produced = sorted(p.name for p in tmp_path.iterdir())
    assert produced == sorted(p.name for p in GENERATED)
    for committed in GENERATED:
        fresh = tmp_path / committed.name
        assert decoded_text(fresh) == decoded_text(committed), committed.name
    assert docx_footnotes(tmp_path / DOCX.name) == docx_footnotes(DOCX)
    assert (tmp_path / CP1250.name).read_bytes() == CP1250.read_bytes()
