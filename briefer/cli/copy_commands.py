"""``briefer copy``: a whole library from one database to another, then checked."""

from __future__ import annotations

import click

from briefer.cli.output import emit_json
from briefer.services.copying import CopyError, copy_library


@click.command("copy")
@click.option("--from", "source", required=True, metavar="PATH|URL", help="Library to copy.")
@click.option("--to", "target", required=True, metavar="PATH|URL", help="Library to fill.")
@click.option("--replace", is_flag=True, help="Overwrite a target that already holds a library.")
@click.option("--json", "as_json", is_flag=True, help="Print the check as JSON.")
def copy_command(source: str, target: str, replace: bool, as_json: bool) -> int:
    """Copy a whole library between SQLite and PostgreSQL (either way), then check it.

    The check compares the rows of every table and a checksum of the passage texts.
    A target holding documents, briefings or corrections is refused without --replace.
    """
    report = copy_library(source, target, replace=replace, report=None if as_json else _progress)
    if as_json:
        emit_json(
            {
                "source": report.source,
                "target": report.target,
                "ok": report.ok,
                "tables": {
                    name: {"source": count, "target": report.target_counts.get(name)}
                    for name, count in report.source_counts.items()
                },
                "passage_checksum": {
                    "source": report.source_checksum,
                    "target": report.target_checksum,
                },
                "mismatches": report.mismatches,
            }
        )
    if not report.ok:
        for line in report.mismatches:
            click.echo(f"{report.target}: {line}", err=True)
        raise CopyError(f"{report.target}: the copy does not match its source (see above)")
    if not as_json:
        passages = report.source_counts.get("passage", 0)
        documents = report.source_counts.get("document", 0)
        click.echo(
            f"copied {report.source} to {report.target}: {documents} documents, "
            f"{passages} passages; every table and the passage checksum match"
        )
    return 0


def _progress(line: str) -> None:
    click.echo(line, err=True)


COMMANDS: list[click.Command] = [copy_command]
