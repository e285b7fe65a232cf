"""The partnership's impact report in the three questions boards ask, as pure functions.

Each figure is computed from plain facts (`RecordFacts`, `JudgementCount`) that `impact.queries`
reads from the database, so each can be checked by hand on a small data set.

- How much did we do? Signed-off records, their pledges and signed-off reviews, by district and
  by agency.
- How well did we do it? The share of records signed off within a calendar month of first being
  submitted; the share of reviews handed in on time (before the app calls them overdue, four
  weeks after the due date); and how signed-off reviews are evidenced: self report only, or also
  by service users, managers or colleagues.
- Is anyone better off? Judgements of change per key point and cycle: positive change (improved,
  some improvement), no change and deterioration, each shown separately (section 7, point 7).

In the anonymised view, counts from 1 to 4 are suppressed, and so is a share of fewer than five
(or of which fewer than five, since its percentage would give the count away).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from core.small_numbers import SMALLEST_SHOWN, is_small, shown_count
from pledges.models import ChangeJudgement


@dataclass(frozen=True)
class RecordFacts:
    """What the report needs of one record (one owner or team, one cycle)."""

    record_id: int
    district: str
    agency: str
    first_submitted_on: date | None = None  # stage 1, first time
    signed_off_on: date | None = None  # stage 1, now (None once reopened, until signed again)
    first_signed_off_on: date | None = None  # stage 1, first time
    pledges: int = 0  # counted once stage 1 is signed off
    review_due_on: date | None = None
    review_submitted_on: date | None = None  # the review, first time
    review_signed_off_on: date | None = None
    # The sources of the evidence in a signed-off review: {"SR", "MR"}; empty for none.
    review_sources: frozenset[str] = frozenset()


@dataclass(frozen=True)
class JudgementCount:
    key_point: str
    cycle: int
    judgement: ChangeJudgement
    count: int


@dataclass(frozen=True)
class Share:
    """`count` of `out_of`."""

    count: int
    out_of: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.count / self.out_of) if self.out_of else None


@dataclass(frozen=True)
class Activity:
    """How much: one district's or agency's line."""

    name: str
    records: int
    pledges: int
    reviews: int


@dataclass(frozen=True)
class Evidenced:
    """How signed-off reviews are evidenced."""

    self_report_only: int
    beyond_self_report: int
    no_evidence: int

    @property
    def reviews(self) -> int:
        return self.self_report_only + self.beyond_self_report + self.no_evidence


@dataclass(frozen=True)
class ChangeLine:
    """Better off: the judgements on one key point in one cycle."""

    key_point: str
    cycle: int
    improved: int
    some_improvement: int
    no_change: int
    worse: int

    @property
    def positive(self) -> int:
        return self.improved + self.some_improvement

    @property
    def judged(self) -> int:
        return self.positive + self.no_change + self.worse


def activity_by(records: Iterable[RecordFacts], attribute: str) -> list[Activity]:
    """Signed-off records, their pledges and their signed-off reviews, per district or agency
    (`attribute`), most records first. Records not signed off count nowhere."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for record in records:
        if record.signed_off_on is None:
            continue
        line = totals[getattr(record, attribute)]
        line[0] += 1
        line[1] += record.pledges
        line[2] += record.review_signed_off_on is not None
    lines = [Activity(name, *counts) for name, counts in totals.items()]
    return sorted(lines, key=lambda line: (-line.records, line.name))


def total_activity(lines: list[Activity]) -> Activity:
    return Activity(
        "All",
        sum(line.records for line in lines),
        sum(line.pledges for line in lines),
        sum(line.reviews for line in lines),
    )


ONE_MONTH = relativedelta(months=1)


