"""Measuring the taggers against gold labels an analyst wrote (``briefer eval GOLD.json``).

The gold file (format in docs/evaluation.md) lists documents by file, relative to a base
folder, with the countries each names, the countries and themes of its passages, and its
meeting. The evaluation imports those files into a *temporary* library with the normal
importer, so what is measured is exactly what a user gets (cleaning, segmentation,
tagging, meeting extraction), and the user's own library is never touched.

Passages are identified in the gold by a distinctive prefix of their text, not by id or
position, because ids change on every import and positions change when segmentation
improves. Themes are scored at leaf level (a group is implied by its leaves).

Scores per label type are micro-averaged precision, recall and F1. For meetings each
field (start and end date, city, country, series) is compared exactly: a value where the
gold says "unknown" (null) is a false positive, a missing or different value a false
negative; a document's meeting is *exact* when every field agrees, nulls included.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from briefer.domain.errors import BrieferError
from briefer.services.importing import import_all
from briefer.services.library import open_ready_library
from briefer.store.library import Library
from briefer.store.models import Document, Passage, PassageCountry, PassageTheme, Theme

MEETING_FIELDS = ("start_date", "end_date", "city", "country", "series")

# The targets; a gold file may set its own under "targets".
DEFAULT_TARGETS: dict[str, float] = {
    "countries/document precision": 0.95,
    "countries/document recall": 0.95,
    "themes/passage f1": 0.85,
    "meeting exact": 1.0,
}


class GoldFileError(BrieferError):
    """The gold file cannot be used (unreadable, malformed, or naming missing files)."""


# ---------------------------------------------------------------------------------------
# Gold


@dataclass(frozen=True)
class GoldPassage:
    prefix: str
    countries: frozenset[str]
    themes: frozenset[str]


@dataclass(frozen=True)
class GoldDocument:
    file: str
    path: Path
    countries: frozenset[str]
    meeting: dict[str, Any]  # every MEETING_FIELDS key; None where the text does not say
    passages: tuple[GoldPassage, ...]


@dataclass(frozen=True)
class Gold:
    path: Path
    documents: tuple[GoldDocument, ...]
    targets: dict[str, float]


def load_gold(path: Path, base: Path | None = None) -> Gold:
    """Read and check a gold file; ``base`` overrides the folder its files are relative to."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GoldFileError(f"{path}: cannot read the gold file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise GoldFileError(f"{path}: the gold file is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise GoldFileError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise GoldFileError(f"{path}: expected an object with a 'documents' list")
    folder = base if base is not None else (path.parent / str(data.get("base", "."))).resolve()
    documents = tuple(
        _gold_document(path, folder, i, item) for i, item in enumerate(data["documents"])
    )
    seen: set[str] = set()
    for document in documents:
        if document.file in seen:
            raise GoldFileError(f"{path}: '{document.file}' is listed twice")
        seen.add(document.file)
    targets = dict(DEFAULT_TARGETS)
    targets.update({str(k): float(v) for k, v in dict(data.get("targets", {})).items()})
    return Gold(path=path, documents=documents, targets=targets)


def _gold_document(path: Path, folder: Path, index: int, item: Any) -> GoldDocument:
    where = f"{path}: documents[{index}]"
    if not isinstance(item, dict) or not isinstance(item.get("file"), str):
        raise GoldFileError(f"{where}: each document needs a 'file'")
    file_path = folder / item["file"]
    if not file_path.is_file():
        raise GoldFileError(f"{where}: {file_path} not found (is the base folder right?)")
    meeting = item.get("meeting")
    if meeting is not None and not isinstance(meeting, dict):
        raise GoldFileError(f"{where}: 'meeting' must be an object or null")
    fields = {name: (meeting or {}).get(name) for name in MEETING_FIELDS}
    for name in ("start_date", "end_date"):
        if fields[name] is not None:
            try:
                fields[name] = dt.date.fromisoformat(fields[name])
            except (TypeError, ValueError) as exc:
                raise GoldFileError(
                    f"{where}: meeting {name} {fields[name]!r} is not YYYY-MM-DD"
                ) from exc
    passages = []
    for j, passage in enumerate(item.get("passages", [])):
        if not isinstance(passage, dict) or not str(passage.get("prefix", "")).strip():
            raise GoldFileError(f"{where}.passages[{j}]: each passage needs a 'prefix'")
        passages.append(
            GoldPassage(
                str(passage["prefix"]),
                frozenset(_codes(passage.get("countries", []))),
                frozenset(passage.get("themes", [])),
            )
        )
    return GoldDocument(
        file=item["file"],
        path=file_path,
        countries=frozenset(_codes(item.get("countries", []))),
        meeting=fields,
        passages=tuple(passages),
    )


def _codes(values: Iterable[str]) -> list[str]:
    return [{"EL": "GR", "UK": "GB"}.get(v.upper(), v.upper()) for v in values]


# ---------------------------------------------------------------------------------------
# Scores


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: Iterable[str], predicted: Iterable[str]) -> tuple[set[str], set[str]]:
        """Count one item's labels; returns (missed, extra)."""
        gold_set, predicted_set = set(gold), set(predicted)
        self.tp += len(gold_set & predicted_set)
        self.fp += len(predicted_set - gold_set)
        self.fn += len(gold_set - predicted_set)
        return gold_set - predicted_set, predicted_set - gold_set

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Miss:
    """One disagreement, for the analyst reading the report."""

    file: str
    label: str  # countries/document, countries/passage, themes/passage, meeting/<field>, passage
    passage: str | None  # the gold prefix
    missed: list[str]
    extra: list[str]


