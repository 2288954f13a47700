"""PostgreSQL fixtures: an empty team library per test on the shared test server.

``library`` and ``db_path`` are overridden here, so the test modules of other areas
re-collected in this folder (``from tests.search.test_search_service import *``) run
unchanged on PostgreSQL. One database is migrated once per run and emptied before each
test (``TRUNCATE … RESTART IDENTITY``, a few milliseconds), where creating or cloning a
database costs about a second.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from briefer.store.library import Library, open_library
from briefer.store.schema import metadata

pytestmark = pytest.mark.postgres

DATABASE = "briefer_tests"


@pytest.fixture(scope="session")
def pg_shared_url(pg_server) -> str:  # type: ignore[no-untyped-def]
    """A database holding a library at the current schema (made once per run)."""
    url = pg_server.create_database(DATABASE)
    open_library(url).close()
    return url


@pytest.fixture
def pg_url(pg_server, pg_shared_url: str) -> str:  # type: ignore[no-untyped-def]
    """The URL of an empty, migrated library (every table emptied, ids restarting at 1)."""
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with psycopg.connect(
        host="127.0.0.1", port=pg_server.port, user="briefer", dbname=DATABASE, autocommit=True
    ) as connection:
        connection.execute(f"TRUNCATE {tables}, passage_search RESTART IDENTITY CASCADE")
    return pg_shared_url


@pytest.fixture
def library(pg_url: str) -> Iterator[Library]:
    lib = open_library(pg_url)
    yield lib
    lib.close()


@pytest.fixture
def db_path(pg_url: str) -> str:
    """Tests that open the library by ``str(db_path)`` get the PostgreSQL URL instead."""
    return pg_url
