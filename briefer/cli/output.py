"""Printing: stable JSON (documented in docs/cli.md) and plain tables for people."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import click


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def emit_json(data: Any) -> None:
    """Write JSON to stdout (UTF-8, not ASCII-escaped, so names stay readable)."""
    click.echo(json.dumps(data, default=_default, ensure_ascii=False, indent=2))


def emit_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain aligned table; long cells are cut so a row fits a terminal line."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = min(max(widths[i], len(value)), 60)
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    click.echo(line.rstrip())
    for row in cells:
        out = "  ".join(_fit(v, w).ljust(w) for v, w in zip(row, widths, strict=True))
        click.echo(out.rstrip())


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _fit(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"
