"""`briefer eval`: figures per label type, targets and exit codes, on gold the test writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefer.cli.main import main
from briefer.services.evaluation import GoldFileError, load_gold, run_evaluation

GOLD_DIR = Path(__file__).resolve().parents[1] / "gold"

STATEMENT = """Joint Statement of the Interior Ministers

Skopje, North Macedonia
1-3 December 2019

The ministers agreed to fight migrant smuggling together with Serbia and Albania.

Slovenia offered support for the registration of migrants.
"""


def _gold(tmp_path: Path, *, countries: list[str], meeting: dict | None, **extra) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "statement.txt").write_text(STATEMENT, encoding="utf-8")
    gold = {
        "base": "docs",
        "documents": [
            {
                "file": "statement.txt",
                "countries": countries,
                "meeting": meeting,
                "passages": [
                    {
                        # Prefixes match whatever the quotes, dashes, case and spacing.
                        "prefix": "the  ministers agreed to fight",
                        "countries": ["RS", "AL"],
                        "themes": ["migrant-smuggling"],
                    }
                ],
            }
        ],
        **extra,
    }
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    return path


SKOPJE = {
    "start_date": "2019-12-01",
    "end_date": "2019-12-03",
    "city": "Skopje",
    "country": "MK",
    "series": None,
}


def test_right_labels_score_one_and_wrong_ones_show_up_as_misses(tmp_path: Path) -> None:
    report = run_evaluation(_gold(tmp_path, countries=["MK", "RS", "AL", "SI"], meeting=SKOPJE))
    countries = report.scores["countries/document"]
    assert (countries.tp, countries.fp, countries.fn) == (4, 0, 0)
    assert report.scores["countries/passage"].f1 == 1.0
    assert report.meetings_exact == report.meetings_total == 1

    wrong = dict(SKOPJE, city="Ohrid", end_date="2019-12-02")
    report = run_evaluation(_gold(tmp_path, countries=["MK", "RS", "FR"], meeting=wrong))
    countries = report.scores["countries/document"]
    assert (countries.tp, countries.fp, countries.fn) == (2, 2, 1)  # AL, SI extra; FR missed
    assert report.meetings_exact == 0
    labels = {(m.label, tuple(m.missed), tuple(m.extra)) for m in report.misses}
    assert ("meeting/city", ("Ohrid",), ("Skopje",)) in labels
    assert ("countries/document", ("FR",), ("AL", "SI")) in labels
    assert "countries/document precision" in report.unmet()


def test_a_meeting_the_text_does_not_state_must_stay_unknown(tmp_path: Path) -> None:
    report = run_evaluation(_gold(tmp_path, countries=[], meeting=None))
    # Dates, city and country were found, but the gold says the text does not state them.
    assert report.scores["meeting/city"].fp == 1 and report.scores["meeting/city"].tp == 0
    assert report.meetings_exact == 0


def test_eval_json_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _gold(tmp_path, countries=["MK", "RS", "AL", "SI"], meeting=SKOPJE)
    code = main(["eval", str(good), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert set(out["scores"]) >= {
        "countries/document",
        "countries/passage",
        "themes/passage",
        "meeting/start_date",
        "meeting/city",
    }
    assert out["scores"]["countries/document"]["f1"] == 1.0
    assert out["meetings"] == {"exact": 1, "documents": 1}
    themes_met = out["targets"]["themes/passage f1"]["met"]
    assert code == (0 if themes_met else 3)

    bad = _gold(tmp_path, countries=["FR"], meeting=None)
    assert main(["eval", str(bad)]) == 3  # ran, but targets missed
    out = capsys.readouterr().out
    assert "countries/document" in out and "MISSED" in out and "missed FR" in out


def test_targets_can_be_set_in_the_gold_file(tmp_path: Path, capsys) -> None:
    gold = _gold(
        tmp_path,
        countries=["FR"],
        meeting=None,
        targets={
            "countries/document precision": 0.0,
            "countries/document recall": 0.0,
            "themes/passage f1": 0.0,
            "meeting exact": 0.0,
        },
    )
    assert main(["eval", str(gold)]) == 0
    assert "MISSED" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"documents": [', "not valid JSON (line 1"),
        ('{"docs": []}', "expected an object with a 'documents' list"),
        ('{"documents": [{"file": "absent.txt"}]}', "absent.txt not found"),
        ('{"documents": [{"countries": []}]}', "needs a 'file'"),
    ],
)
def test_a_bad_gold_file_is_named_with_its_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "gold.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldFileError, match=r"gold\.json"):
        load_gold(path)
    assert main(["eval", str(path)]) == 1
    err = capsys.readouterr().err
    assert message in err and str(path) in err


def test_missing_gold_file_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["eval", str(tmp_path / "nope.json")]) == 2


def test_seed_gold_meets_the_targets(seeds_dir: Path) -> None:
    report = run_evaluation(GOLD_DIR / "seeds.json", base=seeds_dir)
    assert len(report.scores) >= 3 and report.meetings_total == 5
    assert report.unmet() == [], [m for m in report.misses]


def test_sample_gold_meets_the_targets() -> None:
    report = run_evaluation(GOLD_DIR / "sample.json")
    assert report.meetings_total == 12
    assert report.unmet() == [], [m for m in report.misses]
