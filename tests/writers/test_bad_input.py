"""Hostile passages go through both writers and come back exact through ``verify``."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.briefing.document import BriefingDocument, Cover
from briefer.services.verification import verify_export
from briefer.writers import write_document
from tests.writers.conftest import make_document

LONG_WORD = "Antidisestablishmentarianism" * 11  # 308 characters, no space
LONG_URL = "https://example.org/" + "a1b2c3d4e5" * 29 + "?q=1&r=<2>"
LONG_PASSAGE = " ".join(
    f"Sentence {i}: the Ministers reaffirmed their commitment to combating organised crime, "
    "terrorism and the smuggling of migrants along the Western Balkan route."
    for i in range(120)
)  # about 18,000 characters: three pages

BAD_INPUTS = {
    "markup": [
        "Ministers welcomed AT&T <b>bold</b> & <font color=red>red</font> <Kosovo*> a < b > c",
        "Unbalanced < and <para> and &amp; and &#169; and </i>",
    ],
    "control characters": [
        "Ministers\x00 agreed\x0b to\x1b act\x07 now\x0c.",
        "Tab\tand\nline\r\nends",
    ],
    "long word and url": [f"Word {LONG_WORD} end.", f"See {LONG_URL} for details."],
    "longer than a page": [LONG_PASSAGE],
    "right to left": ["Arabic: وزراء الداخلية اتفقوا على التعاون. Hebrew: השרים הסכימו."],
    "emoji": ["Ministers 🤝 agreed 🇪🇺 on 🦀 cooperation 😀."],
    "invisible formatting": [
        "Soft\u00adhyphen inter\u00adnational co\u00adoperation " * 12,
        "Zero\u200bwidth, non\u00a0breaking, e\u0301 combining, \ufeffBOM, \u200emarks\u2060.",
    ],
    "diacritics and cyrillic": ["NUHODŽIĆ, Đorđe, Београд, „quotes“, Kosovo* — Србија."],
}


def _export_and_verify(library, tmp_path: Path, document: BriefingDocument, mode: str):  # type: ignore[no-untyped-def]
    reports = {}
    for fmt in ("docx", "pdf"):
        path = tmp_path / f"brief-{mode}.{fmt}"
        reports[fmt] = write_document(document, fmt, path)
        verified = verify_export(library, path)
        assert verified.ok, [m.message for m in verified.mismatches]
        assert verified.quotes == len([b for b in document.blocks if type(b).__name__ == "Quote"])
    return reports


@pytest.mark.parametrize("mode", ["inline", "footnotes"])
@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_passages_export_and_verify(library, stored, tmp_path, case, mode):  # type: ignore[no-untyped-def]
    texts = BAD_INPUTS[case]
    ids = stored(texts)
    document = make_document(list(zip(texts, ids, strict=True)), mode=mode)
    reports = _export_and_verify(library, tmp_path, document, mode)
    if case == "control characters":
        for report in reports.values():
            assert any("U+001B ESCAPE" in w and "passage" in w for w in report.warnings)
    if case == "emoji":
        assert any("no glyph" in w and "U+1F980" in w for w in reports["pdf"].warnings)
    if case == "right to left":
        assert any("right-to-left" in w for w in reports["pdf"].warnings)
    if case == "longer than a page":
        assert reports["pdf"].pages is not None and reports["pdf"].pages >= 5


def test_long_quote_is_split_over_pages_and_reads_back_whole(library, stored, tmp_path):  # type: ignore[no-untyped-def]
    from briefer.writers.readback_pdf import read_pdf

    ids = stored([LONG_PASSAGE])
    path = tmp_path / "long.pdf"
    write_document(make_document([(LONG_PASSAGE, ids[0])]), "pdf", path)
    manifest, visible = read_pdf(path)
    assert len({box[0] for box in manifest.quotes[0].boxes}) >= 2  # drawn on several pages
    assert "".join(visible[1].split()) == "".join(LONG_PASSAGE.split())


def test_empty_briefing(library, tmp_path):  # type: ignore[no-untyped-def]
    document = BriefingDocument(cover=Cover(title="Empty"))
    for fmt in ("docx", "pdf"):
        path = tmp_path / f"empty.{fmt}"
        report = write_document(document, fmt, path)
        assert path.stat().st_size > 0
        assert report.quotes == 0
        assert verify_export(library, path).ok


def test_section_with_no_items(library, tmp_path):  # type: ignore[no-untyped-def]
    document = make_document([], sections=2)
    _export_and_verify(library, tmp_path, document, "inline")


@pytest.mark.slow
def test_five_thousand_items(library, stored, tmp_path):  # type: ignore[no-untyped-def]
    texts = [
        f"Passage {i}: the Ministers agreed to step up cooperation on returns." for i in range(5000)
    ]
    ids = stored(texts)
    document = make_document(list(zip(texts, ids, strict=True)), sections=10)
    reports = _export_and_verify(library, tmp_path, document, "inline")
    assert reports["docx"].quotes == 5000 and reports["pdf"].quotes == 5000
