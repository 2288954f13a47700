"""Briefing commands: list, show, new, add; export a briefing; build one from a search.

JSON output is documented in docs/cli.md ("Briefings"). Unknown ids are ``NotFound``
errors: one line on stderr, exit 1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from briefer.briefing.citations import citation_for
from briefer.briefing.compose import ComposeOptions
from briefer.briefing.outline import BriefingOutline, ItemOutline
from briefer.briefing.presets import list_presets
from briefer.cli.context import CliContext
from briefer.cli.output import emit_json, emit_table
from briefer.cli.search_commands import filter_options, request_from_options
from briefer.services import briefings as ops
from briefer.services.briefing_build import DEFAULT_LIMIT, build_briefing, file_quotes
from briefer.services.briefing_export import FORMATS, compose_briefing, write_briefing_document
from briefer.services.briefing_reads import list_briefings, load_outline
from briefer.store.library import Library


def _library(ctx: click.Context) -> Library:
    state = ctx.find_object(CliContext)
    assert state is not None
    return state.library


# --- JSON shapes (documented in docs/cli.md) -----------------------------------------------


def _item_json(item: ItemOutline) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "position": item.position,
        "passage_id": item.passage_id,
        "quote": item.quote,
        "citation": citation_for(item.sources).text if item.sources else None,
        "text": item.text,
        "note": item.note,
        "sources": [
            {
                "passage_id": p.passage_id,
                "document_id": p.document.id,
                "document_title": p.document.title,
                "paragraph": p.paragraph,
            }
            for p in item.sources
        ],
    }


def outline_json(outline: BriefingOutline) -> dict[str, Any]:
    return {
        "id": outline.id,
        "title": outline.title,
        "subtitle": outline.subtitle,
        "purpose": outline.purpose,
        "audience": outline.audience,
        "author": outline.author,
        "date": outline.date,
        "language": outline.language,
        "classification": outline.classification,
        "preset": outline.preset,
        "created_at": outline.created_at,
        "modified_at": outline.modified_at,
        "version": outline.version,
        "sections": [
            {
                "id": s.id,
                "position": s.position,
                "heading": s.heading,
                "intro": s.intro,
                "items": [_item_json(i) for i in s.items],
            }
            for s in outline.sections
        ],
    }


def _report_json(report: Any, path: Path, fmt: str) -> dict[str, Any]:
    return {
        "path": str(path.absolute()),
        "format": fmt,
        "quotes": getattr(report, "quotes", None),
        "pages": getattr(report, "pages", None),
        "warnings": list(getattr(report, "warnings", []) or []),
    }


def _print_outline(outline: BriefingOutline) -> None:
    click.echo(f"Briefing {outline.id}: {outline.title}")
    for label, value in (
        ("Subtitle", outline.subtitle),
        ("Purpose", outline.purpose),
        ("Audience", outline.audience),
        ("Author", outline.author),
        ("Date", outline.date.isoformat() if outline.date else None),
        ("Classification", outline.classification),
        ("Preset", outline.preset),
    ):
        if value:
            click.echo(f"  {label}: {value}")
    modified = outline.modified_at.isoformat(timespec="seconds") if outline.modified_at else "-"
    click.echo(f"  Version {outline.version}, modified {modified}")
    if not outline.sections:
        click.echo("  (no sections yet)")
    for section in outline.sections:
        click.echo("")
        click.echo(f"[section {section.id}] {section.heading}")
        if section.intro:
            click.echo(f"    {section.intro}")
        if not section.items:
            click.echo("    (no items yet)")
        for item in section.items:
            if item.kind == "quote" and item.sources:
                click.echo(
                    f"  [item {item.id}] quote of passage {item.passage_id}: {_short(item.quote)}"
                )
                click.echo(f"      {citation_for(item.sources).text}")
                if item.note:
                    click.echo(f"      Note: {item.note}")
            else:
                click.echo(f"  [item {item.id}] text: {_short(item.text)}")


def _short(text: str | None, width: int = 90) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


# --- briefer briefing … -----------------------------------------------------------------


@click.group("briefing")
def briefing_group() -> None:
    """Make and edit briefings (list, show, new, add, rename, duplicate, delete, presets)."""


@briefing_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see docs/cli.md).")
@click.pass_context
def list_command(ctx: click.Context, as_json: bool) -> None:
    """List the briefings in the library, most recently changed first."""
    summaries = list_briefings(_library(ctx))
    if as_json:
        emit_json(summaries)
        return
    if not summaries:
        click.echo("No briefings yet: make one with `briefer briefing new TITLE`.")
        return
    emit_table(
        ["ID", "TITLE", "MARKING", "SECTIONS", "ITEMS", "MODIFIED"],
        [
            (
                s.id,
                s.title,
                s.classification,
                s.sections,
                s.items,
                s.modified_at.strftime("%Y-%m-%d %H:%M"),
            )
            for s in summaries
        ],
    )


@briefing_group.command("show")
@click.argument("briefing_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see docs/cli.md).")
@click.pass_context
def show_command(ctx: click.Context, briefing_id: int, as_json: bool) -> None:
    """Show a briefing's outline: sections, quotes with their citations, analyst text."""
    outline = load_outline(_library(ctx), briefing_id)
    if as_json:
        emit_json(outline_json(outline))
    else:
        _print_outline(outline)


