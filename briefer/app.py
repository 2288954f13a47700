"""Composition root: ``briefer`` runs the command line, or the window when no command is given."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def _open_window(db: str | None) -> int:
    try:
        from briefer.ui.application import run_window  # type: ignore[import-not-found]
    except ImportError as exc:
        print(f"briefer: the desktop window cannot start ({exc})", file=sys.stderr)
        return 1
    return int(run_window(db))


def main(argv: Sequence[str] | None = None) -> int:
    from briefer.cli.main import main as cli_main

    return cli_main(argv, open_window=_open_window)


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
