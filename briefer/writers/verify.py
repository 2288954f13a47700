"""``briefer verify``: check every quote of an exported file against the library.

Three checks per quote of the file's quote list (``manifest``):
- the passage still exists (``passage_missing``);
- the passage text is the one exported: its SHA-256 matches (``passage_changed``);
- the quote's visible text in the file is the library's text (``quote_altered``), compared
  after the writers' documented changes only: characters XML cannot hold are dropped
  (both formats), and in PDF the characters the quote list names as unprintable (no glyph
  in the font, or beyond U+FFFF) are shown as U+FFFD; PDF text is compared without
  whitespace (line wrapping, long words broken without a hyphen). DOCX keeps every other
  character, so any other difference is a mismatch.
Quotes listed but absent from the file (``quote_missing``), quotes without a passage id
(``untraceable``) and Quote-style paragraphs a user added in Word (``untracked``) are
also reported. The library is reached through ``passage_texts`` so this module never
touches the store (the service passes a lookup).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from briefer.briefing.build import normalise
from briefer.domain.errors import BrieferError
from briefer.writers.manifest import QuoteRecord, text_digest
from briefer.writers.text import (
    describe_chars,
    docx_form,
    drop_unrepresentable,
    pdf_form,
    substitute,
)

PassageLookup = Callable[[Iterable[int]], Mapping[int, str]]


@dataclass(frozen=True)
class Mismatch:
    problem: str  # passage_missing, passage_changed, quote_altered, quote_missing, untraceable, untracked
    message: str
    quote: int | None = None
    passage_ids: tuple[int, ...] = ()


@dataclass
class VerifyReport:
    path: Path
    format: str
    quotes: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Quotes whose passage is not in this library, or holds other text than the export's.
    foreign_quotes: int = 0
    # The file names another library (its id differs), or most of its quoted passages are
    # not in this one: the mismatches say "wrong library", not "the quotes were altered".
    other_library: bool = False

    @property
    def ok(self) -> bool:
        return not self.mismatches

    @property
    def other_library_message(self) -> str:
        return (
            "this file does not seem to come from this library "
            f"({self.foreign_quotes} of {self.quotes} quoted passages are not in it)"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "format": self.format,
            "quotes": self.quotes,
            "ok": self.ok,
            "mismatches": [
                {
                    "quote": m.quote,
                    "passage_ids": list(m.passage_ids),
                    "problem": m.problem,
                    "message": m.message,
                }
                for m in self.mismatches
            ],
            "notes": list(self.notes),
            "foreign_quotes": self.foreign_quotes,
            "other_library": self.other_library,
        }


def verify_file(
    path: Path | str, passage_texts: PassageLookup, library_id: str | None = None
) -> VerifyReport:
    """Check ``path``'s quotes; ``library_id`` (the checking library's) tells another
    library's export apart from altered quotes when the file records its own."""
    path = Path(path)
    if not path.is_file():
        raise BrieferError(f"{path}: no such file")
    suffix = path.suffix.lower()
    untracked: list[str] = []
    if suffix == ".docx":
        from briefer.writers.readback_docx import read_docx

        manifest, visible, untracked = read_docx(path)

        def form(text: str, omitted: str = "") -> str:
            return docx_form(text)

    elif suffix == ".pdf":
        from briefer.writers.readback_pdf import read_pdf

        manifest, visible = read_pdf(path)

        def form(text: str, omitted: str = "") -> str:
            return pdf_form(substitute(text, omitted))

    else:
        raise BrieferError(f"{path}: can only verify .docx and .pdf exports")
    report = VerifyReport(path, suffix[1:], quotes=len(manifest.quotes))
    wanted = {pid for q in manifest.quotes for pid in q.passage_ids}
    library = dict(passage_texts(sorted(wanted))) if wanted else {}
    for record in manifest.quotes:
        label = f"quote {record.n}"
        ids = record.passage_ids
        if not ids:
            report.mismatches.append(
                Mismatch("untraceable", f"{label}: names no passage, cannot be checked", record.n)
            )
            continue
        shown = visible.get(record.n)
        if shown is None:
            report.mismatches.append(
                Mismatch(
                    "quote_missing", f"{label}: listed but not found in the file", record.n, ids
                )
            )
        _check_passage(report, record, ids[0], library.get(ids[0]), shown, form)
        quoted = library.get(ids[0], shown)
        for pid in ids[1:]:
            _check_copy(report, record, pid, library.get(pid), quoted)
    for text in untracked:
        excerpt = text if len(text) <= 60 else text[:57] + "…"
        report.mismatches.append(
            Mismatch("untracked", f"a Quote paragraph not from the library: “{excerpt}”")
        )
    _judge_origin(report, manifest.library_id, library_id)
    return report


