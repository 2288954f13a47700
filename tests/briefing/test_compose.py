"""Composing the render-neutral document from a stored briefing."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from briefer.briefing.compose import (
    EMPTY_SECTION_NOTE,
    KOSOVO_FOOTNOTE,
    KOSOVO_NOTE,
    ComposeOptions,
)
from briefer.briefing.document import (
    BriefingDocument,
    Contents,
    Heading,
    Note,
    PageBreak,
    Paragraph,
    Quote,
    Table,
)
from briefer.services import briefings as ops
from briefer.services.briefing_export import compose_briefing
from briefer.services.briefing_reads import load_outline
from briefer.store.library import Library
from briefer.store.models import Document, Passage
from tests.briefing.conftest import Corpus, CorpusBuilder


def new_briefing(library: Library, title: str = "Danube security", **kw: object) -> int:
    briefing_id = ops.create_briefing(library, title, **kw).briefing_id  # type: ignore[arg-type]
    assert briefing_id is not None
    return briefing_id


def section(library: Library, briefing_id: int, heading: str, intro: str | None = None) -> int:
    return ops.add_section(library, briefing_id, heading, intro=intro).created_ids[0]


def kinds(blocks: list[object]) -> list[str]:
    return [type(b).__name__ for b in blocks]


def test_cover_contents_sections_quotes_and_text(library: Library, corpus: Corpus) -> None:
    b = new_briefing(
        library,
        classification="OFFICIAL-SENSITIVE",
        purpose="Prepare the minister",
        audience="Minister",
        author="JHA unit",
        date=dt.date(2024, 5, 2),
    )
    s = section(library, b, "Key messages", intro="What the region has committed to.")
    ops.add_quotes(library, s, [corpus.passages["s2"], corpus.passages["n1"]])
    item = ops.add_text(library, s, "First line.\n\nSecond line.").created_ids[0]
    ops.update_item(library, item, text="Our line.")
    quote_id = load_outline(library, b).sections[0].items[0].id
    ops.update_item(library, quote_id, note="Use in the opening.")
    document = compose_briefing(library, b)
    assert document.cover.title == "Danube security"
    assert document.cover.classification == "OFFICIAL-SENSITIVE"
    assert document.cover.purpose == "Prepare the minister"
    assert document.cover.date == dt.date(2024, 5, 2)
    assert kinds(document.blocks) == [
        "Contents",
        "PageBreak",
        "Heading",
        "Paragraph",
        "Quote",
        "Quote",
        "Paragraph",
        "PageBreak",
        "Heading",
        "Table",
    ]
    heading = document.blocks[2]
    assert isinstance(heading, Heading) and heading.text == "Key messages" and heading.level == 1
    intro = document.blocks[3]
    assert isinstance(intro, Paragraph) and intro.role == "intro"
    quote = document.blocks[4]
    assert isinstance(quote, Quote)
    # Exactly the stored text: markup-like characters untouched.
    assert quote.text == "Firearms trafficking remains a threat & a priority <b>now</b>."
    assert quote.citation.text == (
        "Joint Declaration, Ministerial Conference on Combating Terrorism in the Danube Region, "
        "Sofia, 21–22 January 2016, para. 2"
    )
    assert quote.note == "Use in the opening."
    text = document.blocks[6]
    assert isinstance(text, Paragraph) and text.role == "analyst"
    assert text.spans[0].text == "Our line."


def test_quote_text_equals_the_stored_passage_exactly(
    library: Library, builder: CorpusBuilder
) -> None:
    odd = [
        "Tabs\tand  double  spaces, trailing space ",
        "Markup <font color='red'>x</font> & AT&T; <Kosovo*>",
        "Right to left: مرحبا بالعالم, emoji 🇪🇺🤝, Đorđe, Београд, „quotes“",
        "x" * 300,
        "Line one\nline two",
    ]
    builder.document("odd", [(f"o{i}", t) for i, t in enumerate(odd)], title="Odd")
    b = new_briefing(library)
    s = section(library, b, "All")
    ops.add_quotes(library, s, [builder.corpus.passages[f"o{i}"] for i in range(len(odd))])
    quotes = [x for x in compose_briefing(library, b).blocks if isinstance(x, Quote)]
    with library.session() as session:
        stored = [session.get(Passage, q.passage_ids[0]).text for q in quotes]  # type: ignore[union-attr]
    assert [q.text for q in quotes] == stored == odd


def test_empty_briefing_composes(library: Library) -> None:
    document = compose_briefing(library, new_briefing(library, "Empty"))
    assert kinds(document.blocks) == ["Contents", "PageBreak", "Note"]


def test_empty_section_gets_a_note_and_a_section_with_an_intro_does_not(
    library: Library,
) -> None:
    b = new_briefing(library)
    section(library, b, "Empty")
    section(library, b, "Intro only", intro="To be completed after the call.")
    blocks = compose_briefing(library, b).blocks
    assert kinds(blocks) == ["Contents", "PageBreak", "Heading", "Note", "Heading", "Paragraph"]
    assert isinstance(blocks[3], Note) and blocks[3].text == EMPTY_SECTION_NOTE


def test_sources_annex_lists_every_cited_document_once(library: Library, corpus: Corpus) -> None:
    b = new_briefing(library, preset="ministerial-meeting-brief")
    key = load_outline(library, b).sections[1].id
    p = corpus.passages
    ops.add_quotes(library, key, [p["s1"], p["n1"], p["s2"]])
    blocks = compose_briefing(library, b).blocks
    annex = [
        i for i, x in enumerate(blocks) if isinstance(x, Heading) and x.text == "Annex: sources"
    ]
    assert len(annex) == 1
    table = blocks[annex[0] + 1]
    assert isinstance(table, Table)
    assert table.headers == ["Document", "Meeting", "Place", "Date", "Publisher", "URL"]
    rows = [[" ".join(s.text for s in cell) for cell in row] for row in table.rows]
    assert rows == [
        [
            "Joint Declaration",
            "Ministerial Conference on Combating Terrorism in the Danube Region",
            "Sofia, Bulgaria",
            "21–22 January 2016",
            "",
            "https://example.org/sofia",
        ],
        ["Ministers meet in Vienna", "", "", "published 21 March 2015", "Deutsche Welle", ""],
    ]
    assert table.rows[0][5][0].href == "https://example.org/sofia"
    # No second "Sources" annex is appended when the briefing has its own.
    assert not [x for x in blocks if isinstance(x, Heading) and x.text == "Sources"]
    # The other empty preset sections show their heading and the "No items yet." note.
    purpose = blocks.index(
        next(x for x in blocks if isinstance(x, Heading) and x.text == "Purpose")
    )
    assert isinstance(blocks[purpose + 1], Note)


def test_an_empty_sources_annex_says_so_once(library: Library) -> None:
    b = new_briefing(library, preset="ministerial-meeting-brief")
    blocks = compose_briefing(library, b).blocks
    assert isinstance(blocks[-2], Heading) and blocks[-2].text == "Annex: sources"
    assert isinstance(blocks[-1], Note) and blocks[-1].text == "No sources cited yet."


def test_classification_and_citation_mode_options(library: Library, corpus: Corpus) -> None:
    b = new_briefing(library, classification="OFFICIAL")
    options = ComposeOptions(citation_mode="footnotes", classification="EU RESTRICTED")
    document = compose_briefing(library, b, options)
    assert document.cover.classification == "EU RESTRICTED"
    assert document.citation_mode == "footnotes"


# --- Kosovo* ---------------------------------------------------------------------------------


def kosovo_notes(blocks: list[object]) -> list[int]:
    return [i for i, b in enumerate(blocks) if isinstance(b, Note) and b.marker == "*"]


def footnoted(document: BriefingDocument) -> bool:
    """The asterisk is in the briefing's own text and the writers footnote it there."""
    return document.footnotes == {"*": KOSOVO_NOTE} and kosovo_notes(document.blocks) == []


