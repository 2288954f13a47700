"""Shared fixtures: a fresh library per test, the seed corpus when it is present."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefer.store.library import Library, open_library

# GUI tests never need a display. The offscreen platform's own virtual screen is 800x800,
# smaller than the window's minimum width: Qt then clamps the window at a moment that
# depends on event timing, and sizes measured in a test change under it. A full-HD
# virtual screen (tests/support/offscreen.json) keeps windows at the size they ask for.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    _screen = Path(__file__).resolve().parent / "support" / "offscreen.json"
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test touches the real user library or settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("BRIEFER_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "library.sqlite"


@pytest.fixture
def library(db_path: Path) -> Iterator[Library]:
    lib = open_library(str(db_path))
    yield lib
    lib.close()


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS_DIR} (shared/ is not beside the checkout)")
    return SEEDS_DIR


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """A PostgreSQL server on loopback for the whole run; skips where it cannot start."""
    from tests.support.pg_server import PostgresUnavailable, start_server

    try:
        server = start_server()
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    yield server
    server.stop()
