"""Country commands: the countries and country groups of the library, with passage counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from briefer.cli.context import CliContext
from briefer.cli.output import emit_json, emit_table
from briefer.services.countries import CountryRow, GroupRow, country_rows, group_rows


def _session(ctx: click.Context) -> Any:
    state = ctx.find_object(CliContext)
    assert state is not None
    return state.library.session()


def country_json(row: CountryRow) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "long_name": row.long_name,
        "groups": row.groups,
        "passages": row.passages,
        "documents": row.documents,
    }


def group_json(row: GroupRow) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "members": row.members, "passages": row.passages}


_ON = click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="Group membership on this day (YYYY-MM-DD; default today).",
)


@click.command("countries")
@click.option("--used", is_flag=True, help="Only countries that some passage names.")
@_ON
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see docs/cli.md).")
@click.pass_context
def countries_command(
    ctx: click.Context, used: bool, on: dt.datetime | None, as_json: bool
) -> None:
    """List countries with their groups and how many passages name them."""
    with _session(ctx) as session:
        rows = country_rows(session, on.date() if on else None)
    if used:
        rows = [r for r in rows if r.passages]
    if as_json:
        emit_json([country_json(r) for r in rows])
        return
    emit_table(
        ["code", "passages", "documents", "name", "groups"],
        [(r.code, r.passages, r.documents, r.name, " ".join(r.groups) or None) for r in rows],
    )


@click.command("groups")
@_ON
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see docs/cli.md).")
@click.pass_context
def groups_command(ctx: click.Context, on: dt.datetime | None, as_json: bool) -> None:
    """List country groups (EU, Western Balkans six, Schengen…) with their members."""
    with _session(ctx) as session:
        rows = group_rows(session, on.date() if on else None)
    if as_json:
        emit_json([group_json(r) for r in rows])
        return
    emit_table(
        ["id", "passages", "name", "members"],
        [(r.id, r.passages, r.name, " ".join(r.members)) for r in rows],
    )


COMMANDS: list[click.Command] = [countries_command, groups_command]
