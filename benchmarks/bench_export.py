"""Export speed: Briefer's DOCX and PDF writers against bare python-docx / reportlab scripts.

Each measurement runs in its own process (so peak RSS is that export's alone) and the
best of ``--repeat`` runs is kept. The bare scripts lay out the same text (cover line,
headings, quotes, citations) with the same fonts, but without contents, header/footer,
footnotes, links, quote list or safe write; python-docx's is the fast variant (style
objects looked up once).

    .venv/bin/python benchmarks/bench_export.py [--sizes 100,2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = (
    "The Ministers reaffirmed their commitment to strengthening cooperation against "
    "organised crime, migrant smuggling and terrorism along the Western Balkan route, "
    "including through Europol, Frontex and the exchange of information between "
    "police services of Serbia, Montenegro, Kosovo* and North Macedonia; Đorđe "
    "Vuković, NUHODŽIĆ and the Београд delegation welcomed „concrete“ results."
)
CITATION = (
    "Joint Declaration, Ministerial Conference on Combating Terrorism in the Danube "
    "Region, Sofia, 21–22 January 2016, para. {n}"
)


def make_document(quotes: int):  # type: ignore[no-untyped-def]
    from briefer.briefing.document import (
        BriefingDocument,
        Citation,
        Contents,
        Cover,
        Heading,
        PageBreak,
        Quote,
        Source,
    )

    blocks: list = [Contents(), PageBreak()]
    per_section = 20
    for i in range(quotes):
        if i % per_section == 0:
            blocks.append(Heading(f"Section {i // per_section + 1}", 1, f"s{i}"))
        source = Source(1, "Joint Declaration", None, "Sofia", "21–22 January 2016", str(i))
        blocks.append(Quote(f"{i}. {WORDS}", Citation(CITATION.format(n=i), (source,)), (i + 1,)))
    return BriefingDocument(Cover("Benchmark briefing", "OFFICIAL"), blocks)


def bare_docx(quotes: int, path: Path) -> None:
    import docx

    document = docx.Document()
    quote_style = document.styles["Quote"]
    body_style = document.styles["Normal"]
    document.add_paragraph("Benchmark briefing", style=document.styles["Title"])
    for i in range(quotes):
        if i % 20 == 0:
            document.add_heading(f"Section {i // 20 + 1}", level=1)
        document.add_paragraph(f"{i}. {WORDS}", style=quote_style)
        document.add_paragraph(CITATION.format(n=i), style=body_style)
    document.save(str(path))


def bare_pdf(quotes: int, path: Path) -> None:
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    fonts = Path(__file__).resolve().parents[1] / "resources" / "fonts" / "dejavu"
    pdfmetrics.registerFont(TTFont("Bare", str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("Bare-Bold", str(fonts / "DejaVuSans-Bold.ttf")))
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    body.fontName = "Bare"
    heading = styles["Heading1"]
    heading.fontName = "Bare-Bold"
    story = [Paragraph("Benchmark briefing", heading)]
    for i in range(quotes):
        if i % 20 == 0:
            story.append(Paragraph(f"Section {i // 20 + 1}", heading))
        story.append(Paragraph(escape(f"{i}. {WORDS}"), body))
        story.append(Paragraph(escape(CITATION.format(n=i)), body))
    SimpleDocTemplate(str(path), invariant=1).build(story)


def run_one(variant: str, quotes: int) -> dict[str, float]:
    """Time one export in this process; returns seconds, peak RSS and pages."""
    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))
    fmt = variant.split("-")[-1]
    path = folder / f"out.{fmt}"
    pages = 0
    if variant.startswith("briefer"):
        from briefer.writers import write_document

        document = make_document(quotes)
        start, cpu = time.perf_counter(), time.process_time()
        report = write_document(document, fmt, path)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        pages = report.pages or 0
    else:
        start, cpu = time.perf_counter(), time.process_time()
        (bare_docx if fmt == "docx" else bare_pdf)(quotes, path)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"seconds": elapsed, "cpu": cpu, "rss_mb": rss, "pages": pages}


def measure(variant: str, quotes: int, repeat: int) -> dict[str, float]:
    best: dict[str, float] | None = None
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--one", variant, str(quotes)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(out)
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    assert best is not None
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,2000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", nargs=2, metavar=("VARIANT", "QUOTES"))
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]))))
        return 0
    print(
        "| quotes | format | Briefer wall s | bare wall s | ratio | Briefer CPU s | bare CPU s "
        "| CPU ratio | Briefer peak RSS MB | pages |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for quotes in (int(s) for s in args.sizes.split(",")):
        for fmt in ("docx", "pdf"):
            ours = measure(f"briefer-{fmt}", quotes, args.repeat)
            bare = measure(f"bare-{fmt}", quotes, args.repeat)
            print(
                f"| {quotes} | {fmt} | {ours['seconds']:.2f} | {bare['seconds']:.2f} | "
                f"{ours['seconds'] / bare['seconds']:.2f} | {ours['cpu']:.2f} | "
                f"{bare['cpu']:.2f} | {ours['cpu'] / bare['cpu']:.2f} | {ours['rss_mb']:.0f} | "
                f"{int(ours['pages']) or '–'} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
