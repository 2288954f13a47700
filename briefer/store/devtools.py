"""Developer commands for migrations: ``python -m briefer.store.devtools revision MESSAGE``."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from briefer.store.engine import make_engine
from briefer.store.library import alembic_config


def make_revision(message: str) -> None:
    """Autogenerate a migration against a scratch database upgraded to the current head."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.sqlite'}")
        config = alembic_config(engine)
        command.upgrade(config, "head")
        command.revision(config, message=message, autogenerate=True)
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "revision":
        sys.exit("usage: python -m briefer.store.devtools revision MESSAGE")
    make_revision(sys.argv[2])
