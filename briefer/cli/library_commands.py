"""Library commands: import, documents, show, sample (filled in by the library issue)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
