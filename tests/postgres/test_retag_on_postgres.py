"""The tagging tests of `tests/tagging/test_retag.py`, run unchanged on a PostgreSQL library.

The `library` fixture of `tests/postgres/conftest.py` replaces the SQLite one.
"""

from tests.tagging.test_retag import *  # noqa: F403
