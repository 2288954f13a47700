"""The library's tables: documents, passages, meetings, themes, countries and tag links.

Tag links record their *origin* (automatic or manual) and their *evidence*, because an
analyst who cannot see why a tag was set will not trust it, and because re-tagging must
never overwrite a manual decision. A manual removal is kept as a row with
``excluded=True`` so that re-tagging does not bring the tag back.

Briefing tables live in ``briefer.store.briefing_models``; every model module is
imported by ``briefer.store.schema`` so that ``Base.metadata`` is complete.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from briefer.store.base import Base

AUTOMATIC = "automatic"
MANUAL = "manual"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Meeting(Base):
    """A meeting (forum, conference, ministerial) that documents report on."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str | None] = mapped_column(String(500))
    series: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    city: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    format: Mapped[str | None] = mapped_column(String(50))  # e.g. "in person", "videoconference"
    confidence: Mapped[float | None] = mapped_column(Float)
    origin: Mapped[str] = mapped_column(String(10), default=AUTOMATIC)
    evidence: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    documents: Mapped[list[Document]] = relationship(back_populates="meeting")


class Document(Base):
    """One imported file, cleaned; ``text`` is the cleaned text passages point into."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(1000))
    source_path: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(10))  # txt, md, html, docx, pdf
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)  # source / publisher / republisher line
    url: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(10))
    published: Mapped[dt.date | None] = mapped_column(Date)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    text: Mapped[str] = mapped_column(Text)
    # Lines removed as boilerplate: [{"line": str, "rule": str}], reviewable, never lost.
    removed_lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    meeting_origin: Mapped[str] = mapped_column(String(10), default=AUTOMATIC)

    meeting: Mapped[Meeting | None] = relationship(back_populates="documents")
    passages: Mapped[list[Passage]] = relationship(
        back_populates="document",
        order_by="Passage.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Passage(Base):
    """A quotable unit: a paragraph, heading, list item or footnote, verbatim."""

    __tablename__ = "passage"
    __table_args__ = (
        UniqueConstraint("document_id", "position"),
        Index("ix_passage_document_position", "document_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 0-based order in the document
    paragraph: Mapped[str] = mapped_column(String(20))  # the label cited: "7", "3.2", "fn 1"
    kind: Mapped[str] = mapped_column(String(12))  # body, heading, list_item, footnote
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)  # offsets in Document.text
    end: Mapped[int] = mapped_column(Integer)

    document: Mapped[Document] = relationship(back_populates="passages")
    footnotes: Mapped[list[PassageFootnote]] = relationship(
        foreign_keys="PassageFootnote.passage_id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    themes: Mapped[list[PassageTheme]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    countries: Mapped[list[PassageCountry]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class PassageFootnote(Base):
    """Links a passage carrying a footnote marker to the footnote passage."""

    __tablename__ = "passage_footnote"

    passage_id: Mapped[int] = mapped_column(
        ForeignKey("passage.id", ondelete="CASCADE"), primary_key=True
    )
    footnote_id: Mapped[int] = mapped_column(
        ForeignKey("passage.id", ondelete="CASCADE"), primary_key=True
    )
    marker: Mapped[str] = mapped_column(String(10))


class Theme(Base):
    """A node of the two-level theme taxonomy; ids are stable slugs from the taxonomy file."""

    __tablename__ = "theme"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("theme.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(200))
    eurovoc: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ThemeCue(Base):
    """A cue phrase of a theme in the library's active taxonomy (syntax: docs/taxonomy.md).

    The library keeps its own copy of the taxonomy so that a user's edits (new themes,
    labels, cues) live with the library and are never overwritten by the shipped file.
    """

    __tablename__ = "theme_cue"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[str] = mapped_column(
        ForeignKey("theme.id", ondelete="CASCADE", onupdate="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    cue: Mapped[str] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    negative: Mapped[bool] = mapped_column(Boolean, default=False)


class Country(Base):
    """A country or territory: ISO 3166 alpha-2 (``XK`` for Kosovo, ``GR``/``GB`` stored)."""

    __tablename__ = "country"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    long_name: Mapped[str | None] = mapped_column(String(300))


class CountryGroup(Base):
    """A named group (EU member states, Western Balkans six, Schengen…)."""

    __tablename__ = "country_group"

    id: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class CountryGroupMember(Base):
    """Membership of a country in a group, optionally bounded in time."""

    __tablename__ = "country_group_member"

    group_id: Mapped[str] = mapped_column(
        ForeignKey("country_group.id", ondelete="CASCADE"), primary_key=True
    )
    country_code: Mapped[str] = mapped_column(
        ForeignKey("country.code", ondelete="CASCADE"), primary_key=True
    )
    since: Mapped[dt.date | None] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)  # the last day of membership
    # Order of listing within the group: EU protocol order for the EU member states.
    position: Mapped[int | None] = mapped_column(Integer)


class PassageTheme(Base):
    """A theme on a passage, with where it came from and why."""

    __tablename__ = "passage_theme"
    __table_args__ = (
        # covering index: a theme's active passages in id order (filters, facet index loads)
        Index("ix_passage_theme_theme", "theme_id", "excluded", "passage_id"),
        # covering index: a passage's active themes without reading the rows (facet counts)
        Index("ix_passage_theme_active", "passage_id", "excluded", "theme_id"),
    )

    passage_id: Mapped[int] = mapped_column(
        ForeignKey("passage.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[str] = mapped_column(
        ForeignKey("theme.id", ondelete="CASCADE", onupdate="CASCADE"), primary_key=True
    )
    origin: Mapped[str] = mapped_column(String(10), default=AUTOMATIC)
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)  # a manual removal
    score: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class PassageCountry(Base):
    """A country named by a passage, with where it came from and why."""

    __tablename__ = "passage_country"
    __table_args__ = (
        # covering index: a country's active passages in id order (filters, facet index loads)
        Index("ix_passage_country_country", "country_code", "excluded", "passage_id"),
        # covering index: a passage's active countries without reading the rows (facets)
        Index("ix_passage_country_active", "passage_id", "excluded", "country_code"),
    )

    passage_id: Mapped[int] = mapped_column(
        ForeignKey("passage.id", ondelete="CASCADE"), primary_key=True
    )
    country_code: Mapped[str] = mapped_column(
        ForeignKey("country.code", ondelete="CASCADE"), primary_key=True
    )
    origin: Mapped[str] = mapped_column(String(10), default=AUTOMATIC)
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    confidence: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class ManualCorrection(Base):
    """A correction keyed by document content, so it survives deleting and re-importing.

    ``kind`` is ``meeting`` (payload: the meeting fields) or ``passage_theme`` /
    ``passage_country`` (payload: passage position, id or code, and whether removed).
    """

    __tablename__ = "manual_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


class LibraryInfo(Base):
    """Key/value facts about the library (e.g. the taxonomy version last applied)."""

    __tablename__ = "library_info"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
