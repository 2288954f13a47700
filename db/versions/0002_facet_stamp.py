"""facet stamp: a change counter for the per-process facet index

Revision ID: 0002
Revises: 0001

Installs the search backend's current structures again: on SQLite this adds the
``passage_search_stamp`` table and the triggers that bump it (``CREATE ... IF NOT
EXISTS``: what exists is kept). Nothing is rewritten, so the upgrade is quick at any size.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from briefer.store.search import backend_for

    backend_for(op.get_bind()).install(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    from briefer.store.search.sqlite_fts import STAMP_TABLE

    triggers = bind.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
        (f"{STAMP_TABLE}_%",),
    ).scalars()
    for name in list(triggers):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {STAMP_TABLE}")