def _judge_origin(report: VerifyReport, file_library: str | None, library: str | None) -> None:
    """Count the quotes whose passage this library lacks or holds with other text, and
    decide whether the file comes from another library: by id when both are known, else
    when most quotes (at least two) are foreign, which a library's own export never shows
    unless passages were deleted or rewritten wholesale."""
    foreign = {
        m.quote
        for m in report.mismatches
        if m.problem in ("passage_missing", "passage_changed") and m.quote is not None
    }
    report.foreign_quotes = len(foreign)
    if file_library and library:
        report.other_library = file_library != library and bool(foreign)
        if file_library != library and not foreign:
            report.notes.append(
                f"exported from another library ({file_library}), which holds the same "
                "text for every quoted passage"
            )
    else:
        report.other_library = len(foreign) >= 2 and 2 * len(foreign) > report.quotes


def _check_passage(
    report: VerifyReport,
    record: QuoteRecord,
    pid: int,
    stored: str | None,
    shown: str | None,
    form: Callable[[str, str], str],
) -> None:
    n, ids, digest = record.n, record.passage_ids, record.sha256
    label = f"quote {n}"
    if stored is None:
        report.mismatches.append(
            Mismatch(
                "passage_missing", f"{label}: passage {pid} is no longer in the library", n, ids
            )
        )
        return
    if text_digest(stored) != digest:
        report.mismatches.append(
            Mismatch(
                "passage_changed",
                f"{label}: passage {pid} has changed in the library since the export",
                n,
                ids,
            )
        )
    if shown is None:
        return
    expected, got = form(stored, record.omitted), form(shown, "")
    if expected != got:
        report.mismatches.append(
            Mismatch(
                "quote_altered",
                f"{label}: the text in the file differs from passage {pid} {_first_difference(expected, got)}",
                n,
                ids,
            )
        )
    removed = drop_unrepresentable(stored).removed
    if removed:
        report.notes.append(
            f"{label}: passage {pid} holds {describe_chars(removed)}, which no export can "
            "carry; the writer dropped them and verify ignores them"
        )
    if record.omitted:
        report.notes.append(
            f"{label}: the PDF shows {describe_chars(Counter(ch for ch in stored if ch in record.omitted))} "
            "as U+FFFD (no glyph); accepted"
        )


def _check_copy(
    report: VerifyReport, record: QuoteRecord, pid: int, stored: str | None, quoted: str | None
) -> None:
    """A republished copy cited with the quote: it must still say the same, as the briefing
    builder compares copies (case, spacing, quote marks and dashes folded)."""
    label = f"quote {record.n}"
    if stored is None:
        report.mismatches.append(
            Mismatch(
                "passage_missing",
                f"{label}: passage {pid} (a copy cited with it) is no longer in the library",
                record.n,
                record.passage_ids,
            )
        )
    elif quoted is not None and normalise(stored) != normalise(quoted):
        report.mismatches.append(
            Mismatch(
                "passage_changed",
                f"{label}: passage {pid} (a copy cited with it) no longer has the quoted text",
                record.n,
                record.passage_ids,
            )
        )


def _first_difference(expected: str, got: str) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b),
        min(len(expected), len(got)),
    )
    start = max(0, at - 15)
    return (
        f"at character {at + 1}: library “…{expected[start : at + 25]}…”, "
        f"file “…{got[start : at + 25]}…”"
    )
