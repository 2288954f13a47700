"""Table columns keep the document's proportions but never break an ordinary word."""

from __future__ import annotations

import pytest

from briefer.writers.columns import fit_widths, widest_word


def test_narrow_column_grows_to_its_widest_word_others_share_the_rest():
    widths = fit_widths([3, 3, 1.6, 1.6], [40, 40, 100, 10], 400)  # column 3 would get 70
    assert sum(widths) == pytest.approx(400)
    assert widths[2] == pytest.approx(100)
    assert widths[0] == pytest.approx(widths[1]) and widths[0] > widths[3]


def test_impossible_minimums_are_scaled_to_fit():
    widths = fit_widths([1, 1], [300, 300], 400)
    assert sum(widths) == pytest.approx(400)


def test_long_urls_do_not_claim_a_column_minimum():
    assert widest_word(["https://example.org/" + "x" * 200], len) == 12
    assert widest_word(["November 2016", "Herzegovina"], len) == 11