@pytest.fixture
def kosovo(builder: CorpusBuilder, corpus: Corpus) -> dict[str, int]:
    builder.meeting(
        "pristina",
        title="Regional meeting on returns",
        city="Pristina",
        country="XK",
        start_date=dt.date(2019, 3, 4),
    )
    builder.document(
        "k",
        [
            ("k1", "Kosovo and Serbia agreed to exchange information."),
            ("k2", "The region will cooperate on returns."),
        ],
        title="Joint statement",
        meeting="pristina",
    )
    return builder.corpus.passages


def test_the_footnote_text_is_the_standard_designation() -> None:
    assert KOSOVO_FOOTNOTE == (
        "*This designation is without prejudice to positions on status, and is in line with "
        "UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of independence."
    )
    assert "*" + KOSOVO_NOTE == KOSOVO_FOOTNOTE


def test_first_mention_in_a_heading_gets_the_asterisk(
    library: Library, kosovo: dict[str, int]
) -> None:
    b = new_briefing(library)
    s = section(library, b, "Cooperation with Kosovo")
    ops.add_quotes(library, s, [kosovo["k1"]])
    ops.add_text(library, s, "Kosovo is a priority.")
    document = compose_briefing(library, b)
    heading = next(x for x in document.blocks if isinstance(x, Heading))
    assert heading.text == "Cooperation with Kosovo*"
    assert footnoted(document)
    quote = next(x for x in document.blocks if isinstance(x, Quote))
    assert quote.text == "Kosovo and Serbia agreed to exchange information."
    analyst = next(x for x in document.blocks if isinstance(x, Paragraph) and x.role == "analyst")
    assert analyst.spans[0].text == "Kosovo is a priority."  # only the first mention is marked


