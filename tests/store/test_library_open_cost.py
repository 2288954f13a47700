"""Opening a library: no Alembic for a library already at the head; clear errors for bad URLs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from briefer.domain.errors import LibraryError
from briefer.paths import migrations_dir
from briefer.store.library import head_revision, open_library


def test_head_revision_read_from_the_files_is_alembics_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_opening_a_current_library_does_not_import_alembic(db_path: Path) -> None:
    open_library(str(db_path)).close()  # created (and stamped) here, with Alembic
    probe = (
        "import sys\n"
        "from briefer.store.library import open_library\n"
        f"open_library({str(db_path)!r}).close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("url", ["foo://bar", "mysql://u@h/db"])
def test_unsupported_url_is_a_library_error(url: str) -> None:
    with pytest.raises(LibraryError) as raised:
        open_library(url)
    assert str(raised.value) == (
        f"{url}: unsupported library URL (use a SQLite file path or postgresql+psycopg://…)"
    )
