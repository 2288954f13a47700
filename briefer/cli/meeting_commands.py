"""Meeting commands: ``meetings`` (the list) and ``meeting set`` (an analyst's correction).

Output contracts (``--json``) are documented in docs/cli.md; keep them in step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from briefer.cli.context import CliContext
from briefer.cli.output import emit_json, emit_table
from briefer.services.meetings import (
    MeetingSummary,
    correct_meeting,
    meetings_overview,
    reset_meeting,
)
from briefer.tagging.dates import parse_date


def meeting_json(meeting: MeetingSummary) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "title": meeting.title,
        "series": meeting.series,
        "start_date": meeting.start_date,
        "end_date": meeting.end_date,
        "city": meeting.city,
        "country": meeting.country,
        "format": meeting.format,
        "confidence": meeting.confidence,
        "origin": meeting.origin,
        "documents": meeting.documents,
        "passages": meeting.passages,
    }


def _dates(meeting: MeetingSummary) -> str | None:
    if meeting.start_date is None:
        return None
    if meeting.end_date is None or meeting.end_date == meeting.start_date:
        return meeting.start_date.isoformat()
    return f"{meeting.start_date.isoformat()}..{meeting.end_date.isoformat()}"


@click.command("meetings")
@click.option("--json", "as_json", is_flag=True, help="Print the meetings as JSON.")
@click.pass_context
def meetings_command(ctx: click.Context, as_json: bool) -> None:
    """List meetings with their documents, passages and confidence."""
    overview = meetings_overview(ctx.find_object(CliContext).library)
    if as_json:
        emit_json([meeting_json(m) for m in overview.meetings])
        return
    rows = [
        (
            m.id,
            _dates(m),
            m.title or m.series,
            m.city,
            m.country,
            m.format,
            m.documents,
            m.passages,
            "manual" if m.origin == "manual" else m.confidence,
        )
        for m in overview.meetings
    ]
    headers = ("id", "dates", "meeting", "city", "country", "format", "docs", "passages", "conf")
    emit_table(headers, rows)
    if overview.documents_without_meeting:
        click.echo(
            f"{overview.documents_without_meeting} document(s) with meeting unknown: "
            "set it with `briefer meeting set DOC_ID ...`",
            err=True,
        )


class _DateParam(click.ParamType):
    """A calendar date: ISO (2021-12-01) or written out (1 December 2021); '' clears it."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date) or value == "":
            return value
        text = str(value).strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        parsed = parse_date(text)
        if parsed is None:
            self.fail(f"{value!r} is not a date (use YYYY-MM-DD, e.g. 2021-12-01)", param, ctx)
        return parsed


@click.group("meeting")
def meeting_group() -> None:
    """Correct the meeting a document belongs to."""


_FIELD_OPTIONS = {
    "title": "title",
    "series": "series",
    "start": "start_date",
    "end": "end_date",
    "city": "city",
    "country": "country",
    "format": "format",
}


@meeting_group.command("set")
@click.argument("document_id", type=int)
@click.option("--title", help="The meeting's title ('' clears it).")
@click.option("--series", help="The series, e.g. 'Salzburg Forum' ('' clears it).")
@click.option("--start", type=_DateParam(), help="First day (YYYY-MM-DD).")
@click.option("--end", type=_DateParam(), help="Last day (YYYY-MM-DD); defaults to the first.")
@click.option("--city", help="City or venue ('' clears it).")
@click.option("--country", metavar="CODE", help="ISO 3166 alpha-2 code (XK for Kosovo).")
@click.option("--format", "format_", help="e.g. 'videoconference' ('' clears it).")
@click.option("--json", "as_json", is_flag=True, help="Print the corrected meeting as JSON.")
@click.pass_context
def meeting_set_command(
    ctx: click.Context, document_id: int, as_json: bool, **options: Any
) -> None:
    """Set DOCUMENT_ID's meeting; the correction survives re-tagging and re-importing."""
    options["format"] = options.pop("format_")
    changes = {
        _FIELD_OPTIONS[name]: (value if value != "" else None)
        for name, value in options.items()
        if value is not None
    }
    if not changes:
        raise click.UsageError(
            "nothing to set: give at least one of --title, --series, --start, "
            "--end, --city, --country, --format"
        )
    start, end = changes.get("start_date"), changes.get("end_date")
    if start is not None and end is not None and end < start:
        raise click.BadParameter(
            f"{end.isoformat()} is before --start {start.isoformat()}", param_hint="--end"
        )
    meeting = correct_meeting(ctx.find_object(CliContext).library, document_id, changes)
    if as_json:
        emit_json(meeting_json(meeting))
        return
    click.echo(_describe(document_id, meeting))


@meeting_group.command("reset")
@click.argument("document_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the meeting as JSON (null if none).")
@click.pass_context
def meeting_reset_command(ctx: click.Context, document_id: int, as_json: bool) -> None:
    """Drop the corrections of DOCUMENT_ID's meeting and read it from the text again."""
    meeting = reset_meeting(ctx.find_object(CliContext).library, document_id)
    if as_json:
        emit_json(meeting_json(meeting) if meeting is not None else None)
    elif meeting is None:
        click.echo(f"document {document_id}: meeting unknown (the text does not say)")
    else:
        click.echo(_describe(document_id, meeting))


def _describe(document_id: int, meeting: MeetingSummary) -> str:
    return (
        f"document {document_id}: meeting {meeting.id} "
        f"({meeting.title or meeting.series or 'untitled'}, {_dates(meeting) or 'dates unknown'}, "
        f"{meeting.city or 'place unknown'}{', ' + meeting.country if meeting.country else ''})"
    )


COMMANDS: list[click.Command] = [meetings_command, meeting_group]
