"""FTS5's size records read as SQLite writes them (varints), and the query's ranked terms."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from briefer.store.search.fts5_records import read_varints, row_sizes, varint_array
from briefer.store.search.query import parse_query, to_fts5


def varint(value: int) -> bytes:
    """SQLite's varint encoding (values below 2^56), written independently of the reader."""
    groups = [value & 0x7F]
    value >>= 7
    while value:
        groups.append((value & 0x7F) | 0x80)
        value >>= 7
    return bytes(reversed(groups))


VALUES = [0, 1, 127, 128, 300, 16383, 16384, 2_097_151, 2_097_152, 10**9, 2**55]


def test_varints_read_back() -> None:
    data = b"".join(varint(v) for v in VALUES)
    assert read_varints(data) == VALUES
    assert varint_array(data).tolist() == VALUES


@pytest.mark.parametrize("bad", [b"\x81", b"\x05\x80", b"\xff" * 9 + b"\x01"])
def test_bad_varints_are_refused(bad: bytes) -> None:
    with pytest.raises(ValueError):
        varint_array(bad)


def test_row_sizes_need_one_size_per_column() -> None:
    ids = np.array([1, 2], dtype=np.int64)
    assert row_sizes(ids, varint(3) + varint(200) + varint(1) + varint(0), 2).tolist() == [203, 1]
    with pytest.raises(ValueError, match="3 sizes for 2 rows"):
        row_sizes(ids, varint(3) + varint(200) + varint(1), 2)


def test_sizes_match_what_fts5_writes() -> None:
    """The reader against FTS5's own docsize and averages records."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(a, b)")
    texts = [("one two three", "x"), ("word " * 200, ""), ("", "y z"), ("w " * 20000, "q")]
    db.executemany("INSERT INTO t(a, b) VALUES (?, ?)", texts)
    db.commit()  # FTS5 writes its records when the transaction ends
    ids, records = db.execute(
        "SELECT group_concat(id), group_concat(hex(sz), '') FROM t_docsize"
    ).fetchone()
    sizes = row_sizes(np.array(ids.split(","), dtype=np.int64), bytes.fromhex(records), 2)
    assert sizes.tolist() == [4, 200, 2, 20001]
    totals = read_varints(db.execute("SELECT block FROM t_data WHERE id = 1").fetchone()[0])
    assert totals == [4, 20203, 4]


def test_ranked_terms_follow_the_expression_and_skip_negated_ones() -> None:
    def words(query: str) -> list[str]:
        compiled = to_fts5(parse_query(query))
        assert compiled is not None
        return [" ".join(term.words) for term in compiled.terms]

    assert words("europol eurojust") == ["europol", "eurojust"]
    assert words("border -visa police") == ["border", "police"]
    assert words("(a OR b) NOT c") == ["a", "b"]
    assert words("djordje") == ["djordje", "dorde"]
    assert words('"border police" visa') == ["border police", "visa"]
