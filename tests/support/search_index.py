"""Test helper: how many passages the library's full-text index holds, on either dialect."""

from __future__ import annotations

from sqlalchemy import Connection, text

INDEX_TABLES = {"sqlite": "passage_fts", "postgresql": "passage_search"}


def indexed_count(connection: Connection) -> int:
    table = INDEX_TABLES[connection.dialect.name]
    return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
