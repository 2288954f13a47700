"""Fixtures for the writer tests: documents built directly, passages stored through the ORM."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence

import pytest

from briefer.briefing.document import (
    BriefingDocument,
    Citation,
    Contents,
    Cover,
    Heading,
    Note,
    PageBreak,
    Paragraph,
    Quote,
    Source,
    Span,
    Table,
)
from briefer.store.library import Library
from briefer.store.models import Document, Passage

KOSOVO_NOTE = (
    "This designation is without prejudice to positions on status, and is in line with "
    "UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of independence."
)
SOURCE = Source(
    document_id=1,
    title="Joint Declaration",
    meeting="Ministerial Conference on Combating Terrorism in the Danube Region",
    place="Sofia, Bulgaria",
    date="21–22 January 2016",
    paragraph="7",
    url="https://example.org/declaration?a=1&b=2",
)
CITATION = Citation(
    "Joint Declaration, Ministerial Conference on Combating Terrorism in the Danube Region, "
    "Sofia, 21–22 January 2016, para. 7",
    (SOURCE,),
)


def store_passages(library: Library, texts: Sequence[str]) -> list[int]:
    """Store ``texts`` as passages of one document; returns their ids in order."""
    body = "\n\n".join(texts)
    with library.session() as session:
        document = Document(
            file_name="declaration.txt",
            format="txt",
            sha256=hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest(),
            title="Joint Declaration",
            text=body,
        )
        session.add(document)
        session.flush()
        passages = []
        offset = 0
        for position, text in enumerate(texts):
            passage = Passage(
                document_id=document.id,
                position=position,
                paragraph=str(position + 1),
                kind="body",
                text=text,
                start=offset,
                end=offset + len(text),
            )
            offset += len(text) + 2
            session.add(passage)
            passages.append(passage)
        session.flush()
        return [p.id for p in passages]


def make_document(
    quotes: Sequence[tuple[str, int | None]],
    *,
    mode: str = "inline",
    sections: int = 1,
    with_contents: bool = True,
    classification: str | None = "official",
) -> BriefingDocument:
    """A briefing with a cover, contents, a Kosovo* paragraph, the quotes and a sources annex."""
    blocks: list = []
    if with_contents:
        blocks += [Contents(), PageBreak()]
    blocks += [
        Heading("Purpose", 1, "purpose"),
        Paragraph(
            [
                Span("Prepare the Minister for the meeting with Kosovo* and Serbia on "),
                Span("AT&T <b>", "bold"),
            ],
            role="analyst",
        ),
    ]
    per_section = max(1, -(-len(quotes) // sections)) if quotes else 0
    for s in range(sections):
        blocks.append(Heading(f"Section {s + 1}: Key messages", 1, f"s{s}"))
        blocks.append(Heading(f"Lines to take {s + 1}", 2, f"s{s}l"))
        chunk = quotes[s * per_section : (s + 1) * per_section] if per_section else []
        for i, (text, pid) in enumerate(chunk):
            blocks.append(
                Quote(
                    text,
                    CITATION,
                    (pid,) if pid is not None else (),
                    note="Check with the desk." if i == 0 else None,
                )
            )
        if not chunk:
            blocks.append(Note("No quotes in this section."))
    blocks.append(PageBreak())
    blocks.append(Heading("Annex: sources", 1, "annex"))
    blocks.append(
        Table(
            ["No.", "Document", "Meeting", "Link"],
            [
                [
                    [Span("1")],
                    [Span("Joint Declaration")],
                    [Span("Sofia, 21–22 January 2016")],
                    [Span(SOURCE.url or "", href=SOURCE.url)],
                ]
            ],
            widths=[0.5, 2, 2, 3],
            title="Sources",
        )
    )
    return BriefingDocument(
        cover=Cover(
            title="EU–Western Balkans Ministerial Forum: briefing",
            classification=classification,
            subtitle="Ministerial Forum on Justice and Home Affairs, Skopje",
            purpose="Prepare the Minister",
            audience="Minister of the Interior",
            author="JHA Analysis Unit",
            date=dt.date(2024, 5, 2),
            version="1.0",
        ),
        blocks=blocks,
        citation_mode=mode,  # type: ignore[arg-type]
        footnotes={"*": KOSOVO_NOTE},
    )


@pytest.fixture
def stored(library: Library) -> Callable[[Sequence[str]], list[int]]:
    return lambda texts: store_passages(library, texts)
