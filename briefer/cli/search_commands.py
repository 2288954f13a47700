"""``briefer search``: passages matching a query and facet filters.

The filter options and their conversion to a ``SearchRequest`` are reusable
(``filter_options``, ``request_from_options``) so ``briefer build`` takes the same filters.
The ``--json`` output is a contract documented in docs/cli.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from briefer.cli.context import CliContext
from briefer.cli.output import emit_json
from briefer.domain.search import SearchHit, SearchRequest
from briefer.services.searching import search

F = TypeVar("F", bound=Callable[..., Any])

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class DateParam(click.ParamType):
    """YYYY-MM-DD, or YYYY-MM / YYYY meaning the first (``--from``) or last (``--to``) day."""

    name = "DATE"

    def __init__(self, end_of_period: bool = False) -> None:
        self.end_of_period = end_of_period

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        found = _DATE.match(text)
        try:
            if found is None:
                raise ValueError
            year, month, day = (int(g) if g else None for g in found.groups())
            assert year is not None
            if month is None:
                return dt.date(year, 12, 31) if self.end_of_period else dt.date(year, 1, 1)
            if day is None:
                if not self.end_of_period:
                    return dt.date(year, month, 1)
                following = dt.date(year + month // 12, month % 12 + 1, 1)
                return following - dt.timedelta(days=1)
            return dt.date(year, month, day)
        except ValueError:
            self.fail(f"'{text}' is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)", param, ctx)


def filter_options(function: F) -> F:
    """The facet filter options shared by every command that selects passages."""
    options = [
        click.option(
            "--theme",
            "themes",
            multiple=True,
            metavar="ID",
            help="Theme id (its sub-themes included); repeat for any of several.",
        ),
        click.option(
            "--country",
            "countries",
            multiple=True,
            metavar="CODE",
            help="Country code (EL/UK accepted) or group:ID; repeat for any of several.",
        ),
        click.option(
            "--meeting",
            "meetings",
            multiple=True,
            type=int,
            metavar="ID",
            help="Meeting id; repeat for any of several.",
        ),
        click.option(
            "--from",
            "date_from",
            type=DateParam(),
            help="Earliest date (meeting start, else publication).",
        ),
        click.option(
            "--to",
            "date_to",
            type=DateParam(end_of_period=True),
            help="Latest date (inclusive).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def request_from_options(
    query: Sequence[str] | str,
    *,
    themes: Sequence[str] = (),
    countries: Sequence[str] = (),
    meetings: Sequence[int] = (),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    **settings: Any,
) -> SearchRequest:
    """A ``SearchRequest`` from the command's options; a reversed date range is a usage error."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise click.UsageError(
            f"--from {date_from.isoformat()} is after --to {date_to.isoformat()}"
        )
    text = query if isinstance(query, str) else " ".join(query)
    return SearchRequest(
        query=text,
        themes=tuple(themes),
        countries=tuple(countries),
        meetings=tuple(meetings),
        date_from=date_from,
        date_to=date_to,
        **settings,
    )


def hit_json(hit: SearchHit) -> dict[str, Any]:
    """One hit as documented in docs/cli.md."""
    meeting = None
    if hit.meeting is not None:
        meeting = {
            "id": hit.meeting.id,
            "title": hit.meeting.title,
            "start_date": hit.meeting.start_date,
            "end_date": hit.meeting.end_date,
            "city": hit.meeting.city,
        }
    return {
        "passage_id": hit.passage_id,
        "document": {"id": hit.document_id, "title": hit.document_title},
        "meeting": meeting,
        "paragraph": hit.paragraph,
        "text": hit.text,
        "themes": list(hit.themes),
        "countries": list(hit.countries),
        "snippet": hit.snippet,
    }


def _describe(hit: SearchHit) -> str:
    where = f"{hit.document_title or f'document {hit.document_id}'}, para. {hit.paragraph}"
    if hit.meeting is not None:
        parts = [hit.meeting.title, hit.meeting.city]
        if hit.meeting.start_date:
            parts.append(hit.meeting.start_date.isoformat())
        where += " — " + ", ".join(p for p in parts if p)
    elif hit.published:
        where += f" — {hit.published.isoformat()}"
    return where


@click.command("search")
@click.argument("query", nargs=-1)
@filter_options
@click.option(
    "--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Hits to show."
)
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date"]),
    default="relevance",
    show_default=True,
    help="Best match first, or newest first.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (docs/cli.md).")
@click.pass_context
def search_command(
    ctx: click.Context,
    query: tuple[str, ...],
    limit: int,
    sort: str,
    as_json: bool,
    **filters: Any,
) -> int:
    """Find passages: words, "phrases", AND/OR/NOT, prefix*, with facet filters.

    Case, diacritics and script do not matter: nuhodzic finds NUHODŽIĆ, beograd finds
    Београд, dorde finds Đorđe.
    """
    request = request_from_options(query, limit=limit, sort=sort, with_facets=False, **filters)
    page = search(ctx.find_object(CliContext).library, request)
    if as_json:
        emit_json([hit_json(hit) for hit in page.hits])
        return 0
    if not page.hits:
        click.echo("no passages found")
        return 0
    for hit in page.hits:
        click.echo(f"[{hit.passage_id}] {_describe(hit)}")
        click.echo(f"    {hit.snippet}")
    shown = f"{len(page.hits)} of {page.total}" if page.total > len(page.hits) else page.total
    click.echo(f"{shown} passages", err=True)
    return 0


COMMANDS: list[click.Command] = [search_command]
