"""Listing countries and country groups with how much of the library names them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from briefer.store.models import (
    Country,
    CountryGroup,
    Passage,
    PassageCountry,
)
from briefer.tagging.groups import members_in_library


@dataclass(frozen=True)
class CountryRow:
    code: str
    name: str
    long_name: str | None
    groups: list[str]  # ids of the groups it belongs to on the date asked
    passages: int  # passages tagged with it, manual removals not counted
    documents: int  # documents with at least one such passage


@dataclass(frozen=True)
class GroupRow:
    id: str
    name: str
    members: list[str]  # on the date asked, in protocol (EU) or listing order
    passages: int  # passages tagged with any member, manual removals not counted


def country_rows(session: Session, on: dt.date | None = None) -> list[CountryRow]:
    """Every country in the library, by code, with its groups and passage counts."""
    counts = _counts(session)
    groups = _groups_by_country(session, on)
    rows = []
    for country in session.scalars(select(Country).order_by(Country.code)):
        passages, documents = counts.get(country.code, (0, 0))
        rows.append(
            CountryRow(
                code=country.code,
                name=country.name,
                long_name=country.long_name,
                groups=groups.get(country.code, []),
                passages=passages,
                documents=documents,
            )
        )
    return rows


def group_rows(session: Session, on: dt.date | None = None) -> list[GroupRow]:
    """Every country group with its members on ``on`` (today by default)."""
    rows = []
    for group in session.scalars(select(CountryGroup).order_by(CountryGroup.id)):
        members = members_in_library(session, group.id, on)
        passages = session.scalar(
            select(func.count(func.distinct(PassageCountry.passage_id))).where(
                PassageCountry.country_code.in_(members), PassageCountry.excluded.is_(False)
            )
        )
        rows.append(GroupRow(group.id, group.name, members, int(passages or 0)))
    return rows


def _counts(session: Session) -> dict[str, tuple[int, int]]:
    query = (
        select(
            PassageCountry.country_code,
            func.count(func.distinct(PassageCountry.passage_id)),
            func.count(func.distinct(Passage.document_id)),
        )
        .join(Passage, Passage.id == PassageCountry.passage_id)
        .where(PassageCountry.excluded.is_(False))
        .group_by(PassageCountry.country_code)
    )
    return {code: (int(p), int(d)) for code, p, d in session.execute(query)}


def _groups_by_country(session: Session, on: dt.date | None) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    group_ids = session.scalars(select(CountryGroup.id).order_by(CountryGroup.id))
    for group_id in group_ids:
        for code in members_in_library(session, group_id, on):
            result.setdefault(code, []).append(group_id)
    return result


__all__ = ["CountryRow", "GroupRow", "country_rows", "group_rows"]