@dataclass
class EvalReport:
    gold: str
    scores: dict[str, Score] = field(default_factory=dict)
    meetings_exact: int = 0
    meetings_total: int = 0
    misses: list[Miss] = field(default_factory=list)
    targets: dict[str, float] = field(default_factory=dict)

    def value(self, name: str) -> float:
        if name == "meeting exact":
            return self.meetings_exact / self.meetings_total if self.meetings_total else 1.0
        label, _, measure = name.rpartition(" ")
        return float(getattr(self.scores[label], measure))

    def unmet(self) -> list[str]:
        """Targets the figures fall short of."""
        return [name for name, target in self.targets.items() if self.value(name) < target - 1e-9]


@dataclass
class _Stored:
    passages: list[tuple[str, set[str], set[str]]]  # text, countries, leaf themes
    meeting: dict[str, Any]


def evaluate_library(library: Library, gold: Gold, document_ids: dict[str, int]) -> EvalReport:
    """Compare the documents in ``library`` (by gold file name -> document id) to the gold."""
    report = EvalReport(gold=str(gold.path), targets=dict(gold.targets))
    for name in ("countries/document", "countries/passage", "themes/passage"):
        report.scores[name] = Score()
    for name in MEETING_FIELDS:
        report.scores[f"meeting/{name}"] = Score()
    with library.session() as session:
        groups = set(session.scalars(select(Theme.id).where(Theme.parent_id.is_(None))))
        stored = {f: _read(session, i, groups) for f, i in document_ids.items()}
    for document in gold.documents:
        _score_document(report, document, stored[document.file], groups)
    return report


def _read(session: Any, document_id: int, groups: set[str]) -> _Stored:
    document = session.get(Document, document_id)
    passages = list(
        session.scalars(
            select(Passage).where(Passage.document_id == document_id).order_by(Passage.position)
        )
    )
    ids = [p.id for p in passages]
    countries: dict[int, set[str]] = {i: set() for i in ids}
    themes: dict[int, set[str]] = {i: set() for i in ids}
    for pid, code in session.execute(
        select(PassageCountry.passage_id, PassageCountry.country_code).where(
            PassageCountry.passage_id.in_(ids), PassageCountry.excluded.is_(False)
        )
    ):
        countries[pid].add(code)
    for pid, theme in session.execute(
        select(PassageTheme.passage_id, PassageTheme.theme_id).where(
            PassageTheme.passage_id.in_(ids), PassageTheme.excluded.is_(False)
        )
    ):
        if theme not in groups:
            themes[pid].add(theme)
    meeting = document.meeting
    fields = {name: getattr(meeting, name) if meeting else None for name in MEETING_FIELDS}
    return _Stored([(p.text, countries[p.id], themes[p.id]) for p in passages], fields)


