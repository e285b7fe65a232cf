"""The next step on a record, in a few words for its owners ("Next: submit for sign-off")."""

from __future__ import annotations

from datetime import date

from core.formatting import long_date
from pledges.models import Record, RecordState
from pledges.review.rules import review_timing


def next_step(record: Record, today: date) -> str:
    """What the owners (or their manager) do next with the record, for My records."""
    state = record.state
    if state is RecordState.DRAFT:
        if record.pledge_count == 0:
            return "Next: assess your practice and make at least one pledge"
        return "Next: submit for sign-off"
    if state is RecordState.SUBMITTED:
        return "Next: your line manager signs it off in supervision"
    if state is RecordState.RETURNED:
        return "Next: change the returned entries and submit again"
    if state in (RecordState.SIGNED_OFF, RecordState.REVIEW_OPEN):
        if record.review_due_on is None:
            return "Next: add evidence for the six-month review"
        due = f"Next: add evidence for the review due {long_date(record.review_due_on)}"
        return f"{due} (overdue)" if review_timing(record, today) == "overdue" else due
    if state is RecordState.REVIEW_SUBMITTED:
        return "Next: your line manager signs the review off in supervision"
    if state is RecordState.REVIEW_RETURNED:
        return "Next: change the returned entries and submit the review again"
    return "Next: start the next cycle"
