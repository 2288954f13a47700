"""The same models run on PostgreSQL (the team library builds on this)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from briefer.store.models import Document, Passage
from briefer.store.schema import metadata

pytestmark = pytest.mark.postgres


def test_models_create_and_round_trip_on_postgresql(pg_server) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(pg_server.create_database("schema_check"))
    metadata.create_all(engine)
    with Session(engine) as session, session.begin():
        doc = Document(
            file_name="déclaration.txt",
            format="txt",
            sha256="0" * 64,
            text="Београд — NUHODŽIĆ",
            removed_lines=[{"line": "Skip to content", "rule": "skip-link"}],
            published=dt.date(2021, 12, 3),
        )
        doc.passages.append(
            Passage(
                position=0, paragraph="1", kind="body", text="Београд — NUHODŽIĆ", start=0, end=18
            )
        )
        session.add(doc)
    with Session(engine) as session:
        stored = session.scalars(select(Document)).one()
        assert stored.passages[0].text == "Београд — NUHODŽIĆ"
        assert stored.removed_lines == [{"line": "Skip to content", "rule": "skip-link"}]
    engine.dispose()
