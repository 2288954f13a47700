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


def test_count_column_fits_the_widest_count(qtbot) -> None:
    """Counts are never clipped: the column grows and shrinks with the largest count."""
    from briefer.services.workspace import WESTERN_BALKANS, CountryFacet
    from briefer.ui.facets import FacetsPane

    pane = FacetsPane()
    qtbot.addWidget(pane)
    pane.load([], [], [CountryFacet("RS", "Serbia", WESTERN_BALKANS, 5)])
    view = pane.countries_view
    metrics = view.fontMetrics()

    def shown_width() -> int:
        return view.header().sectionSize(1)

    pane.set_counts({"countries": [_count("RS", 1_234_567)]})
    assert shown_width() >= metrics.horizontalAdvance("1,234,567")
    wide = shown_width()
    pane.set_counts({"countries": [_count("RS", 7)]})
    assert metrics.horizontalAdvance("7") <= shown_width() < wide


def _count(key: str, count: int):
    from briefer.domain.search import FacetCount

    return FacetCount(key=key, label=key, count=count)
