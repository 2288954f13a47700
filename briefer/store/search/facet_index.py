"""Facet counts from a columnar copy of every passage's tags, meeting and date.

Counting facets in SQL visits every selected passage's tag links through the indexes: a
few microseconds per passage, so 0.5–1 s for a common word at a million passages, three
times over (each facet ignores its own selection). Here the links live in flat numpy
arrays (passage id, tag index), loaded once per process, and a facet count is a handful
of vectorised passes: the text match gives the ids of its passages, filters become
boolean masks, and ``bincount`` counts. At a million passages that is tens of
milliseconds whatever the query.

The copy must never be stale. The library keeps a **stamp**: a counter that SQL
triggers bump in the same transaction as any change a count depends on (tag links,
passages, a document's meeting or date, a meeting's date). The cache compares the stamp
read in the query's own snapshot with the one its arrays were built at, and reloads on
any difference, so a count always reflects exactly the data the query sees.

The counts are those ``briefer.store.queries`` defines (disjunctive, excluded links never
count, a parent theme counts each passage under it once); tests check both give the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from briefer.store.search import Filters

IdArray = NDArray[np.int64]
Mask = NDArray[np.bool_]


def parse_ids(joined: str | None) -> IdArray:
    """Integers joined by commas (SQL ``group_concat``) as an array.

    One concatenated string crosses the driver instead of a Python row per passage:
    about three times faster for 200,000 ids.
    """
    if not joined:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(joined, dtype=np.int64, sep=",")


@dataclass(frozen=True)
class TagLinks:
    """Active links of one kind: parallel arrays of passage ids and indexes into ``keys``.

    Arrays are 32-bit: half the memory traffic of the passes over three million links.
    """

    keys: tuple[str, ...]
    passage: NDArray[np.int32]
    key: NDArray[np.int32]

    @classmethod
    def from_groups(cls, groups: Sequence[tuple[str, str | None]]) -> TagLinks:
        """From (key, passage ids joined by commas) rows, one per key."""
        rows = sorted((key, parse_ids(joined)) for key, joined in groups)
        keys = tuple(key for key, _ids in rows)
        passages = [ids for _key, ids in rows]
        indexes = [np.full(len(ids), i) for i, (_key, ids) in enumerate(rows)]
        return cls.of(keys, passages, indexes)

    @classmethod
    def of(cls, keys: tuple[str, ...], passages: Sequence[Any], indexes: Sequence[Any]) -> TagLinks:
        if not keys:
            return cls((), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32))
        return cls(
            keys,
            np.concatenate(passages).astype(np.int32),
            np.concatenate(indexes).astype(np.int32),
        )

    def rolled_up(self, parents: Mapping[str, str | None]) -> TagLinks:
        """Links to each key's parent (or the key itself at the top), one per passage and parent.

        The taxonomy's top-level themes count each passage under them once, however many of
        their children it carries: distinct (passage, parent) pairs, computed once per load.
        """
        tops = tuple(sorted({parents.get(k) or k for k in self.keys}))
        size = int(self.passage.max()) + 1 if len(self.passage) else 0
        passages = [
            np.flatnonzero(
                self.having([k for k in self.keys if (parents.get(k) or k) == top], size)
            )
            for top in tops
        ]
        indexes = [np.full(len(ids), i) for i, ids in enumerate(passages)]
        return TagLinks.of(tops, passages, indexes)

    def having(self, wanted: Sequence[str], size: int) -> Mask:
        """A mask over passage ids: True where the passage has one of ``wanted``."""
        chosen = set(wanted)
        flags = np.array([k in chosen for k in self.keys] or [False], dtype=bool)
        mask = np.zeros(size, dtype=bool)
        if len(self.key):
            mask[self.passage[flags[self.key]]] = True
        return mask

    @cached_property
    def passages_per_key(self) -> dict[str, int]:
        counts = np.bincount(self.key, minlength=len(self.keys))
        return {key: int(n) for key, n in zip(self.keys, counts, strict=True)}

    def counts(self, selected: Mask) -> dict[str, int]:
        """Selected passages per key (keys with none left out)."""
        counts = np.bincount(self.key[selected[self.passage]], minlength=len(self.keys))
        return {self.keys[i]: int(n) for i, n in enumerate(counts) if n}


@dataclass(frozen=True)
class FacetIndex:
    """The columns facet counts need, as of one stamp of the library."""

    stamp: int
    present: Mask  # by passage id: the passage exists
    document_of: IdArray  # by passage id
    position_of: NDArray[np.int32]  # by passage id: its position in its document
    meeting_of_document: IdArray  # by document id; 0: no meeting
    day_of_document: IdArray  # by document id: the passages' date (``date.toordinal``); 0: none
    themes: TagLinks
    theme_tops: TagLinks  # ``themes.rolled_up(parents)``
    parents: Mapping[str, str | None]  # the taxonomy the roll-up was made with
    countries: TagLinks
    meeting_labels: Mapping[int, str]
    # by passage id: its size in tokens as the text index counts it (bm25's document
    # length), when the backend ranks from this copy (``briefer.store.search.bm25``)
    row_tokens: IdArray | None = None
    _date_order: DateOrder | None = field(default=None, compare=False, repr=False)
    _date_lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @property
    def size(self) -> int:
        return len(self.present)

    @cached_property
    def token_total(self) -> int | None:
        """The sum of ``row_tokens``: the index's own token total when they agree."""
        return None if self.row_tokens is None else int(self.row_tokens.sum())

    def select(self, matched: IdArray | None, negated: bool) -> Mask:
        """The passages a text match selects (all of them when there is no text)."""
        if matched is None:
            return self.present.copy()
        hit = np.zeros(self.size, dtype=bool)
        hit[matched[matched < self.size]] = True
        return self.present & ~hit if negated else hit

    def tag_share(self, filters: Filters) -> float:
        """About what share of the passages the theme and country filters keep (1.0
        without them), from each key's passage count: overlaps are counted twice and
        themes and countries taken as independent, so an estimate, in microseconds."""
        share = 1.0
        for wanted, links in ((filters.themes, self.themes), (filters.countries, self.countries)):
            if wanted is not None:
                per_key = links.passages_per_key
                kept = sum(per_key.get(key, 0) for key in set(wanted))
                share *= min(1.0, kept / max(1, self.passage_count))
        return share

    @cached_property
    def passage_count(self) -> int:
        return int(np.count_nonzero(self.present))

    def selection(self, matched: IdArray | None, negated: bool, filters: Filters) -> Mask:
        """The passages the text match and every filter select."""
        return (
            self.select(matched, negated)
            & self._date_mask(filters)
            & self._mask(filters.themes, self.themes)
            & self._mask(filters.countries, self.countries)
            & self._meeting_mask(filters.meetings)
        )

    def newest_first(self, selected: Mask, limit: int, offset: int, order: DateOrder) -> IdArray:
        """One page of the selected passages in date order (``DateOrder``)."""
        ids = np.flatnonzero(selected)
        wanted = offset + limit
        ranks = order.rank_of[ids]
        if len(ids) > wanted > 0:
            best = np.argpartition(ranks, wanted - 1)[:wanted]
            ids, ranks = ids[best], ranks[best]
        return ids[np.argsort(ranks, kind="stable")][offset:wanted]

    def best_first(
        self, ids: IdArray, ranks: NDArray[np.float64], limit: int, offset: int
    ) -> tuple[IdArray, NDArray[np.float64]]:
        """One page of ``ids`` and their ranks, by rank (lower first), then in document
        order: the order of ``briefer.store.queries.hits_statement`` for ranked text."""
        wanted = offset + limit
        if len(ids) > wanted > 0:
            cut_off = np.partition(ranks, wanted - 1)[wanted - 1]
            kept = ranks <= cut_off  # the page and every hit tied with its last one
            ids, ranks = ids[kept], ranks[kept]
        order = np.lexsort((self.position_of[ids], self.document_of[ids], ranks))
        order = order[offset:wanted]
        return ids[order], ranks[order]

    def date_order(self) -> DateOrder:
        """The passages' order by date, computed once (60 ms at a million passages):
        ``FacetCache`` does it as it loads the copy, in the background, so the first
        date-sorted page does not wait for it."""
        with self._date_lock:
            if self._date_order is None:
                object.__setattr__(self, "_date_order", DateOrder.of(self))
            return self._date_order  # type: ignore[return-value]

    def counts(
        self, matched: IdArray | None, negated: bool, filters: Filters
    ) -> dict[str, dict[Any, int]]:
        """Disjunctive counts: each facet applies the text and every filter but its own."""
        base = self.select(matched, negated) & self._date_mask(filters)
        theme_mask = self._mask(filters.themes, self.themes)
        country_mask = self._mask(filters.countries, self.countries)
        meeting_mask = self._meeting_mask(filters.meetings)
        return {
            "themes": self._theme_counts(base & country_mask & meeting_mask),
            "countries": self.countries.counts(base & theme_mask & meeting_mask),
            "meetings": self._meeting_counts(base & theme_mask & country_mask),
        }

    def _mask(self, wanted: tuple[str, ...] | None, links: TagLinks) -> Mask:
        if wanted is None:
            return np.ones(self.size, dtype=bool)
        return links.having(wanted, self.size)

    def _meeting_mask(self, meetings: tuple[int, ...] | None) -> Mask:
        if meetings is None:
            return np.ones(self.size, dtype=bool)
        by_document = np.isin(self.meeting_of_document, np.asarray(meetings, dtype=np.int64))
        by_document[self.meeting_of_document == 0] = False
        return by_document[self.document_of]

    def _date_mask(self, filters: Filters) -> Mask:
        if filters.date_from is None and filters.date_to is None:
            return np.ones(self.size, dtype=bool)
        days = self.day_of_document
        ok = days != 0
        if filters.date_from is not None:
            ok &= days >= filters.date_from.toordinal()
        if filters.date_to is not None:
            ok &= days <= filters.date_to.toordinal()
        return ok[self.document_of]

    def _theme_counts(self, selected: Mask) -> dict[Any, int]:
        """Direct counts for sub-themes; distinct passages under each top-level theme."""
        direct = self.themes.counts(selected)
        counts = {k: n for k, n in direct.items() if self.parents.get(k)}
        counts.update(self.theme_tops.counts(selected))
        return counts

    def _meeting_counts(self, selected: Mask) -> dict[Any, int]:
        meetings = self.meeting_of_document[self.document_of[selected]]
        counts = np.bincount(meetings)
        return {int(m): int(n) for m, n in enumerate(counts) if n and m}