def signed_off_within_a_month(records: Iterable[RecordFacts], today: date) -> Share:
    """Of records submitted for sign-off whose month has run (or that are signed off already),
    how many were signed off within a calendar month of their first submission."""
    count = out_of = 0
    for record in records:
        if record.first_submitted_on is None:
            continue
        deadline = record.first_submitted_on + ONE_MONTH
        signed = record.first_signed_off_on or record.signed_off_on
        if signed is None and today <= deadline:
            continue  # still within its month: not yet late, not yet on time
        out_of += 1
        count += signed is not None and signed <= deadline
    return Share(count, out_of)


def reviews_on_time(records: Iterable[RecordFacts], today: date, grace_days: int) -> Share:
    """Of reviews handed in, or past the point where they become overdue (`grace_days` after
    the due date), how many were handed in by then."""
    count = out_of = 0
    for record in records:
        if record.review_due_on is None:
            continue
        overdue_from = record.review_due_on + timedelta(days=grace_days)
        if record.review_submitted_on is None and today < overdue_from:
            continue  # not due yet, or due and still in time
        out_of += 1
        count += (
            record.review_submitted_on is not None and record.review_submitted_on < overdue_from
        )
    return Share(count, out_of)


INDEPENDENT_SOURCES = frozenset({"SUR", "MR", "CR"})


def review_evidence(records: Iterable[RecordFacts]) -> Evidenced:
    """Signed-off reviews by their evidence: self report only, also service user, manager or
    colleague reports, or none."""
    kinds: Counter[str] = Counter()
    for record in records:
        if record.review_signed_off_on is None:
            continue
        if record.review_sources & INDEPENDENT_SOURCES:
            kinds["beyond"] += 1
        elif record.review_sources:
            kinds["self"] += 1
        else:
            kinds["none"] += 1
    return Evidenced(kinds["self"], kinds["beyond"], kinds["none"])


def changes_by_key_point(counts: Iterable[JudgementCount]) -> list[ChangeLine]:
    """Judgements of change per key point and cycle, in the order the key points were given
    (each key point's cycles in order)."""
    lines: dict[tuple[str, int], Counter[ChangeJudgement]] = {}
    for item in counts:
        lines.setdefault((item.key_point, item.cycle), Counter())[item.judgement] += item.count
    order = list(dict.fromkeys(key for key, _ in lines))
    return [
        ChangeLine(
            key_point,
            cycle,
            judged[ChangeJudgement.IMPROVED],
            judged[ChangeJudgement.SOME_IMPROVEMENT],
            judged[ChangeJudgement.NO_CHANGE],
            judged[ChangeJudgement.WORSE],
        )
        for (key_point, cycle), judged in sorted(
            lines.items(), key=lambda item: (order.index(item[0][0]), item[0][1])
        )
    ]


def shown_share(share: Share, *, anonymised: bool) -> str:
    """A share in words; none of fewer than five in the anonymised view."""
    if share.out_of == 0:
        return "none yet"
    if anonymised and share.out_of < SMALLEST_SHOWN:
        return "not shown: fewer than 5 in all"
    if anonymised and is_small(share.count):  # the percentage would give the count away
        return f"fewer than 5 of {share.out_of:,}"
    return f"{share.percent}% ({share.count:,} of {share.out_of:,})"


@dataclass(frozen=True)
class Shown:
    """How the report's figures read, on its page and in its PDF alike."""

    anonymised: bool

    def count(self, count: int) -> str:
        return shown_count(count, anonymised=self.anonymised)

    def share(self, share: Share) -> str:
        return shown_share(share, anonymised=self.anonymised)

    def how_much(self, total: Activity) -> str:
        """The totals in a sentence: "2 signed-off records, with 3 pledges; 1 six-month review
        signed off." """

        def counted(count: int, noun: str) -> str:
            shown = self.count(count)  # "fewer than 5" takes the plural, as 0 does
            return f"{shown} {noun}{'' if shown == '1' else 's'}"

        return (
            f"{counted(total.records, 'signed-off record')}, with "
            f"{counted(total.pledges, 'pledge')}; "
            f"{counted(total.reviews, 'six-month review')} signed off."
        )
