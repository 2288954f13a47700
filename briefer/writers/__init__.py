"""Writers: one per output format, keyed by name, each seeing only a ``BriefingDocument``.

``write_document(document, "docx" | "pdf", path)`` lays the document out into a temporary
file beside ``path`` and renames it into place (``safe_write``), so an existing file is
never left half-written. It returns a ``WriteReport`` (quotes written, pages, and what could
not be laid out as given, e.g. dropped control characters or glyphs the font lacks);
callers that only need the file may ignore it. ``progress(done, total)`` receives
``(percent, 100)``, rising to ``(100, 100)`` when the file is complete.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from briefer.briefing.document import BriefingDocument
from briefer.writers.report import LayoutFailed, WriteReport
from briefer.writers.safe_write import ExportError, atomic_target

ProgressCallback = Callable[[int, int], None]


class Writer(Protocol):
    def __call__(
        self,
        document: BriefingDocument,
        path: Path,
        report: WriteReport,
        progress: ProgressCallback | None,
    ) -> None: ...


def _docx(
    document: BriefingDocument, path: Path, report: WriteReport, progress: ProgressCallback | None
) -> None:
    from briefer.writers.docx import write_docx

    write_docx(document, path, report, progress)


def _pdf(
    document: BriefingDocument, path: Path, report: WriteReport, progress: ProgressCallback | None
) -> None:
    from briefer.writers.pdf import write_pdf

    write_pdf(document, path, report, progress)


# Imported lazily: the CLI should not pay for reportlab when it writes DOCX, and vice versa.
WRITERS: dict[str, Writer] = {"docx": _docx, "pdf": _pdf}


def formats() -> list[str]:
    return sorted(WRITERS)


def write_document(
    document: BriefingDocument,
    fmt: str,
    path: Path,
    *,
    progress: ProgressCallback | None = None,
) -> WriteReport:
    """Write ``document`` as ``fmt`` to ``path`` safely; raises ``ExportError`` naming the path."""
    writer = WRITERS.get(fmt.lower())
    target = Path(path)
    if writer is None:
        raise ExportError(target, f"unknown format {fmt!r} (choose {' or '.join(formats())})")
    report = WriteReport(path=target, format=fmt.lower())
    with atomic_target(target) as temp:
        try:
            writer(document, temp, report, progress)
        except OSError as exc:
            raise ExportError(target, f"cannot write ({exc.strerror or exc})") from exc
        except LayoutFailed as exc:
            raise ExportError(target, str(exc)) from exc
    report.finish()
    return report


__all__ = ["WRITERS", "ExportError", "WriteReport", "formats", "write_document"]
