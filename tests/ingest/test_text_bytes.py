"""Plain-text bytes: page breaks, stray control bytes, damaged UTF-8 versus legacy code pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.ingest.pipeline import prepare_document
from briefer.ingest.readers import ReadError, read_document
from briefer.ingest.readers.text import decode_text


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "statement.txt"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("page_break", ["\n\f", "\f\n", "\n\f\n", "\f"])
def test_a_page_break_inside_a_paragraph_keeps_it_one_passage(
    tmp_path: Path, page_break: str
) -> None:
    text = (
        "Joint Statement\n\nThe Ministers agreed to strengthen the cooperation with the "
        f"European Border and{page_break}Coast Guard Agency and to support the partners in "
        "the management of borders.\n\nThey will meet again in 2026.\n"
    )
    document = prepare_document(_write(tmp_path, text.encode()))
    assert [p.text for p in document.passages if p.kind == "body"] == [
        "The Ministers agreed to strengthen the cooperation with the European Border and "
        "Coast Guard Agency and to support the partners in the management of borders.",
        "They will meet again in 2026.",
    ]


def test_a_page_break_between_paragraphs_still_separates_them(tmp_path: Path) -> None:
    text = "Statement\n\nThe Ministers met.\n\n\f\nThey agreed.\n"
    document = prepare_document(_write(tmp_path, text.encode()))
    assert [p.text for p in document.passages if p.kind == "body"] == [
        "The Ministers met.",
        "They agreed.",
    ]


def test_stray_control_bytes_are_dropped_without_touching_visible_text() -> None:
    body = "The Ministers agreed to cooperate on border management. " * 100
    text = decode_text(f"{body}\nMinisters\x01 agreed\x0bon joint \x1bpatrols – Đ\x7f.\n".encode())
    assert text == f"{body}\nMinisters agreed on joint patrols – Đ.\n"


@pytest.mark.parametrize(
    "data",
    [
        b"Hello \xff\xfe world, the Ministers agreed to cooperate.\n",
        b"The Ministers\x81\x8d agreed on \xa4 items for the region.\n",
        b"Joint statement \xfe\xfd\xfc of the Ministers of the Interior.\n",
    ],
)
def test_stray_high_bytes_in_ascii_text_are_refused_as_invalid_utf8(
    tmp_path: Path, data: bytes
) -> None:
    with pytest.raises(ReadError, match="invalid UTF-8"):
        read_document(_write(tmp_path, data))


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Đorđe Vuković i Šef policije – “Sarajevo”, dogovor.\n", "cp1250"),
        ("Rendez-vous à Paris, les ministres ont décidé.\n", "cp1252"),
        ("Portugal é membro; café – 5 €.\n", "cp1252"),
        ("Министри унутрашњих послова су се договорили.\n", "cp1251"),
        # short texts that charset-normalizer guesses as Baltic or other code pages
        ("Ministri i Brendshëm i Shqipërisë takoi homologët e rajonit në Tiranë.\n", "cp1252"),
        ("Takimi në Shkodër.\n", "cp1250"),
        ("Miniştrii s-au întâlnit la Bucureşti.\n", "cp1250"),
        ("A belügyminiszter Szegeden tárgyalt.\n", "iso8859-2"),
        ("Ministri so se sestali v Ljubljani; dogovor o vračanju.\n", "cp1250"),
    ],
)
def test_real_legacy_code_pages_still_import(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding)) == text


def test_the_sample_cp1250_file_still_imports() -> None:
    path = Path(__file__).parents[2] / "resources/sample/09_pcc-see-2023_sarajevo-cp1250.txt"
    document = prepare_document(path)
    assert any("Sarajevo" in p.text for p in document.passages)
