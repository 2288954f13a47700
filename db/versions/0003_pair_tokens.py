"""pair tokens: each passage's top-level themes with its countries and groups

Revision ID: 0003
Revises: 0002

On SQLite the full-text index's tag column gains a token per (top-level theme, country or
group) of the passage, so a filter on a theme and a place is one term of the MATCH
(``briefer.store.search.sqlite_fts``). The tag and tree triggers are recreated (their SQL
computes the new tokens) and every passage's tokens are recomputed: a full pass over the
index, about a minute per million passages. PostgreSQL is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    from briefer.store.search.sqlite_fts import (
        FTS_TAG_TRIGGERS,
        FTS_TREE_TRIGGERS,
        SqliteFtsBackend,
    )

    for name in FTS_TAG_TRIGGERS + FTS_TREE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    backend = SqliteFtsBackend()
    backend.install(bind)
    highest = bind.exec_driver_sql("SELECT max(id) FROM passage").scalar()
    if highest is not None:
        backend.refresh_tags(bind, 0, highest)


def downgrade() -> None:
    raise NotImplementedError(
        "Briefer only upgrades libraries; restore the backup made before the upgrade"
    )
