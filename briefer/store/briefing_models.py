"""Briefing tables: a briefing, its ordered sections and their ordered items.

Items quote a passage by id (the text is never copied, so an export always quotes
the stored passage verbatim) or hold the analyst's own text. ``version`` supports
optimistic locking when a team shares one library. A quote may cite further passages
(``BriefingItemSource``): the same sentence republished in other documents, quoted once
and cited with every source.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from briefer.store.base import Base
from briefer.store.models import _utcnow


class Briefing(Base):
    __tablename__ = "briefing"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    subtitle: Mapped[str | None] = mapped_column(Text)  # e.g. the meeting the brief prepares
    purpose: Mapped[str | None] = mapped_column(Text)
    audience: Mapped[str | None] = mapped_column(String(300))
    author: Mapped[str | None] = mapped_column(String(300))
    date: Mapped[dt.date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(10), default="en")
    classification: Mapped[str | None] = mapped_column(String(100))
    preset: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    modified_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    sections: Mapped[list[BriefingSection]] = relationship(
        back_populates="briefing",
        order_by="BriefingSection.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class BriefingSection(Base):
    __tablename__ = "briefing_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(
        ForeignKey("briefing.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(500))
    intro: Mapped[str | None] = mapped_column(Text)

    briefing: Mapped[Briefing] = relationship(back_populates="sections")
    items: Mapped[list[BriefingItem]] = relationship(
        back_populates="section",
        order_by="BriefingItem.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class BriefingItem(Base):
    __tablename__ = "briefing_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("briefing_section.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # "quote" or "text"
    passage_id: Mapped[int | None] = mapped_column(
        ForeignKey("passage.id", ondelete="RESTRICT"), index=True
    )
    text: Mapped[str | None] = mapped_column(Text)  # the analyst's own text
    note: Mapped[str | None] = mapped_column(Text)  # the analyst's note on a quote

    section: Mapped[BriefingSection] = relationship(back_populates="items")
    also_sources: Mapped[list[BriefingItemSource]] = relationship(
        order_by="BriefingItemSource.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class BriefingItemSource(Base):
    """Another passage a quote also cites: the same text republished in another document."""

    __tablename__ = "briefing_item_source"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("briefing_item.id", ondelete="CASCADE"), primary_key=True
    )
    passage_id: Mapped[int] = mapped_column(
        ForeignKey("passage.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
