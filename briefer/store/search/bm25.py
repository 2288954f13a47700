"""bm25 exactly as SQLite's FTS5 computes it, for every match of a query at once.

FTS5's ``bm25()`` is called once per matching row through its auxiliary-function API,
which decodes the row's position lists and looks its size up in the docsize table:
about a microsecond per row, 0.2 s of CPU for a word in 200,000 passages of a
million. The same score from arrays costs a tenth of that: the row ids of each
phrase's instances (read once per query from the index, ``fts5vocab``), each row's
size in tokens (read once per library stamp, ``fts5_records``) and the index's totals.

The arithmetic follows ``fts5Bm25Function`` (``ext/fts5/fts5_aux.c``) operation for
operation in IEEE doubles, so a score here is bit for bit the score SQLite gives (the
tests compare them): pages ranked either way are the same pages in the same order.
Column weights are (1, 0) as the search uses them: body instances count 1, tag
instances nothing, and every column counts towards a row's size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

K1 = 1.2  # FTS5's constants
B = 0.75
SMALLEST_IDF = 1e-6  # FTS5's floor for words in more than half the rows


@dataclass(frozen=True)
class Bm25Input:
    """What bm25 needs from the index for one query.

    ``phrases``: per phrase that can occur in a matching row, in the order of the
    query's expression (scores are summed in that order), the row id of each of its
    instances in the body (a row appears once per instance).
    """

    row_count: int  # rows in the index
    token_count: int  # tokens in every column of every row
    phrases: tuple[NDArray[np.int64], ...]
    # the rows the query matches (sorted), when its phrases alone decide it (no NOT)
    matched: NDArray[np.int64] | None = None


def bm25_ranks(
    inputs: Bm25Input, ids: NDArray[np.int64], row_tokens: NDArray[np.int64]
) -> NDArray[np.float64]:
    """FTS5's ``bm25(table, 1.0, 0.0)`` of rows ``ids`` (lower is better).

    ``row_tokens``: each row's size in tokens over all columns, by row id.
    """
    avgdl = inputs.token_count / inputs.row_count
    size = row_tokens[ids].astype(np.float64)
    norm = K1 * (1 - B + B * size / avgdl)
    score = np.zeros(len(ids), dtype=np.float64)
    denominator = np.empty(len(ids), dtype=np.float64)
    for instances in inputs.phrases:
        rows, counts = instances_per_row(instances)
        hits = len(rows)
        idf = math.log((inputs.row_count - hits + 0.5) / (hits + 0.5))
        if idf <= 0.0:
            idf = SMALLEST_IDF
        # score += idf * ((f * (K1 + 1)) / (f + norm)), the same operations in the same
        # order, in place: a temporary per operation is fresh memory to fault in each
        # time (a fifth of the query's time for a word in 200,000 passages)
        f = counts_at(rows, counts, ids).astype(np.float64)
        np.add(f, norm, out=denominator)
        np.multiply(f, K1 + 1.0, out=f)
        np.divide(f, denominator, out=f)
        np.multiply(f, idf, out=f)
        score += f
    np.negative(score, out=score)
    return score


def instances_per_row(
    instances: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The distinct rows among ``instances`` (sorted) and how many instances each has.

    Sized by the instances, not by the library: a count per row of a million-row
    library (``np.bincount``) is 8 MB of fresh memory per word, and first touching that
    memory cost 20-85 ms of page faults on the first query after opening.
    """
    if len(instances) > 1 and not bool(np.all(instances[1:] >= instances[:-1])):
        instances = np.sort(instances)  # a prefix's words, each in row order
    if len(instances) == 0:
        return instances, instances
    starts = np.flatnonzero(np.concatenate(([True], instances[1:] != instances[:-1])))
    counts = np.diff(np.append(starts, len(instances)))
    return instances[starts], counts


def counts_at(
    rows: NDArray[np.int64], counts: NDArray[np.int64], ids: NDArray[np.int64]
) -> NDArray[np.int64]:
    """``counts`` of each of ``ids`` in the sorted ``rows``; 0 where a row is absent."""
    if len(rows) == 0:
        return np.zeros(len(ids), dtype=np.int64)
    places = np.minimum(np.searchsorted(rows, ids), len(rows) - 1)
    return np.where(rows[places] == ids, counts[places], 0)
