"""Tagging commands: manual tags, re-tagging, the theme tree and editing the taxonomy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from briefer.cli.context import CliContext
from briefer.cli.output import emit_json, emit_table
from briefer.domain.progress import Progress
from briefer.services.tagging import (
    RetagReport,
    ThemeNode,
    add_theme,
    export_taxonomy,
    load_taxonomy_file,
    rename_theme,
    reset_taxonomy,
    retag,
    retag_needed,
    set_cue,
    set_passage_tag,
    theme_tree,
)
from briefer.store.library import Library
from briefer.tagging.taxonomy import WEAK

_RETAG_HINT = "run `briefer retag` to apply it to the passages already in the library"


def _library(ctx: click.Context) -> Library:
    state = ctx.find_object(CliContext)
    assert state is not None
    return state.library


@click.command("tag")
@click.argument("passage_id", type=int)
@click.option("--theme", "theme", metavar="ID", help="Theme id (see `briefer themes`).")
@click.option("--country", "country", metavar="CODE", help="ISO country code (RS, XK, EL…).")
@click.option("--remove", is_flag=True, help="Remove the tag; re-tagging will not bring it back.")
@click.option("--json", "as_json", is_flag=True, help="Print the change as JSON.")
@click.pass_context
def tag_command(
    ctx: click.Context,
    passage_id: int,
    theme: str | None,
    country: str | None,
    remove: bool,
    as_json: bool,
) -> None:
    """Tag a passage by hand with a theme or a country, or remove a tag (--remove)."""
    if (theme is None) == (country is None):
        raise click.UsageError("give exactly one of --theme ID or --country CODE")
    with _library(ctx).session() as session:
        change = set_passage_tag(session, passage_id, theme=theme, country=country, remove=remove)
    if as_json:
        emit_json(
            {
                "passage_id": change.passage_id,
                "kind": change.kind,
                "key": change.key,
                "removed": change.removed,
                "previous": change.previous,
            }
        )
        return
    action = "removed" if change.removed else "tagged"
    before = f" (was: {change.previous})" if change.previous else ""
    click.echo(f"passage {change.passage_id}: {change.kind} {change.key} {action} by hand{before}")


@click.command("retag")
@click.option(
    "--batch",
    "batch_size",
    type=click.IntRange(1),
    default=2000,
    show_default=True,
    help="Passages re-tagged and stored per transaction.",
)
@click.option(
    "--workers",
    type=click.IntRange(0),
    help="Tagging processes (default: one per core for large libraries; 0: none).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def retag_command(ctx: click.Context, batch_size: int, workers: int | None, as_json: bool) -> None:
    """Re-tag every passage with the current taxonomy and gazetteer (manual tags stay)."""
    job = retag(_library(ctx), batch_size=batch_size, workers=workers)
    shown = -1
    while True:
        try:
            progress: Progress = next(job)
        except StopIteration as stop:
            report: RetagReport = stop.value
            break
        if not as_json and progress.total:
            percent = progress.done * 100 // progress.total
            if percent // 10 != shown // 10 or progress.done == progress.total:
                shown = percent
                click.echo(f"{progress.done}/{progress.total} passages ({percent}%)", err=True)
    if as_json:
        emit_json(
            {
                "passages": report.passages,
                "theme_links": report.theme_links,
                "country_links": report.country_links,
                "countries_refreshed": report.countries_refreshed,
                "cancelled": report.cancelled,
                "seconds": round(report.seconds, 3),
                "workers": report.workers,
                "changed": report.changed,
            }
        )
        return
    countries = (
        f", {report.country_links} country tags"
        if report.countries_refreshed
        else " (country tagger not available: country tags left as they were)"
    )
    click.echo(
        f"re-tagged {report.passages} passages ({report.changed} changed): "
        f"{report.theme_links} theme tags{countries} in {report.seconds:.1f} s"
    )


def _node_json(node: ThemeNode) -> dict[str, Any]:
    return {
        "id": node.id,
        "label": node.label,
        "eurovoc": node.eurovoc,
        "parent": node.parent,
        "passages": node.passages,
        "cues": node.cues,
        "children": [_node_json(child) for child in node.children],
    }


@click.command("themes")
@click.option("--json", "as_json", is_flag=True, help="Print the tree as JSON.")
@click.pass_context
def themes_command(ctx: click.Context, as_json: bool) -> None:
    """List the theme tree with passage counts."""
    with _library(ctx).session() as session:
        roots = theme_tree(session)
        stale = retag_needed(session)
    if as_json:
        emit_json([_node_json(root) for root in roots])
        return
    rows: list[list[Any]] = []

    def walk(nodes: list[ThemeNode], depth: int) -> None:
        for node in nodes:
            rows.append(["  " * depth + node.id, node.label, node.passages, node.eurovoc])
            walk(node.children, depth + 1)

    walk(roots, 0)
    emit_table(["theme", "label", "passages", "EuroVoc"], rows)
    if stale:
        click.echo(f"The taxonomy changed since the passages were tagged: {_RETAG_HINT}.", err=True)


@click.group("theme")
def theme_group() -> None:
    """Edit the library's taxonomy: add or rename themes, add cues, load or export a file."""


