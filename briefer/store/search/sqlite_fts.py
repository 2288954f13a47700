"""SQLite FTS5 backend (placeholder: the search issue fills this in)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text


class SqliteFtsBackend:
    name = "sqlite-fts5"

    def install(self, connection: Connection) -> None:
        connection.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS passage_fts USING fts5("
                "body, tokenize='unicode61 remove_diacritics 2')"
            )
        )

    def index(self, connection: Connection, rows: Iterable[tuple[int, str]]) -> None:
        connection.execute(
            text("INSERT INTO passage_fts(rowid, body) VALUES (:id, :body)"),
            [{"id": pid, "body": body} for pid, body in rows],
        )

    def unindex(self, connection: Connection, passage_ids: Iterable[int]) -> None:
        connection.execute(
            text("DELETE FROM passage_fts WHERE rowid = :id"), [{"id": i} for i in passage_ids]
        )

    def rebuild(self, connection: Connection) -> None:
        connection.execute(text("DELETE FROM passage_fts"))
        connection.execute(
            text("INSERT INTO passage_fts(rowid, body) SELECT id, text FROM passage")
        )
