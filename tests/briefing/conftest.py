"""Briefing test data, made through the ORM (not the importer): meetings, documents, passages."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from briefer.store.library import Library
from briefer.store.models import (
    Country,
    Document,
    Meeting,
    Passage,
    PassageCountry,
    PassageTheme,
    Theme,
)


@dataclass
class Corpus:
    """Ids of what was stored, by a short name the tests use."""

    meetings: dict[str, int] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    passages: dict[str, int] = field(default_factory=dict)


class CorpusBuilder:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.corpus = Corpus()

    def meeting(self, name: str, **fields: object) -> int:
        with self.library.session() as session:
            meeting = Meeting(**fields)
            session.add(meeting)
            session.flush()
            self.corpus.meetings[name] = meeting.id
        return self.corpus.meetings[name]

    def themes(self, rows: Sequence[tuple[str, str, str | None, int]]) -> None:
        with self.library.session() as session:
            for theme_id, label, parent, position in rows:
                session.add(Theme(id=theme_id, label=label, parent_id=parent, position=position))

    def countries(self, rows: Sequence[tuple[str, str]]) -> None:
        with self.library.session() as session:
            for code, name in rows:
                session.merge(Country(code=code, name=name))

    def document(
        self,
        name: str,
        paragraphs: Sequence[tuple[str, str] | tuple[str, str, Sequence[str]]],
        *,
        title: str | None = None,
        meeting: str | None = None,
        published: dt.date | None = None,
        publisher: str | None = None,
        url: str | None = None,
        countries: Sequence[str] = (),
    ) -> int:
        """Store a document whose passages are (name, text[, themes]); passage labels 1, 2, …"""
        text = "\n\n".join(p[1] for p in paragraphs)
        with self.library.session() as session:
            document = Document(
                file_name=f"{name}.txt",
                format="txt",
                sha256=hashlib.sha256((name + text).encode()).hexdigest(),
                title=title,
                publisher=publisher,
                url=url,
                published=published,
                text=text,
                removed_lines=[],
                meeting_id=self.corpus.meetings[meeting] if meeting else None,
            )
            session.add(document)
            session.flush()
            offset = 0
            for position, entry in enumerate(paragraphs):
                passage_name, body = entry[0], entry[1]
                themes = entry[2] if len(entry) > 2 else ()  # type: ignore[misc]
                passage = Passage(
                    document_id=document.id,
                    position=position,
                    paragraph=str(position + 1),
                    kind="body",
                    text=body,
                    start=offset,
                    end=offset + len(body),
                )
                offset += len(body) + 2
                session.add(passage)
                session.flush()
                self.library.search.index(session.connection(), [(passage.id, body)])
                for theme in themes:  # "firearms" or "firearms:0.9" (with the tagger's score)
                    theme_id, _, score = theme.partition(":")
                    session.add(
                        PassageTheme(
                            passage_id=passage.id,
                            theme_id=theme_id,
                            score=float(score) if score else None,
                        )
                    )
                for code in countries:
                    session.add(PassageCountry(passage_id=passage.id, country_code=code))
                self.corpus.passages[passage_name] = passage.id
            self.corpus.documents[name] = document.id
        return self.corpus.documents[name]


@pytest.fixture
def builder(library: Library) -> CorpusBuilder:
    return CorpusBuilder(library)


@pytest.fixture
def corpus(builder: CorpusBuilder) -> Corpus:
    return fill_corpus(builder)


def fill_corpus(builder: CorpusBuilder, *, themes: bool = True) -> Corpus:
    """A small library: the Sofia declaration (full meeting), a news article (no meeting),
    and a joint statement with a partly known meeting; themes in a two-level tree (the
    same ids as the shipped taxonomy, so ``themes=False`` works on a synced library)."""
    builder.countries([("BG", "Bulgaria"), ("XK", "Kosovo"), ("AT", "Austria")])
    if themes:
        builder.themes(
            [
                ("security", "Security", None, 1),
                ("counter-terrorism", "Counter-terrorism", "security", 0),
                ("firearms", "Firearms", "security", 1),
                ("migration", "Migration", None, 0),
                ("asylum", "Asylum", "migration", 0),
            ]
        )
    builder.meeting(
        "sofia",
        title="Ministerial Conference on Combating Terrorism in the Danube Region",
        start_date=dt.date(2016, 1, 21),
        end_date=dt.date(2016, 1, 22),
        city="Sofia",
        country="BG",
    )
    builder.meeting("partial", title="EU–Western Balkans Ministerial Forum", city="Brdo pri Kranju")
    builder.document(
        "sofia",
        [
            (
                "s1",
                "The Ministers pointed out the need to prevent radicalisation.",
                ["counter-terrorism"],
            ),
            ("s2", "Firearms trafficking remains a threat & a priority <b>now</b>.", ["firearms"]),
            (
                "s3",
                "Cooperation with Kosovo on returnees will be strengthened.",
                ["counter-terrorism", "security"],
            ),
        ],
        title="Joint Declaration",
        meeting="sofia",
        url="https://example.org/sofia",
    )
    builder.document(
        "news",
        [("n1", "Asylum systems are under pressure, ministers said.", ["asylum"])],
        title="Ministers meet in Vienna",
        published=dt.date(2015, 3, 21),
        publisher="Deutsche Welle",
    )
    builder.document(
        "forum",
        [
            (
                "f1",
                "Participants agreed to step up the fight against terrorism.",
                ["counter-terrorism"],
            )
        ],
        title="Joint Statement",
        meeting="partial",
    )
    return builder.corpus
