"""pair tokens on PostgreSQL: the search table's tag words as on SQLite

Revision ID: 0004
Revises: 0003

On PostgreSQL the ``tags`` vector of ``passage_search`` gains the words SQLite's index
has carried since 0003 (``briefer.store.search.tag_tokens``): parent themes, country
groups and top-level-theme × place pairs, so a theme-and-place filter is one GIN lookup.
Each passage also gets a part word (``zh0``/``zh1``): a big library is ranked in two
parts at once, each selected by the index itself. The two GIN indexes (body, tags)
become one over both columns, so the text and the filters are one index scan. The SQL
function and triggers that compute the words are replaced, triggers on the theme tree
and the group memberships added, every passage's words recomputed and the index built
after them (in this one transaction). SQLite is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
DIALECTS = ("postgresql",)  # a SQLite library is only stamped, without a backup copy


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from briefer.store.search.postgres_fts import PostgresFtsBackend

    PostgresFtsBackend().recompute_tags(bind)


def downgrade() -> None:
    raise NotImplementedError(
        "Briefer only upgrades libraries; restore the backup made before the upgrade"
    )