def _score_document(
    report: EvalReport, gold: GoldDocument, stored: _Stored, groups: set[str]
) -> None:
    predicted_countries = (
        set().union(*(c for _, c, _ in stored.passages)) if stored.passages else set()
    )
    missed, extra = report.scores["countries/document"].add(gold.countries, predicted_countries)
    _note(report, gold.file, "countries/document", None, missed, extra)
    used: set[int] = set()
    normalised = [_normalise(text) for text, _, _ in stored.passages]
    for passage in gold.passages:
        prefix = _normalise(passage.prefix)
        index = next(
            (i for i, text in enumerate(normalised) if i not in used and text.startswith(prefix)),
            None,
        )
        gold_themes = passage.themes - groups
        if index is None:
            report.misses.append(Miss(gold.file, "passage", passage.prefix, ["not found"], []))
            report.scores["countries/passage"].add(passage.countries, ())
            report.scores["themes/passage"].add(gold_themes, ())
            continue
        used.add(index)
        _, countries, themes = stored.passages[index]
        missed, extra = report.scores["countries/passage"].add(passage.countries, countries)
        _note(report, gold.file, "countries/passage", passage.prefix, missed, extra)
        missed, extra = report.scores["themes/passage"].add(gold_themes, themes)
        _note(report, gold.file, "themes/passage", passage.prefix, missed, extra)
    exact = True
    for name in MEETING_FIELDS:
        want, got = gold.meeting[name], stored.meeting[name]
        same = _same_value(want, got)
        exact = exact and same
        score = report.scores[f"meeting/{name}"]
        if same:
            score.tp += want is not None
            continue
        score.fp += got is not None
        score.fn += want is not None
        _note(report, gold.file, f"meeting/{name}", None, _shown(want), _shown(got))
    report.meetings_total += 1
    report.meetings_exact += exact


def _same_value(want: Any, got: Any) -> bool:
    if isinstance(want, str) and isinstance(got, str):
        return _normalise(want) == _normalise(got)
    return bool(want == got)


def _shown(value: Any) -> list[str]:
    if value is None:
        return []
    return [value.isoformat() if isinstance(value, dt.date) else str(value)]


def _note(
    report: EvalReport,
    file: str,
    label: str,
    passage: str | None,
    missed: Iterable[str],
    extra: Iterable[str],
) -> None:
    missed, extra = sorted(missed), sorted(extra)
    if missed or extra:
        report.misses.append(Miss(file, label, passage, missed, extra))


def _normalise(text: str) -> str:
    """Compare passage text the way a reader would: emphasis, quotes, dashes and spacing aside."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[*_]", "", text)
    text = re.sub(r"[“”„«»\"]", '"', text)
    text = re.sub(r"[‘’‚`]", "'", text)
    text = re.sub(r"[‐‑‒–—―]", "-", text)
    return " ".join(text.split()).casefold()


# ---------------------------------------------------------------------------------------
# Running


def run_evaluation(gold_path: Path, base: Path | None = None) -> EvalReport:
    """Import the gold's documents into a temporary library and score the taggers."""
    gold = load_gold(gold_path, base)
    with tempfile.TemporaryDirectory(prefix="briefer-eval-") as folder:
        library = open_ready_library(str(Path(folder) / "eval.sqlite"))
        try:
            report = import_all(library, [d.path for d in gold.documents])
            outcomes = {Path(o.path).resolve(): o for o in report.outcomes}
            ids: dict[str, int] = {}
            for document in gold.documents:
                outcome = outcomes.get(document.path.resolve())
                if outcome is None:
                    raise GoldFileError(f"{gold_path}: {document.path}: not a file Briefer imports")
                if outcome.status != "imported" or outcome.document_id is None:
                    reason = outcome.reason or f"{outcome.status} of another gold document"
                    raise GoldFileError(f"{gold_path}: {document.path}: {reason}")
                ids[document.file] = outcome.document_id
            return evaluate_library(library, gold, ids)
        finally:
            library.close()
