"""`briefer countries` and `briefer groups` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from briefer.cli.main import main
from briefer.store.library import open_library
from briefer.store.models import Passage, PassageCountry

TEXT = (
    "Ministers of Serbia and Montenegro met\n\n"
    "The Serbian minister thanked Albania.\n\n"
    "Serbia will host the next meeting.\n"
)


def run(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def output_json(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    assert run(db, *args, "--json") == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def imported(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    source = tmp_path / "statement.txt"
    source.write_text(TEXT, encoding="utf-8")
    assert run(db_path, "import", str(source)) == 0
    capsys.readouterr()
    return db_path


def passages_naming(db: Path, code: str) -> list[int]:
    library = open_library(str(db))
    try:
        with library.session() as session:
            return list(
                session.scalars(
                    select(PassageCountry.passage_id)
                    .join(Passage, Passage.id == PassageCountry.passage_id)
                    .where(PassageCountry.country_code == code)
                    .order_by(Passage.position)
                )
            )
    finally:
        library.close()


def test_countries_json_lists_every_country_with_groups(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = {r["code"]: r for r in output_json(db_path, capsys, "countries")}
    assert len(rows) > 200
    assert rows["XK"] == {
        "code": "XK",
        "name": "Kosovo",
        "long_name": "Republic of Kosovo",
        "groups": ["berlin_process", "salzburg_forum_friends", "wb6"],
        "passages": 0,
        "documents": 0,
    }
    assert "GR" in rows and "EL" not in rows


def test_groups_depend_on_the_date(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    in_2018 = {
        r["code"]: r for r in output_json(db_path, capsys, "countries", "--on", "2018-06-01")
    }
    in_2021 = {
        r["code"]: r for r in output_json(db_path, capsys, "countries", "--on", "2021-06-01")
    }
    assert "eu" in in_2018["GB"]["groups"]
    assert "eu" not in in_2021["GB"]["groups"]
    groups = {g["id"]: g for g in output_json(db_path, capsys, "groups", "--on", "2018-06-01")}
    assert groups["eu"]["members"][0] == "BE" and groups["eu"]["members"][-1] == "GB"
    assert groups["wb6"]["members"] == ["AL", "BA", "XK", "ME", "MK", "RS"]


def test_passage_counts_exclude_manual_removals(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    used = {r["code"]: r for r in output_json(imported, capsys, "countries", "--used")}
    assert set(used) == {"RS", "ME", "AL"}
    assert used["RS"]["passages"] == 3 and used["RS"]["documents"] == 1
    assert used["ME"]["passages"] == 1

    first = passages_naming(imported, "RS")[0]
    assert run(imported, "tag", str(first), "--country", "RS", "--remove") == 0
    capsys.readouterr()
    used = {r["code"]: r for r in output_json(imported, capsys, "countries", "--used")}
    assert used["RS"]["passages"] == 2
    groups = {g["id"]: g for g in output_json(imported, capsys, "groups")}
    assert groups["wb6"]["passages"] == 3  # ME still names the first passage


def test_plain_table(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(imported, "countries", "--used") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["code", "passages", "documents", "name", "groups"]
    assert any(line.startswith("RS ") and "Serbia" in line for line in lines)


def test_bad_date_is_a_usage_error(db_path: Path) -> None:
    assert run(db_path, "groups", "--on", "June 2018") == 2
