"""``briefer``: the entry point of the command line.

Command groups live in their own modules and are attached here. Every user error is a
``BrieferError`` and becomes one line on stderr (exit 1); usage errors exit 2 (click);
no command opens the desktop window through the launcher the composition root passes in.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

import click
from sqlalchemy.exc import DBAPIError

from briefer import __version__
from briefer.cli.context import CliContext
from briefer.domain.errors import BrieferError


def database_error_message(db: str | None, exc: DBAPIError) -> str:
    """One line naming the library and what the database said, for an unexpected error."""
    from briefer.store.engine import display_url, resolve_url

    reason = (str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0]
    try:
        where = display_url(resolve_url(db))
    except Exception:
        where = db or "the library"
    lowered = reason.lower()
    if any(s in lowered for s in ("readonly", "read-only", "disk", "full", "permission")):
        return f"{where}: cannot write to the library ({reason})"
    return f"{where}: the library could not complete this ({reason}); nothing of it was stored"


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    metavar="PATH|URL",
    envvar="BRIEFER_DB",
    help="Library to use: a SQLite file or a database URL (default: your user data folder).",
)
@click.version_option(__version__, prog_name="briefer")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Briefer turns a library of communiqués into a briefing pack."""
    state = ctx.ensure_object(CliContext)
    if db is not None and not db.strip():
        # An empty BRIEFER_DB counts as not set (click ignores it); an empty --db is a slip.
        raise click.BadParameter("give a SQLite file path or a database URL", param_hint="--db")
    state.db = db
    ctx.call_on_close(state.close)
    if ctx.invoked_subcommand is None:
        if state.open_window is None:
            raise click.ClickException("the desktop window is not available in this installation")
        ctx.exit(state.open_window(db))


def _register_commands() -> None:
    from briefer.cli import commands

    for command in commands.all_commands():
        cli.add_command(command)


def main(
    argv: Sequence[str] | None = None, open_window: Callable[[str | None], int] | None = None
) -> int:
    """Run the command line; returns the exit code instead of exiting (for tests)."""
    _register_commands()
    state = CliContext(open_window=open_window)
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="briefer",
            obj=state,
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code or 0)
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except BrieferError as exc:
        click.echo(f"briefer: {exc}", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except DBAPIError as exc:
        # Last resort: a database error no service turned into a BrieferError (a read-only
        # file, a full disk). The transaction was rolled back, so nothing is half-written.
        click.echo(f"briefer: {database_error_message(state.db, exc)}", err=True)
        return 1
    # A command returns its exit code (e.g. 1 when one file of an import failed) or None.
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
