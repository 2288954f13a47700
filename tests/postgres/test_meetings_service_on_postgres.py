"""The tagging tests of `tests/tagging/test_meetings_service.py`, run unchanged on a PostgreSQL library.

The `library` fixture of `tests/postgres/conftest.py` replaces the SQLite one.
"""

from tests.tagging.test_meetings_service import *  # noqa: F403
