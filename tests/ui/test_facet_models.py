"""The meetings facet model: grouping, sums and check state."""

from __future__ import annotations


def test_facet_model_checks_and_sums(qtbot) -> None:
    import datetime as dt

    from PySide6.QtTest import QAbstractItemModelTester

    from briefer.services.workspace import MeetingFacet
    from briefer.ui.facets import meetings_model

    day = dt.date(2019, 12, 1)
    meetings = [
        MeetingFacet(1, "Forum", "EU-WB JHA Forum", 2019, day, day, "Skopje", 30),
        MeetingFacet(2, "Forum", "EU-WB JHA Forum", 2019, day, day, "Tirana", 12),
        MeetingFacet(3, "Salzburg", "Salzburg Forum", 2016, None, None, None, 5),
    ]
    model = meetings_model(meetings)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    series = model.index(0, 0)
    assert series.data() == "EU-WB JHA Forum"
    assert model.index(0, 1).data() == "42"  # the series sums its meetings
    year = model.index(0, 0, series)
    assert model.rowCount(year) == 2
    changed: list[int] = []
    model.checkedChanged.connect(lambda: changed.append(1))
    assert model.check("2")
    assert model.checked_keys() == ["2"] and changed == [1]
    model.set_counts({"1": 3, "2": 0, "3": 1})
    assert model.index(0, 1).data() == "3"
    assert model.count_of("2") == "0"
    model.set_checked([], notify=False)
    assert model.checked_keys() == []
