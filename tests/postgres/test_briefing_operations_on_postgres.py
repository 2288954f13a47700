"""The briefing tests of `tests/briefing/test_operations.py`, run unchanged on a PostgreSQL library.

The `library` fixture of `tests/postgres/conftest.py` replaces the SQLite one.
"""

from tests.briefing.conftest import builder, corpus  # noqa: F401
from tests.briefing.test_operations import *  # noqa: F403

# A volume test (5,000 items, ~15 s on PostgreSQL); the bulk paths are the same SQL.
del test_five_thousand_items_remove_and_restore  # noqa: F821
