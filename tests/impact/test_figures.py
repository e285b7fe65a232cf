"""Each impact figure on a small data set whose answer is worked out by hand in the comments."""

from __future__ import annotations

from datetime import date

from core.small_numbers import shown_count
from impact.figures import (
    Activity,
    ChangeLine,
    Evidenced,
    JudgementCount,
    RecordFacts,
    Share,
    Shown,
    activity_by,
    changes_by_key_point,
    review_evidence,
    reviews_on_time,
    shown_share,
    signed_off_within_a_month,
    total_activity,
)
from pledges.models import ChangeJudgement

TODAY = date(2026, 11, 26)


def facts(number, **fields):
    fields.setdefault("district", "Chesterfield")
    fields.setdefault("agency", "Police")
    return RecordFacts(record_id=number, **fields)


def test_how_much_counts_signed_off_records_their_pledges_and_reviews_by_district():
    records = [
        facts(1, pledges=3, signed_off_on=date(2026, 1, 5), review_signed_off_on=date(2026, 8, 1)),
        facts(2, pledges=2, signed_off_on=date(2026, 2, 5)),
        facts(3, district="High Peak", pledges=4, signed_off_on=date(2026, 3, 1)),
        facts(4, district="High Peak", pledges=9),  # submitted, never signed off: nowhere
    ]
    # Chesterfield: records 1 and 2, 3 + 2 = 5 pledges, one review. High Peak: record 3 alone.
    lines = activity_by(records, "district")
    assert lines == [Activity("Chesterfield", 2, 5, 1), Activity("High Peak", 1, 4, 0)]
    assert total_activity(lines) == Activity("All", 3, 9, 1)
    assert activity_by(records, "agency") == [Activity("Police", 3, 9, 1)]


def test_signed_off_within_a_month_of_first_submission():
    records = [
        # Submitted 10 March, signed off 10 April: exactly a calendar month, on time.
        facts(1, first_submitted_on=date(2026, 3, 10), first_signed_off_on=date(2026, 4, 10)),
        # Submitted 31 January: a month runs to 28 February; signed off 1 March, late.
        facts(2, first_submitted_on=date(2026, 1, 31), first_signed_off_on=date(2026, 3, 1)),
        # Submitted 1 September, never signed off, its month long gone: late.
        facts(3, first_submitted_on=date(2026, 9, 1)),
        # Submitted 10 November, not signed off yet, still within its month: not counted.
        facts(4, first_submitted_on=date(2026, 11, 10)),
        # Reopened: no sign-off now, but the first came in time.
        facts(5, first_submitted_on=date(2026, 5, 1), first_signed_off_on=date(2026, 5, 20)),
        facts(6),  # never submitted: not counted
    ]
    # On time: 1 and 5; counted: 1, 2, 3 and 5.
    assert signed_off_within_a_month(records, TODAY) == Share(2, 4)
    assert Share(2, 4).percent == 50


def test_reviews_on_time_are_handed_in_before_they_become_overdue():
    records = [
        # Due 1 October, handed in 28 October (27 days on): on time.
        facts(1, review_due_on=date(2026, 10, 1), review_submitted_on=date(2026, 10, 28)),
        # Due 1 October, handed in 29 October (28 days on, the day it became overdue): late.
        facts(2, review_due_on=date(2026, 10, 1), review_submitted_on=date(2026, 10, 29)),
        # Due 1 September, never handed in, overdue since 29 September: late.
        facts(3, review_due_on=date(2026, 9, 1)),
        # Due 20 November, not handed in yet, overdue only from 18 December: not counted.
        facts(4, review_due_on=date(2026, 11, 20)),
        # Handed in before it was even overdue, while not yet judged by time: counted, on time.
        facts(5, review_due_on=date(2026, 11, 20), review_submitted_on=date(2026, 11, 25)),
        facts(6),  # not signed off, no review due: not counted
    ]
    assert reviews_on_time(records, TODAY, grace_days=28) == Share(2, 4)


def test_reviews_by_evidence_beyond_self_report():
    done = date(2026, 10, 1)
    records = [
        facts(1, review_signed_off_on=done, review_sources=frozenset({"SR"})),
        facts(2, review_signed_off_on=done, review_sources=frozenset({"SR", "MR"})),
        facts(3, review_signed_off_on=done, review_sources=frozenset({"CR"})),
        facts(4, review_signed_off_on=done),
        facts(5, review_sources=frozenset({"SUR"})),  # review not signed off: not counted
    ]
    # SR only: 1. Beyond: 2 and 3. No evidence: 4.
    assert review_evidence(records) == Evidenced(1, 2, 1)
    assert review_evidence(records).reviews == 4


def test_judgements_per_key_point_and_cycle_keep_positive_no_change_and_worse_apart():
    counts = [
        JudgementCount("1) Keeping the child in focus", 1, ChangeJudgement.IMPROVED, 3),
        JudgementCount("1) Keeping the child in focus", 1, ChangeJudgement.WORSE, 1),
        JudgementCount("1) Keeping the child in focus", 2, ChangeJudgement.SOME_IMPROVEMENT, 2),
        JudgementCount("1) Keeping the child in focus", 1, ChangeJudgement.IMPROVED, 1),
        JudgementCount("4) Information sharing", 1, ChangeJudgement.NO_CHANGE, 5),
    ]
    lines = changes_by_key_point(counts)
    assert lines == [
        ChangeLine("1) Keeping the child in focus", 1, 4, 0, 0, 1),
        ChangeLine("1) Keeping the child in focus", 2, 0, 2, 0, 0),
        ChangeLine("4) Information sharing", 1, 0, 0, 5, 0),
    ]
    assert (lines[0].positive, lines[0].judged) == (4, 5)


def test_small_numbers_are_suppressed_in_the_anonymised_view_only():
    assert [shown_count(n, anonymised=True) for n in (0, 1, 4, 5)] == [
        "0",
        "fewer than 5",
        "fewer than 5",
        "5",
    ]
    assert shown_count(3, anonymised=False) == "3"
    assert shown_count(12000, anonymised=True) == "12,000"
    assert shown_share(Share(3, 4), anonymised=True) == "not shown: fewer than 5 in all"
    assert shown_share(Share(3, 10), anonymised=True) == "fewer than 5 of 10"
    assert shown_share(Share(6, 8), anonymised=True) == "75% (6 of 8)"
    assert shown_share(Share(3, 4), anonymised=False) == "75% (3 of 4)"
    assert shown_share(Share(0, 0), anonymised=False) == "none yet"
    assert shown_share(Share(1200, 2400), anonymised=True) == "50% (1,200 of 2,400)"


def test_the_totals_read_as_a_sentence_with_the_right_plurals():
    assert Shown(anonymised=False).how_much(Activity("All", 1, 1234, 1)) == (
        "1 signed-off record, with 1,234 pledges; 1 six-month review signed off."
    )
    assert Shown(anonymised=True).how_much(Activity("All", 1, 7, 0)) == (
        "fewer than 5 signed-off records, with 7 pledges; 0 six-month reviews signed off."
    )