@dataclass(frozen=True)
class DateOrder:
    """Every passage's place in the date order: newest first, undated last, then by
    document and position (``briefer.store.queries.hits_statement`` with ``sort="date"``).

    A date-sorted page is then the selected passages with the smallest places: one
    partial sort of their places, where SQL sorts every selected passage by a date it
    joins documents and meetings to find (0.3–0.5 s for 200,000 hits at a million).
    """

    rank_of: NDArray[np.int32]  # by passage id

    @classmethod
    def of(cls, index: FacetIndex) -> DateOrder:
        passage_ids = np.flatnonzero(index.present)
        positions = index.position_of[passage_ids]
        documents = index.document_of[passage_ids]
        days = index.day_of_document[documents]
        order = np.lexsort((positions, documents, -days, days == 0))
        rank_of = np.full(index.size, np.iinfo(np.int32).max, dtype=np.int32)
        rank_of[passage_ids[order]] = np.arange(len(order), dtype=np.int32)
        return cls(rank_of)


Loader = Callable[[int], FacetIndex]


class FacetCache:
    """One ``FacetIndex`` per library and process, rebuilt when the library's stamp moves.

    Searches run on several threads (the window's pool); one lock makes a second thread
    wait for a load in progress instead of loading the same arrays twice.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: FacetIndex | None = None

    def get(self, stamp: int, load: Loader) -> FacetIndex:
        with self._lock:
            if self._index is None or self._index.stamp != stamp:
                self._index = None  # free the old arrays before building new ones
                index = load(stamp)
                index.date_order()  # here, in the loading thread, not in a date sort
                self._index = index
            return self._index

    def current(self, stamp: int) -> FacetIndex | None:
        """The copy if it is loaded and as of ``stamp``; never loads nor waits for a load."""
        index = self._index
        return index if index is not None and index.stamp == stamp else None
