"""The country gazetteer (``resources/gazetteer``): names, codes, groups and ambiguity rules.

The gazetteer is data that users may edit, so loading it checks everything a mistake could
break (syntax, duplicate codes, a name given to two countries, a group member that is not
a country) and reports the file and line. A gazetteer that fails to load never replaces
the one in force: :func:`reload_gazetteer` swaps only after a complete, valid load.

``sync_countries`` copies countries and groups into the library; it compares a content
hash kept in ``library_info`` so that opening a library costs nothing when the files did
not change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import threading
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from briefer.domain.errors import BrieferError
from briefer.paths import resources_dir
from briefer.store.models import (
    Country,
    CountryGroup,
    CountryGroupMember,
    LibraryInfo,
    PassageCountry,
)

COUNTRIES_FILE = "countries.toml"
GROUPS_FILE = "groups.toml"
RULES_FILE = "rules.toml"
FILES = (COUNTRIES_FILE, GROUPS_FILE, RULES_FILE)

# Bump when the meaning of the files changes, so libraries re-sync even if bytes do not.
FORMAT_VERSION = "1"
LIBRARY_INFO_KEY = "gazetteer_sha256"

STATE = "state"
TERRITORY = "territory"

_CODE = re.compile(r"^[A-Z]{2}$")
_GROUP_ID = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_BRACES = re.compile(r"\{([^{}]*)\}")
_TOKEN = re.compile(r"[\w\u0300-\u036f]+")  # combining accents belong to their word
_COUNTRY_FIELDS = {
    "name",
    "long_name",
    "names",
    "former",
    "abbreviations",
    "adjectives",
    "capital",
    "cities",
    "codes",
    "kind",
}
_LIST_FIELDS = ("names", "former", "abbreviations", "adjectives", "cities", "codes")
# Letters that Unicode does not decompose into a base letter plus an accent.
_FOLD_EXTRA = str.maketrans(
    {"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ı": "i", "’": "'"}
)


class GazetteerError(BrieferError):
    """The gazetteer files are wrong; the message names the file, the line and the problem."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")


class UnknownCountry(BrieferError):
    """A country code or name the user gave is not in the gazetteer."""


# ---------------------------------------------------------------- the loaded data


@dataclass(frozen=True)
class CountryEntry:
    """One country or territory as the gazetteer describes it."""

    code: str
    name: str
    long_name: str | None = None
    kind: str = STATE
    names: tuple[str, ...] = ()
    former: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    capital: str | None = None
    cities: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    line: int = 0

    def surface_forms(self) -> Iterator[tuple[str, str]]:
        """Every (form, kind) the tagger looks for; kinds name the evidence rule."""
        yield self.name, "name"
        if self.long_name:
            yield self.long_name, "long_name"
        for kind, forms in (
            ("name", self.names),
            ("former_name", self.former),
            ("abbreviation", self.abbreviations),
            ("adjective", self.adjectives),
            ("city", self.cities),
        ):
            for form in forms:
                yield form, kind
        if self.capital:
            yield self.capital, "capital"


@dataclass(frozen=True)
class Membership:
    code: str
    since: dt.date | None = None
    until: dt.date | None = None  # the last day of membership
    protocol: int | None = None  # EU protocol order

    def active_on(self, day: dt.date | None) -> bool:
        if day is None:
            day = dt.date.today()
        if self.since is not None and day < self.since:
            return False
        return self.until is None or day <= self.until


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    members: tuple[Membership, ...]

    def members_on(self, day: dt.date | None = None) -> list[str]:
        """Codes of the members on ``day`` (today by default), in protocol or file order."""
        active = [m for m in self.members if m.active_on(day)]
        active.sort(key=lambda m: (m.protocol is None, m.protocol or 0))
        return [m.code for m in active]

    def ever_members(self) -> list[str]:
        return [m.code for m in self.members]


@dataclass(frozen=True)
class Guard:
    name: str
    reason: str
    not_after: tuple[str, ...]
    not_before: tuple[str, ...]


