"""A huge document: its meeting is read from its head and signature, at a bounded cost."""

from __future__ import annotations

import datetime as dt

from briefer.tagging import meetings
from briefer.tagging.meetings import extract_meeting
from tests.tagging.meeting_docs import clean_document

HEAD = (
    "Ministerial Conference on Border Security\n\nSkopje, North Macedonia\n"
    "26-27 October 2017\n\nJOINT DECLARATION\n\n"
    "The Ministers agreed to strengthen the exchange of information on migrant smuggling.\n\n"
)
FILLER = (
    "Paragraph {i}: the ministers reviewed returns, the exchange of information and the "
    "fight against the smuggling of migrants along the Balkan route.\n\n"
)
SIGNATURE = "Skopje\nOctober 27th, 2017"


def test_a_huge_report_keeps_the_meeting_its_head_and_signature_state() -> None:
    short = clean_document(HEAD + SIGNATURE)
    huge = clean_document(HEAD + "".join(FILLER.format(i=i) for i in range(5000)) + SIGNATURE)
    expected = extract_meeting(short)
    guess = extract_meeting(huge)
    assert expected is not None and guess is not None
    assert (guess.start_date, guess.end_date) == (dt.date(2017, 10, 26), dt.date(2017, 10, 27))
    assert (guess.city, guess.country, guess.title) == (
        expected.city,
        expected.country,
        expected.title,
    )
    # Only the head and the tail are read: the work does not grow with the document.
    units = meetings._units(huge)
    assert len(units) < 3 * (meetings._HEAD_PASSAGES + meetings._TAIL_PASSAGES)
    assert units[-1].text == "October 27th, 2017"
    for evidence in guess.evidence:
        assert huge.text[evidence.start : evidence.end] == evidence.text
