"""``briefer verify FILE``: check an exported briefing's quotes against the library.

Exit 0 when every quote is the stored passage text; 1 when any mismatch is listed (or the
file cannot be read). ``--json`` output is documented in docs/cli.md.
"""

from __future__ import annotations

from pathlib import Path

import click

from briefer.cli.context import CliContext
from briefer.cli.output import emit_json
from briefer.services.verification import verify_export


@click.command("verify")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def verify(ctx: click.Context, file: Path, as_json: bool) -> int:
    """Check every quote in an exported FILE (.docx or .pdf) against the library."""
    library = ctx.find_object(CliContext).library
    report = verify_export(library, file)
    if as_json:
        emit_json(report.as_json())
    else:
        for mismatch in report.mismatches:
            click.echo(f"MISMATCH  {mismatch.message}")
        for note in report.notes:
            click.echo(f"note      {note}", err=True)
        verdict = "all match" if report.ok else f"{len(report.mismatches)} mismatch(es)"
        if report.other_library:
            verdict = report.other_library_message
        click.echo(f"{file}: {report.quotes} quotes checked, {verdict}", err=not report.ok)
    return 0 if report.ok else 1


COMMANDS: list[click.Command] = [verify]
