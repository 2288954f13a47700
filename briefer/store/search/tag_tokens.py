"""Tag tokens: a passage's themes, countries, their ancestors, groups and pairs as words.

Both full-text backends index each passage's active tags as extra words (SQLite: the FTS5
``tags`` column; PostgreSQL: the ``tags`` tsvector), so theme and country filters become
part of the text match, which the index answers far faster than a per-match check of
the tag tables. The words are the same on both backends:

- ``zt`` + hex of a theme id, for each theme and for its parent and grandparent
  (``ANCESTOR_LEVELS``): a filter on a parent theme is one word, not an OR of its subtree;
- ``zc`` + hex of a country code, ``zg`` + hex of each group the country belongs to;
- ``zp`` + hex of a top-level theme + ``x`` + ``c``/``g`` + hex of a country or group: a
  **pair**, so the commonest filter (a theme and a country or region) is one word whose
  list of passages is their intersection (at a million passages, intersecting the lists
  of an OR of seven themes and nine countries cost a PostgreSQL query half 90 ms).

Hex keeps every word a run of letters and digits, which both tokenizers leave whole.
``TagTree`` computes the words in Python (imports and refreshes); each backend's SQL
computes the same words for its triggers (tests check both agree).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from briefer.store.search import GROUP_TERM, Filters

# levels of ancestors whose tokens a passage carries: a filter on a theme whose subtree is
# deeper falls back to OR-ing the tokens of every theme in it
ANCESTOR_LEVELS = 2
# Every tag word begins with this letter (then a kind letter and hex): a word that does
# not can only be in a passage's text, never in its tags.
TAG_WORD_INITIAL = "z"


def theme_token(theme_id: str) -> str:
    return f"{TAG_WORD_INITIAL}t{theme_id.encode().hex()}"


def country_token(code: str) -> str:
    return f"{TAG_WORD_INITIAL}c{code.encode().hex()}"


def group_token(group_id: str) -> str:
    return f"{TAG_WORD_INITIAL}g{group_id.encode().hex()}"


def pair_token(top_theme: str, place: str) -> str:
    """The token of a top-level theme with a country code or a ``group:ID``."""
    if place.startswith(GROUP_TERM):
        term = "g" + place[len(GROUP_TERM) :].encode().hex()
    else:
        term = "c" + place.encode().hex()
    return f"{TAG_WORD_INITIAL}p{top_theme.encode().hex()}x{term}"


TreeRows = tuple[tuple[str, str | None, int], ...]  # (id, parent, 0) and (code, group, 1)

# the theme tree and the group memberships in one statement, for ``TagTree.from_rows``
TREE_SQL = (
    "SELECT id, parent_id, 0 FROM theme "
    "UNION ALL SELECT country_code, group_id, 1 FROM country_group_member"
)


@dataclass(frozen=True)
class TagTree:
    """The theme tree and the country groups, to compute tag tokens in Python.

    Each theme's and each country's words, and each pair token, are computed once per
    tree and remembered (the importer keeps one tree while the tables hold the same rows):
    a passage's words were otherwise hex-encoded again for every passage, about 12 pair
    tokens each.
    """

    parents: Mapping[str, str | None]
    groups: Mapping[str, tuple[str, ...]]  # by country code
    _themes: dict[str, tuple[tuple[str, ...], str | None]] = field(
        default_factory=dict, compare=False, repr=False
    )  # theme id -> its own and its ancestors' words, and its top theme (None: too deep)
    _places: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )  # country code -> its and its groups' words, and its places (code, ``group:ID``)
    _pairs: dict[tuple[str, str], str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def read(cls, connection: Connection) -> TagTree:
        return cls.from_rows(read_tree_rows(connection))

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str | None, int]]) -> TagTree:
        """The tree from ``TREE_SQL``'s rows."""
        parents: dict[str, str | None] = {}
        groups: dict[str, list[str]] = {}
        for key, value, is_member in rows:
            if is_member:
                assert value is not None
                groups.setdefault(key, []).append(value)
            else:
                parents[key] = value
        return cls(parents, {code: tuple(ids) for code, ids in groups.items()})

    def tokens(self, themes: Iterable[str], codes: Iterable[str]) -> str:
        """The tokens the backends' SQL gives a passage with these active links (tested equal)."""
        found: set[str] = set()
        tops: set[str] = set()
        for theme_id in themes:
            words, top = self._themes.get(theme_id) or self._theme_words(theme_id)
            found.update(words)
            if top is not None:
                tops.add(top)
        places: set[str] = set()
        for code in codes:
            words, terms = self._places.get(code) or self._place_words(code)
            found.update(words)
            places.update(terms)
        pairs = self._pairs
        for top in tops:
            for place in places:
                token = pairs.get((top, place))
                if token is None:
                    token = pairs[top, place] = pair_token(top, place)
                found.add(token)
        return " ".join(sorted(found))

    def _theme_words(self, theme_id: str) -> tuple[tuple[str, ...], str | None]:
        """A theme's word and its parent's and grandparent's; its top-level theme if that
        is within ``ANCESTOR_LEVELS`` (else None: no pair tokens)."""
        words = [theme_token(theme_id)]
        chain = [theme_id]
        for _level in range(ANCESTOR_LEVELS):
            parent = self.parents.get(chain[-1])
            if parent is None:
                break
            chain.append(parent)
            words.append(theme_token(parent))
        top = chain[-1] if self.parents.get(chain[-1]) is None else None
        self._themes[theme_id] = entry = (tuple(words), top)
        return entry

    def _place_words(self, code: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A country's word and its groups' words; the places its pair tokens name."""
        words = [country_token(code)]
        places = [code]
        for group in self.groups.get(code, ()):
            words.append(group_token(group))
            places.append(GROUP_TERM + group)
        self._places[code] = entry = (tuple(words), tuple(places))
        return entry


def read_tree_rows(connection: Connection) -> TreeRows:
    """``TREE_SQL``'s rows, as a value to compare with the rows a tree was built from.

    Read with the driver's own cursor: its rows are plain tuples, where a SQLAlchemy
    result makes a ``Row`` of each (150 of them for every document imported).
    """
    cursor = connection.connection.cursor()
    try:
        cursor.execute(TREE_SQL)
        return tuple(cursor.fetchall())
    finally:
        cursor.close()


REFRESH_CHUNK = 20_000  # passages whose links are read at once when refreshing tokens


def active_links(
    connection: Connection, first_id: int, last_id: int
) -> dict[int, tuple[list[str], list[str]]]:
    """The active theme ids and country codes of passages ``first_id..last_id``."""
    links: dict[int, tuple[list[str], list[str]]] = {}
    bounds = {"first": first_id, "last": last_id}
    for pid, theme_id in connection.execute(
        text(
            "SELECT passage_id, theme_id FROM passage_theme "
            "WHERE passage_id BETWEEN :first AND :last AND NOT excluded"
        ),
        bounds,
    ):
        links.setdefault(pid, ([], []))[0].append(theme_id)
    for pid, code in connection.execute(
        text(
            "SELECT passage_id, country_code FROM passage_country "
            "WHERE passage_id BETWEEN :first AND :last AND NOT excluded"
        ),
        bounds,
    ):
        links.setdefault(pid, ([], []))[1].append(code)
    return links


MAX_PAIR_TERMS = 12  # pairs OR-ed in one filter; beyond, the theme and place terms apart


def pair_tokens(filters: Filters) -> list[str] | None:
    """One token per (top theme, place) of the selection, when every passage it selects
    carries them: the themes' tops are top-level themes, the selection is at most
    ``ANCESTOR_LEVELS`` deep below them, and the places are known as named."""
    tops, places = filters.theme_roots, filters.country_terms
    if (
        not filters.themes
        or not filters.countries
        or tops is None
        or places is None
        or not filters.theme_roots_are_top
        or filters.theme_depth > ANCESTOR_LEVELS
        or len(tops) * len(places) > MAX_PAIR_TERMS
    ):
        return None
    return [pair_token(top, place) for top in tops for place in places]


def theme_tokens(filters: Filters) -> list[str]:
    """One token per top of the selection when the passages' ancestor tokens cover it."""
    if filters.theme_roots is not None and filters.theme_depth <= ANCESTOR_LEVELS:
        return [theme_token(t) for t in filters.theme_roots]
    return [theme_token(t) for t in filters.themes or ()]


def country_tokens(filters: Filters) -> list[str]:
    """One token per named group and code, or per member code when only those are known."""
    if filters.country_terms is None:
        return [country_token(c) for c in filters.countries or ()]
    return [
        group_token(term[len(GROUP_TERM) :]) if term.startswith(GROUP_TERM) else country_token(term)
        for term in filters.country_terms
    ]
