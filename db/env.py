"""Alembic environment: run from code by ``briefer.store.library`` with the library's engine.

Migrations are shipped with the package and run in-process, never from a command line
the user has to know about. ``render_as_batch`` lets ALTERs work on SQLite.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from briefer.store.schema import is_managed_table, metadata

config = context.config
engine: Engine | None = config.attributes.get("engine")


def run_migrations_online() -> None:
    if engine is None:
        raise RuntimeError("Briefer runs its migrations from code with an engine attached")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=lambda name, type_, _parent: type_ != "table" or is_managed_table(name),
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
