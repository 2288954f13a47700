"""facet stamp: a change counter for the per-process facet index

Revision ID: 0002
Revises: 0001

The tag tables' by-key indexes gain ``excluded`` before the passage id, so a key's active
passages are read from the index alone. The search backend's structures are installed
again: on SQLite the ``passage_search_stamp`` table and the triggers that bump it; the tag
triggers are recreated (bulk re-tagging pauses them without a schema change) and every
passage's tag tokens are recomputed, now with its themes' parents and its countries'
groups (a full pass over the index: about a minute per million passages).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_BY_KEY = {
    "passage_theme": ("ix_passage_theme_theme", "theme_id"),
    "passage_country": ("ix_passage_country_country", "country_code"),
}


def upgrade() -> None:
    from briefer.store.search import backend_for

    for table_name, (index, key) in _BY_KEY.items():
        op.drop_index(index, table_name=table_name)
        op.create_index(index, table_name, [key, "excluded", "passage_id"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from briefer.store.search.sqlite_fts import FTS_TAG_TRIGGERS

        for name in FTS_TAG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    backend = backend_for(bind)
    backend.install(bind)
    if bind.dialect.name == "sqlite":
        highest = bind.exec_driver_sql("SELECT max(id) FROM passage").scalar()
        if highest is not None:
            backend.refresh_tags(bind, 0, highest)


def downgrade() -> None:
    raise NotImplementedError(
        "Briefer only upgrades libraries; restore the backup made before the upgrade"
    )
