"""Library commands: import, documents, show, sample.

Output contracts (``--json``) are documented in docs/cli.md; keep them in step.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from briefer.cli.context import CliContext
from briefer.cli.output import emit_json, emit_table
from briefer.domain.errors import BrieferError
from briefer.domain.progress import Progress
from briefer.paths import sample_dir
from briefer.services.documents import PassageDetail, list_documents, show_passage
from briefer.services.importing import ImportOutcome, display_path, import_paths


def _library(ctx: click.Context):  # type: ignore[no-untyped-def]
    return ctx.find_object(CliContext).library


def outcome_json(outcome: ImportOutcome) -> dict[str, Any]:
    return {
        "file": display_path(outcome.path),
        "status": outcome.status,
        "document_id": outcome.document_id,
        "passages": outcome.passages,
        "title": outcome.title,
        "reason": outcome.reason,
    }


def _run_import(ctx: click.Context, paths: list[Path], as_json: bool) -> int:
    library = _library(ctx)
    outcomes: list[ImportOutcome] = []
    for event in import_paths(library, paths):
        if isinstance(event, Progress):
            continue
        outcomes.append(event)
        if not as_json:
            # the status column already says "failed": the line goes on with the reason only
            detail = event.reason if event.status == "failed" and event.reason else event.message
            line = f"{event.status:<9}  {display_path(event.path)}: {detail}"
            click.echo(line, err=event.status == "failed")
    if as_json:
        emit_json([outcome_json(o) for o in outcomes])
    elif not outcomes:
        click.echo("nothing to import (no .txt, .md, .html, .htm, .docx or .pdf files)", err=True)
    else:
        counts = {
            s: sum(1 for o in outcomes if o.status == s)
            for s in ("imported", "duplicate", "failed")
        }
        click.echo(
            f"{counts['imported']} imported, {counts['duplicate']} duplicate, {counts['failed']} failed",
            err=True,
        )
    return 1 if any(o.status == "failed" for o in outcomes) else 0


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the outcomes as JSON.")
@click.pass_context
def import_command(ctx: click.Context, paths: tuple[Path, ...], as_json: bool) -> int:
    """Import files and folders (recursively): .txt, .md, .html, .htm, .docx, .pdf."""
    return _run_import(ctx, list(paths), as_json)


@click.command("sample")
@click.option("--json", "as_json", is_flag=True, help="Print the outcomes as JSON.")
@click.pass_context
def sample_command(ctx: click.Context, as_json: bool) -> int:
    """Import the bundled sample library (fictional documents to try Briefer on)."""
    folder = sample_dir()
    if not folder.is_dir():
        raise BrieferError(f"{folder}: the sample library is not installed")
    return _run_import(ctx, [folder], as_json)


def document_json(summary: Any) -> dict[str, Any]:
    meeting = summary.meeting
    return {
        "id": summary.id,
        "file": summary.file,
        "path": summary.path,
        "format": summary.format,
        "title": summary.title,
        "published": summary.published.isoformat() if summary.published else None,
        "publisher": summary.publisher,
        "meeting": dataclasses.asdict(meeting) if meeting is not None else None,
        "countries": list(summary.countries),
        "passages": summary.passages,
    }


@click.command("documents")
@click.option("--json", "as_json", is_flag=True, help="Print the documents as JSON.")
@click.pass_context
def documents_command(ctx: click.Context, as_json: bool) -> None:
    """List the documents in the library with their meeting, countries and passage counts."""
    documents = list_documents(_library(ctx))
    if as_json:
        emit_json([document_json(d) for d in documents])
        return
    emit_table(
        ["id", "published", "passages", "meeting", "countries", "title"],
        [
            (
                d.id,
                d.published,
                d.passages,
                (d.meeting.title or f"meeting {d.meeting.id}") if d.meeting else None,
                " ".join(d.countries) or None,
                d.title or d.file,
            )
            for d in documents
        ],
    )


def passage_json(detail: PassageDetail) -> dict[str, Any]:
    def ref(p: Any) -> dict[str, Any]:
        return {"id": p.id, "paragraph": p.paragraph, "kind": p.kind, "text": p.text}

    def tag(t: Any, key: str, score: str) -> dict[str, Any]:
        return {
            key: t.key,
            "label": t.label,
            "origin": t.origin,
            "excluded": t.excluded,
            score: t.confidence,
            "evidence": t.evidence,
        }

    return {
        "id": detail.id,
        "document": document_json(detail.document),
        "paragraph": detail.paragraph,
        "kind": detail.kind,
        "position": detail.position,
        "text": detail.text,
        "start": detail.start,
        "end": detail.end,
        "previous": ref(detail.previous[-1]) if detail.previous else None,
        "next": ref(detail.next[0]) if detail.next else None,
        "footnotes": [
            {"id": f.id, "marker": f.marker, "paragraph": f.paragraph, "text": f.text}
            for f in detail.footnotes
        ],
        "footnote_of": [
            {"id": f.id, "marker": f.marker, "paragraph": f.paragraph, "text": f.text}
            for f in detail.footnote_of
        ],
        "countries": [tag(t, "code", "confidence") for t in detail.countries],
        "themes": [tag(t, "id", "score") for t in detail.themes],
    }


@click.command("show")
@click.argument("passage_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the passage as JSON.")
@click.pass_context
def show_command(ctx: click.Context, passage_id: int, as_json: bool) -> None:
    """Show a passage with its neighbours, footnotes, tags and where it comes from."""
    detail = show_passage(_library(ctx), passage_id)
    if as_json:
        emit_json(passage_json(detail))
        return
    document = detail.document
    para = f"paragraph {detail.paragraph}" if detail.paragraph else f"{detail.kind} (no number)"
    click.echo(f"Passage {detail.id} · {para} · characters {detail.start}–{detail.end}")
    click.echo(f"Document {document.id}: {document.title or document.file}")
    click.echo(f"  file: {document.path or document.file}")
    if document.published:
        click.echo(f"  published: {document.published.isoformat()}")
    if document.publisher:
        click.echo(f"  publisher: {document.publisher}")
    if document.meeting:
        m = document.meeting
        dates = " – ".join(str(d) for d in (m.start_date, m.end_date) if d) or "dates unknown"
        click.echo(
            f"  meeting {m.id}: {m.title or 'untitled'} ({dates}, {m.city or 'place unknown'})"
        )
    click.echo("")
    for p in detail.previous:
        click.echo(f"  [{p.paragraph or p.kind}] {_short(p.text)}")
    click.echo(f"> [{detail.paragraph or detail.kind}] {detail.text}")
    for p in detail.next:
        click.echo(f"  [{p.paragraph or p.kind}] {_short(p.text)}")
    for f in detail.footnotes:
        click.echo(f"  footnote {f.marker}: {f.text}")
    for f in detail.footnote_of:
        click.echo(f"  (footnote {f.marker} of paragraph {f.paragraph or f.id})")
    for title, tags in (("Countries", detail.countries), ("Themes", detail.themes)):
        click.echo(f"{title}:" if tags else f"{title}: none")
        for t in tags:
            state = " (removed by hand)" if t.excluded else ""
            score = f"{t.confidence:.2f}" if t.confidence is not None else "-"
            why = "; ".join(f"“{e.get('text')}” ({e.get('rule')})" for e in t.evidence[:3])
            parts = [f"{t.key} {t.label or ''}".rstrip(), f"{t.origin}{state}", score, why]
            click.echo("  " + " · ".join(part for part in parts if part))


def _short(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


COMMANDS: list[click.Command] = [import_command, documents_command, show_command, sample_command]
