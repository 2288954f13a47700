"""The list of command modules; each exposes ``COMMANDS``, a list of click commands."""

from __future__ import annotations

import importlib

import click

# One module per area; add a module here when it gains commands.
COMMAND_MODULES = (
    "briefer.cli.library_commands",
    "briefer.cli.tag_commands",
    "briefer.cli.verify_commands",
    "briefer.cli.meeting_commands",
    "briefer.cli.eval_commands",
    "briefer.cli.briefing_commands",
    "briefer.cli.country_commands",
    "briefer.cli.search_commands",
    "briefer.cli.copy_commands",
)


def all_commands() -> list[click.Command]:
    commands: list[click.Command] = []
    for name in COMMAND_MODULES:
        commands.extend(importlib.import_module(name).COMMANDS)
    return commands