@dataclass(frozen=True)
class Ambiguity:
    name: str
    code: str
    confidence: float
    reason: str
    until: dt.date | None = None
    prefer: tuple[str, ...] = ()
    context_codes: tuple[str, ...] = ()
    context_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class EuSeat:
    code: str = "BE"
    names: tuple[str, ...] = ()
    confidence: float = 0.3
    city_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListedOnly:
    """City names that are also common words: places only in a list or after a prefix."""

    names: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    confidence: float = 0.2


@dataclass(frozen=True)
class Rules:
    not_countries: tuple[str, ...] = ()
    instrument_words: frozenset[str] = frozenset()
    instrument_prefixes: tuple[str, ...] = ()
    person_names: frozenset[str] = frozenset()
    not_surnames: frozenset[str] = frozenset()
    language_words: frozenset[str] = frozenset()
    caps_words: frozenset[str] = frozenset()
    eu_seat: EuSeat = field(default_factory=EuSeat)
    listed_only: ListedOnly = field(default_factory=ListedOnly)
    guards: tuple[Guard, ...] = ()
    ambiguities: tuple[Ambiguity, ...] = ()


@dataclass(frozen=True)
class Gazetteer:
    """Countries, groups and rules, validated; ``sha256`` identifies the content."""

    directory: Path
    countries: Mapping[str, CountryEntry]
    groups: Mapping[str, Group]
    rules: Rules
    sha256: str

    def country_code(self, text: str) -> str:
        """The stored code for a code or name the user typed (``EL`` → ``GR``, ``uk`` → ``GB``)."""
        wanted = text.strip()
        upper = wanted.upper()
        if upper in self.countries:
            return upper
        for entry in self.countries.values():
            if upper in entry.codes:
                return entry.code
        key = name_key(wanted)
        for entry in self.countries.values():
            if any(name_key(form) == key for form in (entry.name, entry.long_name) if form):
                return entry.code
        raise UnknownCountry(f"{text!r} is not a country code or name in the gazetteer")

    def group(self, group_id: str) -> Group:
        try:
            return self.groups[group_id]
        except KeyError:
            known = ", ".join(sorted(self.groups))
            raise UnknownCountry(f"no country group {group_id!r} (known: {known})") from None

    def groups_of(self, code: str, day: dt.date | None = None) -> list[str]:
        """Ids of the groups ``code`` belongs to on ``day`` (today by default)."""
        return [g.id for g in self.groups.values() if code in g.members_on(day)]


# ---------------------------------------------------------------- names and keys


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a word: how names are compared."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def name_key(text: str) -> tuple[str, ...]:
    """The key a name is looked up by: its folded words; a leading "the" is dropped."""
    words = [fold(t) for t in tokens(text)]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return tuple(words)


def expand_braces(form: str) -> list[str]:
    """``Srbij{a,e}`` → ``Srbija``, ``Srbije``: case forms written once in the data."""
    parts = _BRACES.split(form)
    if len(parts) == 1:
        return [form]
    choices = [[p] if i % 2 == 0 else p.split(",") for i, p in enumerate(parts)]
    return ["".join(combo) for combo in itertools.product(*choices)]


# ---------------------------------------------------------------- loading


def default_directory() -> Path:
    return resources_dir() / "gazetteer"


def load_gazetteer(directory: Path | None = None) -> Gazetteer:
    """Read and check the three gazetteer files; raise :class:`GazetteerError` on any problem."""
    directory = Path(directory) if directory is not None else default_directory()
    contents = _read_files(directory)
    raw: dict[str, tuple[Path, str, dict[str, Any]]] = {}
    for name, data in contents.items():
        path = directory / name
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise GazetteerError(path, line, "not valid UTF-8") from exc
        try:
            parsed = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise GazetteerError(path, _decode_error_line(exc), _decode_error_text(exc)) from exc
        raw[name] = (path, text, parsed)

    countries, owners = _read_countries(*raw[COUNTRIES_FILE])
    groups = _read_groups(*raw[GROUPS_FILE], countries)
    rules = _read_rules(*raw[RULES_FILE], countries, owners)
    return Gazetteer(
        directory=directory,
        countries=countries,
        groups=groups,
        rules=rules,
        sha256=_digest(contents),
    )


