"""The ingest tests of `tests/ingest/test_importing.py`, run unchanged on a PostgreSQL library.

The `library` fixture of `tests/postgres/conftest.py` replaces the SQLite one.
"""

from tests.ingest.test_importing import *  # noqa: F403

# Kills a writer and reads the file with sqlite3: SQLite-specific.
del test_killed_import_leaves_only_whole_documents  # noqa: F821
