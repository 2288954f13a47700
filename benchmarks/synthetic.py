"""A synthetic library of communiqué-like passages, bulk-loaded fast (raw inserts + FTS rebuild).

Passages are sentences from templates whose slots are filled from the field's vocabulary
(topics, actors, places, names with diacritics, some Cyrillic), so word frequencies, phrase
queries and tag correlations look like a real library: a passage about migrant smuggling
is tagged with that theme, and the countries it names are its country links (1% of the
links are manual exclusions). Documents have ~25 passages; 85% belong to a meeting.

The schema and the FTS table come from ``open_library`` (our code); rows go in with
``executemany`` on one raw sqlite3 connection; the index is then filled by the backend's
own ``rebuild``. Document texts are left empty: search never reads them.

    python -m benchmarks.synthetic PATH [--passages N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from briefer.store.library import open_library

# theme id -> (parent, label, topic phrases that make a passage about it)
THEMES: dict[str, tuple[str | None, str, tuple[str, ...]]] = {
    "migration": (None, "Migration", ()),
    "asylum": ("migration", "Asylum", ("asylum systems", "international protection")),
    "irregular-migration": (
        "migration",
        "Irregular migration",
        ("irregular migration", "the Western Balkan route", "migratory pressure"),
    ),
    "returns": ("migration", "Returns and readmission", ("returns", "readmission agreements")),
    "migrant-smuggling": (
        "migration",
        "Migrant smuggling",
        ("migrant smuggling", "smuggling networks", "the fight against smugglers"),
    ),
    "visa-policy": ("migration", "Visa policy", ("visa policy alignment", "visa liberalisation")),
    "security": (None, "Security", ()),
    "counter-terrorism": (
        "security",
        "Counter-terrorism",
        ("counter-terrorism", "the Joint Action Plan on Counter-Terrorism"),
    ),
    "foreign-terrorist-fighters": (
        "security",
        "Foreign terrorist fighters",
        ("foreign terrorist fighters", "the return of foreign terrorist fighters"),
    ),
    "radicalisation": (
        "security",
        "Radicalisation and violent extremism",
        ("radicalisation", "violent extremism", "radicalisation in prisons"),
    ),
    "firearms": (
        "security",
        "Firearms",
        ("firearms trafficking", "small arms and light weapons", "the SALW roadmap"),
    ),
    "organised-crime": (None, "Organised crime", ()),
    "criminal-networks": (
        "organised-crime",
        "Organised crime groups",
        ("organised crime", "criminal networks", "EMPACT"),
    ),
    "drugs": ("organised-crime", "Drugs", ("drug trafficking", "synthetic drugs")),
    "trafficking-in-human-beings": (
        "organised-crime",
        "Trafficking in human beings",
        ("trafficking in human beings", "the protection of victims of trafficking"),
    ),
    "money-laundering": (
        "organised-crime",
        "Money laundering",
        ("money laundering", "asset recovery", "the confiscation of criminal assets"),
    ),
    "corruption": ("organised-crime", "Corruption", ("corruption", "high-level corruption")),
    "cybercrime": ("organised-crime", "Cybercrime", ("cybercrime", "e-evidence")),
    "borders": (None, "Borders", ()),
    "border-management": (
        "borders",
        "Border management",
        ("integrated border management", "external border control", "border surveillance"),
    ),
    "frontex": ("borders", "Frontex", ("Frontex joint operations", "status agreements")),
    "information-systems": (
        "borders",
        "Information systems",
        ("Eurodac", "the Schengen Information System", "interoperability"),
    ),
    "justice": (None, "Justice", ()),
    "judicial-cooperation": (
        "justice",
        "Judicial cooperation",
        ("judicial cooperation", "mutual legal assistance", "extradition"),
    ),
    "rule-of-law": ("justice", "Rule of law", ("the rule of law", "judicial reform")),
    "fundamental-rights": (
        "justice",
        "Fundamental rights",
        ("fundamental rights", "data protection"),
    ),
    "cooperation": (None, "Cooperation", ()),
    "information-exchange": (
        "cooperation",
        "Information exchange",
        ("information exchange", "the exchange of information and intelligence"),
    ),
    "police-cooperation": (
        "cooperation",
        "Police cooperation",
        ("police cooperation", "joint investigation teams", "liaison officers"),
    ),
}

# code -> (name, ways a passage names it)
COUNTRIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "AL": ("Albania", ("Albania", "the Albanian authorities")),
    "BA": ("Bosnia and Herzegovina", ("Bosnia and Herzegovina", "BiH")),
    "XK": ("Kosovo", ("Kosovo*",)),
    "ME": ("Montenegro", ("Montenegro", "Crna Gora")),
    "MK": ("North Macedonia", ("North Macedonia", "Северна Македонија")),
    "RS": ("Serbia", ("Serbia", "Србија", "the Serbian Ministry of Interior")),
    "AT": ("Austria", ("Austria",)),
    "BG": ("Bulgaria", ("Bulgaria",)),
    "HR": ("Croatia", ("Croatia",)),
    "CZ": ("Czechia", ("Czechia",)),
    "DE": ("Germany", ("Germany",)),
    "GR": ("Greece", ("Greece",)),
    "HU": ("Hungary", ("Hungary",)),
    "IT": ("Italy", ("Italy",)),
    "PL": ("Poland", ("Poland",)),
    "RO": ("Romania", ("Romania",)),
    "SI": ("Slovenia", ("Slovenia",)),
    "SK": ("Slovakia", ("Slovakia",)),
    "FR": ("France", ("France",)),
    "MD": ("Moldova", ("the Republic of Moldova",)),
    "UA": ("Ukraine", ("Ukraine",)),
    "TR": ("Türkiye", ("Türkiye",)),
}
GROUPS = {
    "wb6": ("Western Balkans six", ("AL", "BA", "XK", "ME", "MK", "RS")),
    "eu": (
        "EU member states",
        ("AT", "BG", "HR", "CZ", "DE", "GR", "HU", "IT", "PL", "RO", "SI", "SK", "FR"),
    ),
    "salzburg-forum": ("Salzburg Forum", ("AT", "BG", "HR", "CZ", "HU", "PL", "RO", "SK", "SI")),
}
CITIES = (
    "Brdo pri Kranju", "Skopje", "Tirana", "Sarajevo", "Podgorica", "Belgrade", "Beograd",
    "Vienna", "Ljubljana", "Zagreb", "Budapest", "Bucharest", "Sofia", "Pristina", "Brussels",
)  # fmt: skip
SERIES = (
    "EU-Western Balkans Ministerial Forum on Justice and Home Affairs",
    "Salzburg Forum Ministerial Conference",
    "Brdo Process Ministerial Meeting",
    "Berlin Process Interior Ministers' Meeting",
    "EUSDR Security Conference",
    "PCC SEE Committee of Ministers",
)
PEOPLE = (
    "Minister Dačić", "Minister Nuhodžić", "Minister Đorđević", "Commissioner Johansson",
    "Minister Šutar", "Minister Čaušević", "Minister Vučić", "Minister Ćosić", "Министар Дачић",
)  # fmt: skip
OPENERS = (
    "The Ministers", "Participants", "The Council Presidency", "The Commission",
    "The Western Balkan partners", "The Member States", "The Forum", "Delegations",
)  # fmt: skip
VERBS = (
    "welcomed progress on", "stressed the importance of", "called for stronger action on",
    "reaffirmed their commitment to", "agreed to step up", "noted with concern the rise in",
    "expressed support for", "highlighted the results achieved in", "recognised the need for",
    "underlined the role of regional cooperation in",
)  # fmt: skip
TAILS = (
    "in line with the EU acquis", "with the support of Europol and Eurojust",
    "through the Joint Action Plan", "in close cooperation with Frontex",
    "as agreed at the previous ministerial meeting", "within the framework of EMPACT",
    "with full respect for fundamental rights", "by the end of the year",
    "building on the conclusions of the Council", "through regular exchange of best practices",
)  # fmt: skip
CYRILLIC = (
    "Министри су поздравили напредак у сарадњи у Београду.",
    "Учесници су нагласили значај размене информација.",
    "Министрите во Скопје ја потврдија заедничката посветеност.",
)  # fmt: skip

_TOPICS = [(tid, phrase) for tid, (_p, _l, phrases) in THEMES.items() for phrase in phrases]


@dataclass(frozen=True)
class Shape:
    """How big the library is: passages, passages per document, documents per meeting."""

    passages: int
    per_document: int = 25
    per_meeting: int = 4

    @property
    def documents(self) -> int:
        return max(1, -(-self.passages // self.per_document))

    @property
    def meetings(self) -> int:
        return max(1, self.documents // self.per_meeting)


def _sentence(rng: random.Random, themes: set[str], countries: set[str]) -> str:
    theme, topic = rng.choice(_TOPICS)
    themes.add(theme)
    roll = rng.random()
    if roll < 0.35:
        code = rng.choice(list(COUNTRIES))
        countries.add(code)
        name = rng.choice(COUNTRIES[code][1])
        second_theme, second = rng.choice(_TOPICS)
        themes.add(second_theme)
        return f"{rng.choice(OPENERS)} {rng.choice(VERBS)} {topic} in {name} and {second}, {rng.choice(TAILS)}."
    if roll < 0.45:
        return f"{rng.choice(PEOPLE)} met counterparts in {rng.choice(CITIES)} to discuss {topic}."
    if roll < 0.47:
        countries.add("RS")
        return rng.choice(CYRILLIC)
    return f"{rng.choice(OPENERS)} {rng.choice(VERBS)} {topic} {rng.choice(TAILS)}."


def passage_text(rng: random.Random) -> tuple[str, set[str], set[str]]:
    """One passage (2–3 sentences, ~300 characters) with the themes and countries it is about."""
    themes: set[str] = set()
    countries: set[str] = set()
    count = 2 if rng.random() < 0.6 else 3
    text = " ".join(_sentence(rng, themes, countries) for _ in range(count))
    return text, themes, countries


def _date(rng: random.Random) -> dt.date:
    return dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(16 * 365))


def _reference_rows(db: sqlite3.Connection) -> None:
    db.executemany(
        "INSERT INTO theme(id, parent_id, label, position) VALUES (?, ?, ?, ?)",
        [(tid, parent, label, i) for i, (tid, (parent, label, _)) in enumerate(THEMES.items())],
    )
    db.executemany(
        "INSERT INTO country(code, name) VALUES (?, ?)",
        [(code, name) for code, (name, _) in COUNTRIES.items()],
    )
    db.executemany(
        "INSERT INTO country_group(id, name) VALUES (?, ?)",
        [(gid, name) for gid, (name, _) in GROUPS.items()],
    )
    db.executemany(
        "INSERT INTO country_group_member(group_id, country_code) VALUES (?, ?)",
        [(gid, code) for gid, (_, codes) in GROUPS.items() for code in codes],
    )


def _meeting_rows(shape: Shape, rng: random.Random) -> Iterator[tuple[object, ...]]:
    for mid in range(1, shape.meetings + 1):
        start = _date(rng)
        end = start + dt.timedelta(days=rng.choice((0, 0, 1, 2)))
        city = rng.choice(CITIES)
        title = f"{rng.choice(SERIES)}, {city}"
        yield (mid, title, title.split(",")[0], start, end, city, None, 0.9, "automatic")


def _document_rows(shape: Shape, rng: random.Random) -> Iterator[tuple[object, ...]]:
    now = dt.datetime(2026, 1, 1)
    for did in range(1, shape.documents + 1):
        meeting_id = rng.randrange(1, shape.meetings + 1) if rng.random() < 0.85 else None
        published = _date(rng) if rng.random() < 0.9 else None
        yield (
            did, f"synthetic-{did:07d}.txt", "txt", f"{did:064x}", f"Joint statement {did}",
            published, now, "", "[]", meeting_id, "automatic",
        )  # fmt: skip


def _passage_batches(
    shape: Shape, rng: random.Random, batch: int = 20_000
) -> Iterator[tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]]:
    passages: list[tuple[object, ...]] = []
    themes: list[tuple[object, ...]] = []
    countries: list[tuple[object, ...]] = []
    for pid in range(1, shape.passages + 1):
        doc, position = divmod(pid - 1, shape.per_document)
        text, theme_ids, codes = passage_text(rng)
        passages.append((pid, doc + 1, position, str(position + 1), "body", text, 0, len(text)))
        for theme in theme_ids:
            themes.append((pid, theme, "automatic", rng.random() < 0.01, 1.0))
        for code in codes:
            countries.append((pid, code, "automatic", rng.random() < 0.01, 1.0))
        if len(passages) >= batch:
            yield passages, themes, countries
            passages, themes, countries = [], [], []
    if passages:
        yield passages, themes, countries


def generate(path: Path, passages: int, seed: int = 42, quiet: bool = False) -> dict[str, float]:
    """Create a new library at ``path`` with ``passages`` passages; returns timings in seconds."""
    if path.exists():
        raise FileExistsError(f"{path}: already exists; the generator only creates new libraries")
    shape = Shape(passages)
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    library = open_library(str(path))  # schema, FTS table, Alembic stamp: our code
    library.close()
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    with db:
        _reference_rows(db)
        db.executemany(
            "INSERT INTO meeting(id, title, series, start_date, end_date, city, country, "
            "confidence, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _meeting_rows(shape, rng),
        )
        db.executemany(
            "INSERT INTO document(id, file_name, format, sha256, title, published, imported_at, "
            "text, removed_lines, meeting_id, meeting_origin) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _document_rows(shape, rng),
        )
        for rows, theme_rows, country_rows in _passage_batches(shape, rng):
            db.executemany(
                'INSERT INTO passage(id, document_id, position, paragraph, kind, text, start, "end") '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            db.executemany(
                "INSERT INTO passage_theme(passage_id, theme_id, origin, excluded, score) "
                "VALUES (?, ?, ?, ?, ?)",
                theme_rows,
            )
            db.executemany(
                "INSERT INTO passage_country(passage_id, country_code, origin, excluded, "
                "confidence) VALUES (?, ?, ?, ?, ?)",
                country_rows,
            )
    db.close()
    timings["insert_rows_s"] = time.perf_counter() - started
    _log(quiet, f"inserted {passages:,} passages in {timings['insert_rows_s']:.1f} s")
    started = time.perf_counter()
    library = open_library(str(path))
    with library.engine.begin() as connection:
        library.search.rebuild(connection)
    with library.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    library.close()
    timings["fts_rebuild_s"] = time.perf_counter() - started
    _log(quiet, f"built the full-text index in {timings['fts_rebuild_s']:.1f} s")
    return timings


def _log(quiet: bool, message: str) -> None:
    if not quiet:
        print(message, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("path", type=Path)
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    generate(args.path, args.passages, args.seed)


if __name__ == "__main__":
    main()
