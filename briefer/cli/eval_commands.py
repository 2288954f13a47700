"""``briefer eval GOLD.json``: precision, recall and F1 of the taggers against gold labels.

Exit codes: 0 every target met; 3 the evaluation ran but a target was missed; 1 the gold
file or one of its documents cannot be used; 2 usage error. Output contract (``--json``)
in docs/cli.md and docs/evaluation.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from briefer.cli.output import emit_json, emit_table
from briefer.services.evaluation import EvalReport, run_evaluation

TARGET_MISSED = 3


def report_json(report: EvalReport) -> dict[str, Any]:
    return {
        "gold": report.gold,
        "scores": {
            name: {
                "precision": round(score.precision, 4),
                "recall": round(score.recall, 4),
                "f1": round(score.f1, 4),
                "tp": score.tp,
                "fp": score.fp,
                "fn": score.fn,
            }
            for name, score in report.scores.items()
        },
        "meetings": {"exact": report.meetings_exact, "documents": report.meetings_total},
        "targets": {
            name: {
                "target": target,
                "value": round(report.value(name), 4),
                "met": name not in report.unmet(),
            }
            for name, target in report.targets.items()
        },
        "misses": [
            {
                "file": m.file,
                "label": m.label,
                "passage": m.passage,
                "missed": m.missed,
                "extra": m.extra,
            }
            for m in report.misses
        ],
    }


def _print(report: EvalReport) -> None:
    rows = [
        (name, score.precision, score.recall, score.f1, score.tp, score.fp, score.fn)
        for name, score in report.scores.items()
    ]
    emit_table(("label type", "precision", "recall", "F1", "TP", "FP", "FN"), rows)
    click.echo(f"meetings exact: {report.meetings_exact}/{report.meetings_total} documents")
    click.echo("")
    unmet = report.unmet()
    for name, target in report.targets.items():
        status = "MISSED" if name in unmet else "met"
        click.echo(f"target {name} >= {target:.2f}: {report.value(name):.3f} {status}")
    if report.misses:
        click.echo("")
        click.echo(
            "disagreements (missed = in the gold, not tagged; extra = tagged, not in the gold):"
        )
        for miss in report.misses:
            where = f' "{miss.passage[:50]}"' if miss.passage else ""
            parts = []
            if miss.missed:
                parts.append("missed " + ", ".join(miss.missed))
            if miss.extra:
                parts.append("extra " + ", ".join(miss.extra))
            click.echo(f"  {miss.file} {miss.label}{where}: {'; '.join(parts)}")


@click.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--base",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder the gold's files are relative to (default: the gold's own 'base').",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_command(gold: Path, base: Path | None, as_json: bool) -> int:
    """Score the taggers against GOLD (imported into a temporary library)."""
    report = run_evaluation(gold, base)
    if as_json:
        emit_json(report_json(report))
    else:
        _print(report)
    return TARGET_MISSED if report.unmet() else 0


COMMANDS: list[click.Command] = [eval_command]