def test_first_mention_in_a_quote_never_changes_the_quote(
    library: Library, kosovo: dict[str, int]
) -> None:
    b = new_briefing(library)
    s = section(library, b, "Returns")
    ops.add_quotes(library, s, [kosovo["k1"]])
    ops.add_text(library, s, "Kosovo should be asked.")
    document = compose_briefing(library, b)
    blocks = document.blocks
    quote_at = next(i for i, x in enumerate(blocks) if isinstance(x, Quote))
    quote = blocks[quote_at]
    assert isinstance(quote, Quote)
    assert quote.text == "Kosovo and Serbia agreed to exchange information."
    assert "*" not in quote.citation.text
    # The note follows the quote (and its citation); nothing else is marked.
    assert kosovo_notes(blocks) == [quote_at + 1]
    assert blocks[quote_at + 1].text == KOSOVO_FOOTNOTE  # type: ignore[union-attr]
    assert document.footnotes == {}
    analyst = next(x for x in blocks if isinstance(x, Paragraph) and x.role == "analyst")
    assert analyst.spans[0].text == "Kosovo should be asked."


def test_first_mention_in_analyst_text(library: Library, kosovo: dict[str, int]) -> None:
    b = new_briefing(library)
    s = section(library, b, "Lines")
    ops.add_text(library, s, "Support Kosovo's visa liberalisation; Kosovo met the benchmarks.")
    document = compose_briefing(library, b)
    analyst = next(x for x in document.blocks if isinstance(x, Paragraph) and x.role == "analyst")
    assert analyst.spans[0].text == (
        "Support Kosovo*'s visa liberalisation; Kosovo met the benchmarks."
    )
    assert footnoted(document)


def test_first_mention_in_the_annex(library: Library, kosovo: dict[str, int]) -> None:
    # The citation names Pristina only; the annex names the place "Pristina, Kosovo".
    b = new_briefing(library)
    s = section(library, b, "Returns")
    ops.add_quotes(library, s, [kosovo["k2"]])
    document = compose_briefing(library, b)
    quote = next(x for x in document.blocks if isinstance(x, Quote))
    assert "Kosovo" not in quote.citation.text
    table = next(x for x in document.blocks if isinstance(x, Table))
    assert table.rows[0][2][0].text == "Pristina, Kosovo*"
    assert footnoted(document)


