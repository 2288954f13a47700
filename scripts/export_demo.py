"""Export a realistic briefing from the sample library to DOCX and PDF, verify and render it.

Builds a fresh library from ``resources/sample`` with the real pipeline (``briefer sample``,
``briefer build``), composes the briefing with a full cover, writes both formats, runs
``verify`` on each, and renders pages to PNG (PDF with pdftoppm; DOCX through headless
LibreOffice, then pdftoppm) so a person can look at cover, contents, body and annex:

    .venv/bin/python scripts/export_demo.py [OUT_DIR] [--docs]

``--docs`` also refreshes ``docs/cover.png`` and ``docs/body.png`` (100 dpi, PDF pages).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from briefer.briefing.compose import ComposeOptions
from briefer.services.briefing_export import compose_briefing
from briefer.services.verification import verify_export
from briefer.store.library import open_library
from briefer.writers import write_document

ROOT = Path(__file__).resolve().parents[1]
BRIEFER = [sys.executable, "-m", "briefer"]


def run(*args: str, db: Path) -> str:
    result = subprocess.run(
        [*BRIEFER, "--db", str(db), *args], check=True, capture_output=True, text=True
    )
    return result.stdout


def render(pdf: Path, prefix: Path, dpi: int = 60) -> list[Path]:
    if not shutil.which("pdftoppm"):
        print("pdftoppm missing: apt-get install -y poppler-utils", file=sys.stderr)
        return []
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True)
    return sorted(prefix.parent.glob(prefix.name + "-*.png"))


def docx_to_pdf(docx: Path, out_dir: Path) -> Path | None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not office:
        print("LibreOffice missing: apt-get install -y libreoffice-writer-nogui", file=sys.stderr)
        return None
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)],
        check=True,
        capture_output=True,
    )
    return out_dir / (docx.stem + ".pdf")


def _shrink(png: Path) -> None:
    """Fewer colours, same look: keeps the README images small in the repository."""
    from PIL import Image  # reportlab depends on Pillow

    with Image.open(png) as image:
        image.convert("RGB").quantize(colors=32).save(png, optimize=True)


def main(argv: list[str]) -> int:
    docs = "--docs" in argv
    args = [a for a in argv if a != "--docs"]
    out = Path(args[0]) if args else Path(tempfile.mkdtemp(prefix="briefer-demo-"))
    out.mkdir(parents=True, exist_ok=True)
    db = out / "library.sqlite"
    db.unlink(missing_ok=True)
    run("sample", db=db)
    built = json.loads(
        run(
            "build",
            "--country",
            "group:wb6",
            "--title",
            "EU–Western Balkans Ministerial Forum on Justice and Home Affairs",
            "--classification",
            "OFFICIAL-SENSITIVE",
            "-o",
            str(out / "built.pdf"),
            "--json",
            db=db,
        )
    )
    library = open_library(str(db))
    try:
        for mode in ("inline", "footnotes"):
            document = compose_briefing(
                library, built["briefing_id"], ComposeOptions(citation_mode=mode)
            )
            cover = document.cover
            cover.subtitle = "Briefing for the Minister of the Interior — Skopje, 2–3 December 2024"
            cover.purpose = (
                "Prepare the Minister for the EU–Western Balkans Ministerial Forum: what "
                "earlier communiqués committed to on migration, organised crime and visa policy."
            )
            cover.audience = "Minister of the Interior; Director-General for Home Affairs"
            cover.author = "JHA Analysis Unit"
            cover.date = dt.date(2024, 11, 25)
            cover.version = "1.0 (draft for clearance)"
            for fmt in ("docx", "pdf"):
                path = out / f"brief-{mode}.{fmt}"
                report = write_document(document, fmt, path)
                check = verify_export(library, path)
                print(f"{path}: {report.quotes} quotes, pages {report.pages}, verify ok={check.ok}")
                for warning in report.warnings:
                    print(f"  warning: {warning}")
    finally:
        library.close()
    pages = render(out / "brief-inline.pdf", out / "pdf")
    lo_pdf = docx_to_pdf(out / "brief-inline.docx", out / "docx-render")
    if lo_pdf is not None:
        render(lo_pdf, out / "docx")
    print(f"rendered {len(pages)} PDF pages into {out}")
    if docs and pages:
        for name, page in (("cover", 1), ("body", 3)):
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "100",
                    "-png",
                    "-singlefile",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    str(out / "brief-inline.pdf"),
                    str(ROOT / "docs" / name),
                ],
                check=True,
            )
            _shrink(ROOT / "docs" / f"{name}.png")
        print("updated docs/cover.png and docs/body.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
