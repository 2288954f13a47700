"""The done-when check of issue #2: the seeds, imported, answer a real question."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefer.cli.main import main


def test_foreign_terrorist_fighters_over_the_seeds(
    capsys: pytest.CaptureFixture[str], db_path: Path, seeds_dir: Path
) -> None:
    assert main(["--db", str(db_path), "import", str(seeds_dir), "--json"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "search", "foreign terrorist fighters", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len({hit["document"]["id"] for hit in hits}) >= 3
    for hit in hits:
        assert hit["paragraph"]
        assert "[[" in hit["snippet"]
        for word in ("foreign", "terrorist", "fighters"):
            assert word in hit["text"].lower()