def test_first_mention_in_a_citation_marks_the_citation_not_the_quote(
    library: Library, builder: CorpusBuilder, kosovo: dict[str, int]
) -> None:
    builder.meeting("kos", title="Conference on Kosovo returns", city="Skopje")
    builder.document(
        "kd", [("kd1", "Kosovo will host the next round.")], title="Statement", meeting="kos"
    )
    builder.document("kd2", [("kd2", "Returns will be discussed.")], title="Note", meeting="kos")
    b = new_briefing(library)
    s = section(library, b, "Returns")
    ops.add_quotes(library, s, [kosovo["k2"], builder.corpus.passages["kd1"]])
    blocks = compose_briefing(library, b).blocks
    first, second = (x for x in blocks if isinstance(x, Quote))
    assert "Kosovo" not in first.text
    # The second quote names Kosovo before its citation does: no asterisk in either.
    assert second.text == "Kosovo will host the next round."
    assert "Kosovo*" not in second.citation.text
    assert kosovo_notes(blocks) == [blocks.index(second) + 1]
    # Without a mention in the quote, the citation itself is marked.
    c = new_briefing(library, "Second")
    t = section(library, c, "Returns")
    ops.add_quotes(library, t, [kosovo["k2"], builder.corpus.passages["kd2"]])
    document = compose_briefing(library, c)
    quote = [x for x in document.blocks if isinstance(x, Quote)][1]
    assert quote.citation.text.startswith("Note, Conference on Kosovo* returns, Skopje")
    assert quote.text == "Returns will be discussed."
    assert footnoted(document)


def test_cover_mention(library: Library, kosovo: dict[str, int]) -> None:
    b = new_briefing(library, "Visit to Kosovo")
    section(library, b, "Kosovo background")
    document = compose_briefing(library, b)
    assert document.cover.title == "Visit to Kosovo*"
    assert footnoted(document)
    heading = next(x for x in document.blocks if isinstance(x, Heading))
    assert heading.text == "Kosovo background"


def test_an_asterisk_the_analyst_wrote_is_not_doubled(
    library: Library, kosovo: dict[str, int]
) -> None:
    b = new_briefing(library, "Visit to Kosovo*")
    document = compose_briefing(library, b)
    assert document.cover.title == "Visit to Kosovo*"
    assert footnoted(document)


def test_kosovo_footnote_can_be_switched_off(library: Library, kosovo: dict[str, int]) -> None:
    b = new_briefing(library, "Visit to Kosovo")
    s = section(library, b, "Returns")
    ops.add_quotes(library, s, [kosovo["k1"]])
    document = compose_briefing(library, b, ComposeOptions(kosovo_footnote=False))
    assert document.cover.title == "Visit to Kosovo"
    assert kosovo_notes(document.blocks) == []
    assert document.footnotes == {}


def test_no_kosovo_no_note(library: Library, corpus: Corpus) -> None:
    b = new_briefing(library)
    s = section(library, b, "Plain")
    ops.add_quotes(library, s, [corpus.passages["s1"]])
    document = compose_briefing(library, b)
    assert kosovo_notes(document.blocks) == []
    assert document.footnotes == {}


# --- size ------------------------------------------------------------------------------------


def test_five_thousand_items_compose(library: Library) -> None:
    with library.session() as session:
        document = Document(
            file_name="big.txt",
            format="txt",
            sha256=hashlib.sha256(b"big").hexdigest(),
            title="Big",
            text="",
            removed_lines=[],
        )
        session.add(document)
        session.flush()
        session.add_all(
            Passage(
                document_id=document.id,
                position=n,
                paragraph=str(n + 1),
                kind="body",
                text=f"Passage number {n} & <more>.",
                start=0,
                end=0,
            )
            for n in range(5000)
        )
    with library.session() as session:
        ids = [p.id for p in session.query(Passage).order_by(Passage.position)]
    b = new_briefing(library, "Big")
    s = section(library, b, "All")
    ops.add_quotes(library, s, ids)
    document = compose_briefing(library, b)
    quotes = [x for x in document.blocks if isinstance(x, Quote)]
    assert len(quotes) == 5000
    assert quotes[4999].text == "Passage number 4999 & <more>."
    assert quotes[4999].citation.text == "Big, para. 5000"
    assert isinstance(document.blocks[0], Contents) and isinstance(document.blocks[1], PageBreak)
    # Undoing the whole add removes all 5,000 at once.
    assert load_outline(library, b).item_count == 5000