def content_hash(directory: Path | None = None) -> str:
    """The ``sha256`` a gazetteer loaded from ``directory`` would have, without parsing it."""
    return _digest(_read_files(Path(directory) if directory is not None else default_directory()))


def _read_files(directory: Path) -> dict[str, bytes]:
    contents = {}
    for name in FILES:
        path = directory / name
        try:
            contents[name] = path.read_bytes()
        except OSError as exc:
            raise GazetteerError(path, None, f"cannot read ({exc.strerror or exc})") from exc
    return contents


def _digest(contents: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    for name in FILES:
        digest.update(name.encode() + b"\0" + contents[name] + b"\0")
    return digest.hexdigest()


def _decode_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    match = re.search(r"at line (\d+)", str(exc))
    return int(match.group(1)) if match else None


def _decode_error_text(exc: tomllib.TOMLDecodeError) -> str:
    message = getattr(exc, "msg", None) or re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
    return f"TOML syntax error: {message}"


class _Lines:
    """Finds the line a table or value was written on, for error messages."""

    _HEADER = re.compile(r"^\s*\[\[?\s*[\"']?([^\]\"']+?)[\"']?\s*\]")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: dict[str, int] = {}
        for number, line in enumerate(self.lines, start=1):
            found = self._HEADER.match(line)
            if found is not None:
                self.headers.setdefault(found.group(1).strip(), number)

    def table(self, key: str) -> int | None:
        return self.headers.get(key)

    def value(self, needle: str, after: int | None = None) -> int | None:
        start = (after or 1) - 1
        for i in range(start, len(self.lines)):
            if needle in self.lines[i]:
                return i + 1
        return after


_Owners = dict[tuple[str, ...], tuple[str, str]]


def _read_countries(
    path: Path, text: str, data: dict[str, Any]
) -> tuple[dict[str, CountryEntry], _Owners]:
    lines = _Lines(text)
    countries: dict[str, CountryEntry] = {}
    seen_codes: dict[str, str] = {}
    owners: _Owners = {}
    for code, table in data.items():
        line = lines.table(code)

        def fail(problem: str, needle: str | None = None, line: int | None = line) -> None:
            at = lines.value(needle, line) if needle else line
            raise GazetteerError(path, at, problem)

        if not _CODE.match(code):
            fail(f"[{code}]: a country is keyed by its two-letter code in capitals")
        if not isinstance(table, dict):
            fail(f"{code}: expected a table of fields, got {type(table).__name__}")
        unknown = sorted(set(table) - _COUNTRY_FIELDS)
        if unknown:
            fail(f"{code}: unknown field {unknown[0]!r}", f"{unknown[0]} ")
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            fail(f"{code}: 'name' is required and must be text")
        for key in ("long_name", "capital"):
            if key in table and (not isinstance(table[key], str) or not table[key].strip()):
                fail(f"{code}: {key!r} must be non-empty text", f"{key} ")
        lists: dict[str, tuple[str, ...]] = {}
        for key in _LIST_FIELDS:
            value = table.get(key, [])
            if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                fail(f"{code}: {key!r} must be a list of non-empty texts", f"{key} ")
            lists[key] = tuple(dict.fromkeys(f for v in value for f in expand_braces(v)))
        kind = table.get("kind", STATE)
        if kind not in (STATE, TERRITORY):
            fail(f"{code}: 'kind' must be {STATE!r} or {TERRITORY!r}, not {kind!r}", "kind ")
        for alt in lists["codes"]:
            if not _CODE.match(alt):
                fail(f"{code}: code {alt!r} must be two capital letters", f'"{alt}"')
        for alt in (code, *lists["codes"]):
            if alt in seen_codes and seen_codes[alt] != code:
                fail(f"{code}: code {alt!r} is already used by {seen_codes[alt]}", f'"{alt}"')
            seen_codes[alt] = code
        entry = CountryEntry(
            code=code,
            name=name.strip(),
            long_name=table.get("long_name"),
            kind=kind,
            capital=table.get("capital"),
            line=line or 0,
            **{k: v for k, v in lists.items()},
        )
        for form, _kind in entry.surface_forms():
            key = name_key(form)
            if not key:
                fail(f"{code}: {form!r} has no letters to match", form)
            owner = owners.get(key)
            if owner is not None and owner[0] != code:
                fail(
                    f"{code}: the name {form!r} is already given to {owner[0]} "
                    f"(as {owner[1]!r}); a name may belong to one country only",
                    form.split("{")[0],
                )
            owners[key] = (code, form)
        countries[code] = entry
    for code, alt_of in seen_codes.items():
        if code != alt_of and code in countries:
            raise GazetteerError(
                path,
                lines.table(code),
                f"{code} is both a country and another code of {alt_of}",
            )
    if not countries:
        raise GazetteerError(path, None, "no countries defined")
    return countries, owners


def _read_groups(
    path: Path, text: str, data: dict[str, Any], countries: Mapping[str, CountryEntry]
) -> dict[str, Group]:
    lines = _Lines(text)
    groups: dict[str, Group] = {}
    for group_id, table in data.items():
        line = lines.table(group_id)
        if not _GROUP_ID.match(group_id):
            raise GazetteerError(
                path, line, f"[{group_id}]: a group id is lower-case letters, digits and _"
            )
        if not isinstance(table, dict):
            raise GazetteerError(path, line, f"{group_id}: expected a table")
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            raise GazetteerError(path, line, f"{group_id}: 'name' is required and must be text")
        members = table.get("members")
        if not isinstance(members, list) or not members:
            raise GazetteerError(path, line, f"{group_id}: 'members' must be a non-empty list")
        seen: set[str] = set()
        parsed: list[Membership] = []
        for member in members:
            code = member.get("code") if isinstance(member, dict) else None
            at = lines.value(f'"{code}"', line) if isinstance(code, str) else line
            if not isinstance(code, str):
                raise GazetteerError(path, at, f"{group_id}: each member needs a 'code'")
            if code not in countries:
                raise GazetteerError(
                    path, at, f"{group_id}: member {code!r} is not a country in {COUNTRIES_FILE}"
                )
            if code in seen:
                raise GazetteerError(path, at, f"{group_id}: member {code!r} is listed twice")
            seen.add(code)
            since, until, protocol = (
                member.get("since"),
                member.get("until"),
                member.get("protocol"),
            )
            for key, value in (("since", since), ("until", until)):
                if value is not None and (
                    not isinstance(value, dt.date) or isinstance(value, dt.datetime)
                ):
                    raise GazetteerError(
                        path, at, f"{group_id}: {code} {key} must be a date like 2013-07-01"
                    )
            if since and until and until < since:
                raise GazetteerError(path, at, f"{group_id}: {code} leaves before it joins")
            if protocol is not None and (not isinstance(protocol, int) or protocol < 1):
                raise GazetteerError(
                    path, at, f"{group_id}: {code} protocol must be a positive number"
                )
            extra = sorted(set(member) - {"code", "since", "until", "protocol"})
            if extra:
                raise GazetteerError(path, at, f"{group_id}: {code} has unknown field {extra[0]!r}")
            parsed.append(Membership(code, since, until, protocol))
        groups[group_id] = Group(group_id, name.strip(), tuple(parsed))
    return groups


def _read_rules(
    path: Path,
    text: str,
    data: dict[str, Any],
    countries: Mapping[str, CountryEntry],
    owners: _Owners,
) -> Rules:
    lines = _Lines(text)

    def texts(
        key: str, source: Mapping[str, Any] = data, line: int | None = None
    ) -> tuple[str, ...]:
        value = source.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise GazetteerError(
                path, lines.value(f"{key} ", line), f"{key!r} must be a list of texts"
            )
        return tuple(value)

    def code_list(key: str, table: Mapping[str, Any], line: int | None) -> tuple[str, ...]:
        codes = texts(key, table, line)
        for code in codes:
            if code not in countries:
                raise GazetteerError(
                    path, lines.value(f'"{code}"', line), f"{key}: {code!r} is not a country"
                )
        return codes

    seat_table = data.get("eu_seat", {})
    seat_line = lines.table("eu_seat")
    seat = EuSeat(
        code=str(seat_table.get("code", "BE")),
        names=texts("names", seat_table, seat_line),
        confidence=float(seat_table.get("confidence", 0.3)),
        city_words=texts("city_words", seat_table, seat_line),
    )
    if seat.code not in countries:
        raise GazetteerError(path, seat_line, f"eu_seat: {seat.code!r} is not a country")

    listed_table = data.get("listed_only", {})
    listed_line = lines.table("listed_only")
    listed = ListedOnly(
        names=texts("names", listed_table, listed_line),
        prefixes=texts("prefixes", listed_table, listed_line),
        confidence=float(listed_table.get("confidence", 0.2)),
    )
    for name in listed.names:
        if name_key(name) not in owners:
            raise GazetteerError(
                path,
                lines.value(f'"{name}"', listed_line),
                f"listed_only: {name!r} is not a name in {COUNTRIES_FILE}",
            )

    guards = []
    guard_line: int | None = None
    for table in data.get("guard", []):
        guard_line = lines.value("[[guard]]", (guard_line or 0) + 1)
        name = table.get("name")
        if not isinstance(name, str) or not name:
            raise GazetteerError(path, guard_line, "a [[guard]] needs a 'name'")
        guards.append(
            Guard(
                name=name,
                reason=str(table.get("reason", "")),
                not_after=texts("not_after", table, guard_line),
                not_before=texts("not_before", table, guard_line),
            )
        )

    ambiguities = []
    amb_line: int | None = None
    for table in data.get("ambiguous", []):
        amb_line = lines.value("[[ambiguous]]", (amb_line or 0) + 1)
        name, code = table.get("name"), table.get("code")
        if not isinstance(name, str) or not isinstance(code, str):
            raise GazetteerError(path, amb_line, "an [[ambiguous]] needs 'name' and 'code'")
        if code not in countries:
            raise GazetteerError(path, amb_line, f"ambiguous {name!r}: {code!r} is not a country")
        owner = owners.get(name_key(name), (None, ""))[0]
        if owner != code:
            raise GazetteerError(
                path, amb_line, f"ambiguous {name!r}: not a name of {code} in {COUNTRIES_FILE}"
            )
        confidence = table.get("confidence", 0.6)
        if not isinstance(confidence, (int, float)) or not 0 < confidence <= 1:
            raise GazetteerError(
                path, amb_line, f"ambiguous {name!r}: confidence must be in (0, 1]"
            )
        until = table.get("until")
        if until is not None and not isinstance(until, dt.date):
            raise GazetteerError(path, amb_line, f"ambiguous {name!r}: until must be a date")
        ambiguities.append(
            Ambiguity(
                name=name,
                code=code,
                confidence=float(confidence),
                reason=str(table.get("reason", "")),
                until=until,
                prefer=code_list("prefer", table, amb_line),
                context_codes=code_list("context_codes", table, amb_line),
                context_words=texts("context_words", table, amb_line),
            )
        )

    return Rules(
        not_countries=texts("not_countries"),
        instrument_words=frozenset(texts("instrument_words")),
        instrument_prefixes=texts("instrument_prefixes"),
        person_names=frozenset(texts("person_names")),
        not_surnames=frozenset(texts("not_surnames")),
        language_words=frozenset(w.casefold() for w in texts("language_words")),
        caps_words=frozenset(texts("caps_words")),
        eu_seat=seat,
        listed_only=listed,
        guards=tuple(guards),
        ambiguities=tuple(ambiguities),
    )


# ---------------------------------------------------------------- the gazetteer in force

_lock = threading.Lock()
_current: Gazetteer | None = None


def current_gazetteer() -> Gazetteer:
    """The gazetteer in force (loaded from the shipped resources on first use)."""
    global _current
    with _lock:
        if _current is None:
            _current = load_gazetteer()
        return _current


def reload_gazetteer(directory: Path | None = None) -> Gazetteer:
    """Load the files again and put them in force; on any error the previous one stays."""
    global _current
    fresh = load_gazetteer(directory)
    with _lock:
        _current = fresh
    return fresh


def country_names(gazetteer: Gazetteer | None = None) -> dict[str, str]:
    """Every name of every country (short, long, other and former names) → its code.

    For modules that only need to recognise a country written out in full (the meeting
    extractor's "Sofia, Bulgaria"); tagging running text is the CountryTagger's job.
    """
    gazetteer = gazetteer or current_gazetteer()
    names: dict[str, str] = {}
    for entry in gazetteer.countries.values():
        for form, kind in entry.surface_forms():
            if kind in ("name", "long_name", "former_name"):
                names.setdefault(form, entry.code)
    return names


# ---------------------------------------------------------------- into the library


def sync_countries(session: Session, gazetteer: Gazetteer | None = None) -> bool:
    """Bring the library's countries and groups in line with the gazetteer.

    Returns False (and touches nothing) when the library already holds this content.
    Countries are updated or added, never deleted: a country dropped from the files may
    still carry an analyst's manual tags. Groups and memberships are replaced whole.
    """
    info = session.get(LibraryInfo, LIBRARY_INFO_KEY)
    if gazetteer is not None:
        wanted = gazetteer.sha256
    elif _current is not None:
        wanted = _current.sha256
    else:  # opening a library: hashing the files is enough to know nothing changed
        wanted = content_hash()
    if info is not None and info.value == wanted:
        return False
    gazetteer = gazetteer or current_gazetteer()

    existing = {c.code: c for c in session.scalars(select(Country))}
    for entry in gazetteer.countries.values():
        row = existing.get(entry.code)
        if row is None:
            session.add(Country(code=entry.code, name=entry.name, long_name=entry.long_name))
        else:
            row.name = entry.name
            row.long_name = entry.long_name
    session.flush()

    _replace_groups(session, gazetteer)

    if info is None:
        session.add(LibraryInfo(key=LIBRARY_INFO_KEY, value=gazetteer.sha256))
    else:
        info.value = gazetteer.sha256
    session.flush()
    return True


def _replace_groups(session: Session, gazetteer: Gazetteer) -> None:
    """Replace groups and memberships; the search index learns changed memberships once.

    The index gives each passage a token per group of its countries. Its per-row
    triggers are paused while the memberships are rewritten (they would refresh a
    country's passages for every row deleted and inserted), then the passages naming a
    country whose memberships changed are refreshed once each.
    """
    from briefer.store.search import backend_for

    def memberships() -> set[tuple[str, str]]:
        rows = session.execute(select(CountryGroupMember.group_id, CountryGroupMember.country_code))
        return {(group_id, code) for group_id, code in rows}

    before = memberships()
    backend = backend_for(session.get_bind())
    connection = session.connection()
    with backend.tag_sync_suspended(connection):
        session.execute(delete(CountryGroupMember))
        session.execute(delete(CountryGroup).where(CountryGroup.id.not_in(list(gazetteer.groups))))
        groups = {g.id: g for g in session.scalars(select(CountryGroup))}
        for group in gazetteer.groups.values():
            row = groups.get(group.id)
            if row is None:
                session.add(CountryGroup(id=group.id, name=group.name))
            else:
                row.name = group.name
        session.flush()
        session.add_all(_member_rows(gazetteer.groups.values()))
        session.flush()
        changed = {code for _group, code in memberships() ^ before}
        refreshed: list[int] = []
        if changed:
            passages = session.scalars(
                select(PassageCountry.passage_id)
                .where(PassageCountry.country_code.in_(sorted(changed)))
                .where(PassageCountry.excluded.is_(False))
                .distinct()
            )
            refreshed = sorted(passages)
            backend.refresh_passages(connection, refreshed)
    backend.merge_after_bulk_change(connection, len(refreshed))


def _member_rows(groups: Iterable[Group]) -> Iterator[CountryGroupMember]:
    for group in groups:
        for position, member in enumerate(group.members, start=1):
            yield CountryGroupMember(
                group_id=group.id,
                country_code=member.code,
                since=member.since,
                until=member.until,
                position=member.protocol or position,
            )
