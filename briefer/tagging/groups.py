"""Country groups at a date: who was an EU member state, a Schengen member… on a given day.

Two sources, same answers: the gazetteer in force (for taggers and the window, no
database needed) and the library's ``country_group_member`` table (for SQL filters,
kept in line with the gazetteer by ``sync_countries``). "EU member states" in a 2018
text includes the United Kingdom; in a 2021 text it does not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from briefer.store.models import CountryGroup, CountryGroupMember
from briefer.tagging.gazetteer import Gazetteer, Group, UnknownCountry, current_gazetteer


@dataclass(frozen=True)
class GroupSummary:
    id: str
    name: str
    members: list[str]  # codes on the date asked, in protocol (EU) or file order


def group_members(
    group_id: str, on: dt.date | None = None, gazetteer: Gazetteer | None = None
) -> list[str]:
    """Codes of the group's members on ``on`` (today by default); unknown id: UnknownCountry."""
    return (gazetteer or current_gazetteer()).group(group_id).members_on(on)


def groups_of(
    code: str, on: dt.date | None = None, gazetteer: Gazetteer | None = None
) -> list[str]:
    """Ids of the groups a country belongs to on ``on`` (today by default)."""
    return (gazetteer or current_gazetteer()).groups_of(code, on)


def list_groups(
    on: dt.date | None = None, gazetteer: Gazetteer | None = None
) -> list[GroupSummary]:
    gazetteer = gazetteer or current_gazetteer()
    return [_summary(g, on) for g in gazetteer.groups.values()]


def protocol_order(codes: list[str], gazetteer: Gazetteer | None = None) -> list[str]:
    """``codes`` in EU protocol order (member states first, then the others by code)."""
    gazetteer = gazetteer or current_gazetteer()
    order = {m.code: m.protocol for m in gazetteer.group("eu").members if m.protocol}
    return sorted(codes, key=lambda c: (c not in order, order.get(c, 0), c))


def members_in_library(session: Session, group_id: str, on: dt.date | None = None) -> list[str]:
    """The same answer as :func:`group_members`, read from the library's tables.

    ``on=None`` means today. Raises UnknownCountry when the library has no such group.
    """
    if session.get(CountryGroup, group_id) is None:
        raise UnknownCountry(f"no country group {group_id!r} in the library")
    day = on or dt.date.today()
    rows = session.execute(
        select(CountryGroupMember.country_code)
        .where(
            CountryGroupMember.group_id == group_id,
            or_(CountryGroupMember.since.is_(None), CountryGroupMember.since <= day),
            or_(CountryGroupMember.until.is_(None), and_(CountryGroupMember.until >= day)),
        )
        .order_by(CountryGroupMember.position, CountryGroupMember.country_code)
    )
    return [code for (code,) in rows]


def _summary(group: Group, on: dt.date | None) -> GroupSummary:
    return GroupSummary(id=group.id, name=group.name, members=group.members_on(on))