@theme_group.command("add")
@click.argument("theme_id")
@click.option("--label", required=True, help="The name users see.")
@click.option("--parent", metavar="ID", help="The group (parent theme) it belongs to.")
@click.option("--eurovoc", help="The nearest EuroVoc descriptor.")
@click.pass_context
def theme_add(
    ctx: click.Context, theme_id: str, label: str, parent: str | None, eurovoc: str | None
) -> None:
    """Add a theme (give it cues with `briefer theme cue`)."""
    with _library(ctx).session() as session:
        theme = add_theme(session, theme_id, label, parent=parent, eurovoc=eurovoc)
    where = f" under {theme.parent}" if theme.parent else ""
    click.echo(f"added theme {theme.id} ({theme.label}){where}")


@theme_group.command("rename")
@click.argument("theme_id")
@click.argument("label")
@click.pass_context
def theme_rename(ctx: click.Context, theme_id: str, label: str) -> None:
    """Change a theme's label (its id, which tags refer to, stays)."""
    with _library(ctx).session() as session:
        theme = rename_theme(session, theme_id, label)
    click.echo(f"theme {theme.id} is now labelled {theme.label!r}")


@theme_group.command("cue")
@click.argument("theme_id")
@click.argument("phrase")
@click.option("--negative", is_flag=True, help="A phrase whose matches cancel the theme's cues.")
@click.option("--weak", is_flag=True, help=f"A weak cue (weight {WEAK:g}): needs another cue.")
@click.option("--weight", type=float, help="An explicit weight (1 = enough on its own).")
@click.option("--remove", is_flag=True, help="Remove the cue instead.")
@click.pass_context
def theme_cue(
    ctx: click.Context,
    theme_id: str,
    phrase: str,
    negative: bool,
    weak: bool,
    weight: float | None,
    remove: bool,
) -> None:
    """Add a cue phrase to a theme (syntax: docs/taxonomy.md), or remove one."""
    if weak and weight is not None:
        raise click.UsageError("give --weak or --weight, not both")
    with _library(ctx).session() as session:
        set_cue(
            session,
            theme_id,
            phrase,
            negative=negative,
            weight=WEAK if weak else weight,
            remove=remove,
        )
    kind = "negative cue" if negative else "cue"
    click.echo(f"theme {theme_id}: {kind} {phrase!r} {'removed' if remove else 'added'}")
    click.echo(_RETAG_HINT[0].upper() + _RETAG_HINT[1:] + ".", err=True)


@theme_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def theme_load(ctx: click.Context, file: Path) -> None:
    """Replace the library's taxonomy with FILE (checked first: a bad file changes nothing)."""
    with _library(ctx).session() as session:
        report = load_taxonomy_file(session, file)
    click.echo(f"loaded {file}: {len(report.added)} themes added, {len(report.removed)} removed")
    if report.kept:
        click.echo(f"kept {', '.join(report.kept)}: not in the file but tagged by hand", err=True)
    click.echo(_RETAG_HINT[0].upper() + _RETAG_HINT[1:] + ".", err=True)


@theme_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.pass_context
def theme_export(ctx: click.Context, file: Path | None) -> None:
    """Write the library's taxonomy as TOML (to FILE, or to the screen) for editing."""
    with _library(ctx).session() as session:
        text = export_taxonomy(session)
    if file is None:
        click.echo(text, nl=False)
        return
    try:
        file.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.FileError(str(file), hint=exc.strerror or str(exc)) from exc
    click.echo(f"wrote {file}")


@theme_group.command("reset")
@click.pass_context
def theme_reset(ctx: click.Context) -> None:
    """Go back to the shipped taxonomy, dropping your edits (manual tags stay)."""
    with _library(ctx).session() as session:
        reset_taxonomy(session)
    click.echo("the library uses the shipped taxonomy again")
    click.echo(_RETAG_HINT[0].upper() + _RETAG_HINT[1:] + ".", err=True)


COMMANDS: list[click.Command] = [tag_command, retag_command, themes_command, theme_group]