@briefing_group.command("new")
@click.argument("title")
@click.option(
    "--preset", metavar="NAME", help='Start from a preset, e.g. "Ministerial meeting brief".'
)
@click.option(
    "--classification", metavar="TEXT", help="Marking printed on every page, e.g. OFFICIAL."
)
@click.option("--subtitle", metavar="TEXT", help="Cover subtitle, e.g. the meeting it prepares.")
@click.option("--purpose", metavar="TEXT", help="Purpose shown on the cover.")
@click.option("--audience", metavar="TEXT", help="Who the briefing is for.")
@click.option("--author", metavar="TEXT", help="Author or unit.")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the new briefing as JSON.")
@click.pass_context
def new_command(
    ctx: click.Context,
    title: str,
    preset: str | None,
    classification: str | None,
    subtitle: str | None,
    purpose: str | None,
    audience: str | None,
    author: str | None,
    day: dt.datetime | None,
    as_json: bool,
) -> None:
    """Make a new briefing, empty or with the sections of a preset."""
    library = _library(ctx)
    change = ops.create_briefing(
        library,
        title,
        preset=preset,
        classification=classification,
        subtitle=subtitle,
        purpose=purpose,
        audience=audience,
        author=author,
        date=day.date() if day else None,
    )
    assert change.briefing_id is not None
    outline = load_outline(library, change.briefing_id)
    if as_json:
        emit_json(outline_json(outline))
        return
    sections = ", ".join(s.heading for s in outline.sections) or "no sections"
    click.echo(f"Made briefing {outline.id}: {outline.title} ({sections})")


@briefing_group.command("add")
@click.argument("briefing_id", type=int)
@click.argument("passage_ids", type=int, nargs=-1, required=True)
@click.option(
    "--section",
    "heading",
    metavar="HEADING",
    help="Section to add to (made when missing). Default: filed by theme or meeting for "
    "a thematic digest, else the last section before the sources annex.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was added as JSON.")
@click.pass_context
def add_command(
    ctx: click.Context,
    briefing_id: int,
    passage_ids: tuple[int, ...],
    heading: str | None,
    as_json: bool,
) -> None:
    """Quote passages (by id, as `briefer search` lists them) in a briefing."""
    library = _library(ctx)
    placed = file_quotes(library, briefing_id, list(passage_ids), heading)
    if as_json:
        emit_json(
            {
                "briefing_id": briefing_id,
                "version": placed.change.version,
                "item_ids": list(placed.item_ids),
                "sections": [
                    {"id": sid, "heading": h, "created": made} for sid, h, made in placed.sections
                ],
            }
        )
        return
    where = ", ".join(f'"{h}"' + (" (new)" if made else "") for _, h, made in placed.sections)
    n = len(placed.item_ids)
    click.echo(f"Added {n} quote{'s' if n != 1 else ''} to briefing {briefing_id}: {where}")


@briefing_group.command("rename")
@click.argument("briefing_id", type=int)
@click.argument("title")
@click.pass_context
def rename_command(ctx: click.Context, briefing_id: int, title: str) -> None:
    """Give a briefing a new title."""
    change = ops.rename_briefing(_library(ctx), briefing_id, title)
    click.echo(f"Renamed briefing {briefing_id} (version {change.version})")


@briefing_group.command("duplicate")
@click.argument("briefing_id", type=int)
@click.option("--title", help='Title of the copy (default: "<title> (copy)").')
@click.pass_context
def duplicate_command(ctx: click.Context, briefing_id: int, title: str | None) -> None:
    """Copy a briefing with all its sections and items."""
    change = ops.duplicate_briefing(_library(ctx), briefing_id, title)
    click.echo(f"Copied briefing {briefing_id} to briefing {change.briefing_id}")


@briefing_group.command("delete")
@click.argument("briefing_id", type=int)
@click.pass_context
def delete_command(ctx: click.Context, briefing_id: int) -> None:
    """Delete a briefing (the quoted documents stay in the library)."""
    ops.delete_briefing(_library(ctx), briefing_id)
    click.echo(f"Deleted briefing {briefing_id}")


@briefing_group.command("presets")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def presets_command(as_json: bool) -> None:
    """List the briefing presets and their sections."""
    presets = list_presets()
    if as_json:
        emit_json(
            [
                {
                    "key": p.key,
                    "name": p.name,
                    "description": p.description,
                    "group_by": p.group_by,
                    "sections": [s.heading for s in p.sections],
                }
                for p in presets
            ]
        )
        return
    for preset in presets:
        sections = "; ".join(s.heading for s in preset.sections) or "sections made from themes"
        click.echo(f"{preset.name} ({preset.key}): {sections}")


