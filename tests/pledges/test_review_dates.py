"""Review due dates: calendar months after sign-off, safe at the end of a month."""

from __future__ import annotations

from datetime import date

import pytest

from pledges.review.dates import review_due_on


@pytest.mark.parametrize(
    ("signed_off", "months", "due"),
    [
        (date(2026, 11, 24), 6, date(2027, 5, 24)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 12, 31), 6, date(2027, 6, 30)),
        (date(2026, 1, 15), 12, date(2027, 1, 15)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
    ],
)
def test_review_due_dates(signed_off, months, due):
    assert review_due_on(signed_off, months) == due


def test_review_timing_in_words(people, make_record):
    from pledges.models import RecordState
    from pledges.review.rules import review_timing

    record = make_record(people["practitioner"])
    assert review_timing(record, date(2026, 1, 1)) is None
    record.review_due_on = date(2026, 11, 20)
    record.state = RecordState.SIGNED_OFF
    assert review_timing(record, date(2026, 11, 19)) == "not yet due"
    assert review_timing(record, date(2026, 11, 20)) == "due"
    assert review_timing(record, date(2026, 12, 17)) == "due"
    assert review_timing(record, date(2026, 12, 18)) == "overdue"
    record.state = RecordState.REVIEW_SUBMITTED
    assert review_timing(record, date(2026, 12, 18)) == "submitted"
    record.state = RecordState.COMPLETE
    assert review_timing(record, date(2026, 12, 18)) is None
