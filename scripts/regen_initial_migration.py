"""Regenerate db/versions/0001_initial_schema.py from the models.

Only while Briefer is unreleased: no library made with an earlier 0001 exists outside
development. Once a release ships, add new revisions instead
(``python -m briefer.store.devtools revision MESSAGE``).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command

from briefer.paths import migrations_dir
from briefer.store.engine import make_engine
from briefer.store.library import alembic_config

FTS_INSTALL = """    # The full-text index is dialect-specific and lives outside the ORM metadata.
    from briefer.store.search import backend_for

    backend_for(op.get_bind()).install(op.get_bind())
"""


def main() -> None:
    versions = migrations_dir() / "versions"
    for old in versions.glob("*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.sqlite'}")
        config = alembic_config(engine)
        command.revision(config, message="initial schema", autogenerate=True, rev_id="0001")
        engine.dispose()
    path = next(versions.glob("0001_*.py"))
    source = path.read_text()
    source = re.sub(r"Create Date: .*\n", "", source).replace("Revises: \n", "Revises:\n")
    marker = "    # ### end Alembic commands ###\n"
    head, tail = source.split(marker, 1)
    source = head + marker + FTS_INSTALL + tail
    path.write_text(source)
    ruff = Path(sys.executable).with_name("ruff")
    subprocess.run([str(ruff), "check", "--fix", "--quiet", str(path)], check=False)
    subprocess.run([str(ruff), "format", "--quiet", str(path)], check=False)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
