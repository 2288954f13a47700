"""End to end on the bundled sample library: build, export both formats, verify."""

from __future__ import annotations

import json

import pytest

from briefer.cli.main import main
from briefer.paths import sample_dir


@pytest.mark.slow
def test_sample_briefing_exports_verify_in_both_formats_and_modes(db_path, tmp_path, capsys):  # type: ignore[no-untyped-def]
    if not sample_dir().is_dir():
        pytest.skip("no sample library in this installation")
    db = ["--db", str(db_path)]
    assert main([*db, "sample"]) == 0
    capsys.readouterr()
    for mode in ("inline", "footnotes"):
        for fmt in ("docx", "pdf"):
            target = tmp_path / f"brief-{mode}.{fmt}"
            code = main(
                [*db, "build", "--title", "Western Balkans", "--country", "group:wb6",
                 "--citations", mode, "--classification", "official", "-o", str(target), "--json"]
            )  # fmt: skip
            assert code == 0, capsys.readouterr().err
            built = json.loads(capsys.readouterr().out)
            assert built["quotes"] > 10
            assert main([*db, "verify", str(target), "--json"]) == 0
            checked = json.loads(capsys.readouterr().out)
            assert checked["ok"] and checked["quotes"] == built["quotes"]
