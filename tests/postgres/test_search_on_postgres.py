"""The search tests of `tests/search/test_search_service.py`, run unchanged on a PostgreSQL library.

The `library` fixture of `tests/postgres/conftest.py` replaces the SQLite one.
"""

from tests.search.conftest import builder  # noqa: F401
from tests.search.test_search_service import *  # noqa: F403