# --- briefer export / build -------------------------------------------------------------


def _layout_options(function: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--format",
                "fmt",
                type=click.Choice(FORMATS, case_sensitive=False),
                help="Output format (default: from the file name).",
            ),
            click.option(
                "-o",
                "--output",
                "output",
                type=click.Path(dir_okay=False, path_type=Path),
                required=True,
                help="File to write (replaced safely if it exists).",
            ),
            click.option(
                "--classification",
                metavar="TEXT",
                help="Marking for this export (default: the briefing's own).",
            ),
            click.option(
                "--citations",
                type=click.Choice(["inline", "footnotes"]),
                default="inline",
                show_default=True,
                help="Citations under each quote, or as numbered footnotes.",
            ),
            click.option(
                "--kosovo-footnote/--no-kosovo-footnote",
                default=True,
                show_default=True,
                help='Write "Kosovo*" with the designation footnote on its first mention.',
            ),
            click.option("--json", "as_json", is_flag=True, help="Print the result as JSON."),
        ]
    ):
        function = option(function)
    return function


def _format_for(fmt: str | None, output: Path) -> str:
    if fmt:
        return fmt.lower()
    suffix = output.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise click.UsageError(f"give --format docx or pdf ({output} has no .docx or .pdf suffix)")


def _print_warnings(report: Any) -> None:
    for warning in getattr(report, "warnings", []) or []:
        click.echo(f"warning: {warning}", err=True)


@click.command("export")
@click.argument("briefing_id", type=int)
@_layout_options
@click.pass_context
def export_command(
    ctx: click.Context,
    briefing_id: int,
    fmt: str | None,
    output: Path,
    classification: str | None,
    citations: str,
    kosovo_footnote: bool,
    as_json: bool,
) -> None:
    """Export a briefing as a Word (DOCX) or PDF file."""
    fmt = _format_for(fmt, output)
    options = ComposeOptions(
        citation_mode=citations,  # type: ignore[arg-type]
        classification=classification,
        kosovo_footnote=kosovo_footnote,
    )
    document = compose_briefing(_library(ctx), briefing_id, options)
    report = write_briefing_document(document, fmt, output)
    if as_json:
        emit_json({"briefing_id": briefing_id, **_report_json(report, output, fmt)})
    else:
        _print_warnings(report)
        click.echo(f"Wrote {output}")


@click.command("build")
@click.argument("query", nargs=-1)
@filter_options
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="At most this many passages (the most relevant).",
)
@click.option("--title", required=True, help="Title of the briefing.")
@click.option(
    "--group-by",
    type=click.Choice(["theme", "meeting"]),
    default="theme",
    show_default=True,
    help="A section per theme or per meeting.",
)
@_layout_options
@click.pass_context
def build_command(
    ctx: click.Context,
    query: tuple[str, ...],
    themes: tuple[str, ...],
    countries: tuple[str, ...],
    meetings: tuple[int, ...],
    date_from: dt.date | None,
    date_to: dt.date | None,
    limit: int,
    title: str,
    group_by: str,
    fmt: str | None,
    output: Path,
    classification: str | None,
    citations: str,
    kosovo_footnote: bool,
    as_json: bool,
) -> None:
    """Build a briefing from a search (same query and filters as `briefer search`), store it
    and export it."""
    fmt = _format_for(fmt, output)
    library = _library(ctx)
    request = request_from_options(
        query,
        themes=themes,
        countries=countries,
        meetings=meetings,
        date_from=date_from,
        date_to=date_to,
    )
    result = build_briefing(
        library,
        request,
        title,
        group_by=group_by,  # type: ignore[arg-type]
        classification=classification,
        limit=limit,
    )
    briefing_id = result.change.briefing_id
    assert briefing_id is not None
    options = ComposeOptions(
        citation_mode=citations,  # type: ignore[arg-type]
        classification=classification,
        kosovo_footnote=kosovo_footnote,
    )
    report = write_briefing_document(compose_briefing(library, briefing_id, options), fmt, output)
    if as_json:
        emit_json(
            {
                "briefing_id": briefing_id,
                "matched": result.total,
                "passages": result.quoted,
                "sections": result.sections,
                "items": result.items,
                **_report_json(report, output, fmt),
            }
        )
        return
    if result.limited:
        click.echo(
            f"warning: the search matched {result.total} passages; only the {limit} most "
            "relevant were taken (raise --limit to take more)",
            err=True,
        )
    if result.left_out:
        what = "heading or dateline" if result.left_out == 1 else "headings or datelines"
        click.echo(
            f"note: left out {result.left_out} matching {what} (not statements to quote)",
            err=True,
        )
    _print_warnings(report)
    click.echo(
        f"Built briefing {briefing_id}: {result.items} quotes in {result.sections} sections; "
        f"wrote {output}"
    )


COMMANDS: list[click.Command] = [briefing_group, export_command, build_command]
