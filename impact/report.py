"""The report as one object: the facts read once, each figure computed by its pure function."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from impact.figures import (
    Activity,
    ChangeLine,
    Evidenced,
    Share,
    activity_by,
    changes_by_key_point,
    review_evidence,
    reviews_on_time,
    signed_off_within_a_month,
    total_activity,
)
from impact.queries import judgement_counts, record_facts
from pledges.review.rules import OVERDUE_AFTER_DAYS


@dataclass(frozen=True)
class ImpactReport:
    by_district: list[Activity]
    by_agency: list[Activity]
    total: Activity
    signed_off_in_a_month: Share
    reviews_on_time: Share
    evidence: Evidenced
    changes: list[ChangeLine]
    cycles: int


def impact_report(district_id: int | None, today: date) -> ImpactReport:
    facts = record_facts(district_id)
    by_district = activity_by(facts, "district")
    changes = changes_by_key_point(judgement_counts(district_id))
    return ImpactReport(
        by_district=by_district,
        by_agency=activity_by(facts, "agency"),
        total=total_activity(by_district),
        signed_off_in_a_month=signed_off_within_a_month(facts, today),
        reviews_on_time=reviews_on_time(facts, today, OVERDUE_AFTER_DAYS),
        evidence=review_evidence(facts),
        changes=changes,
        cycles=len({line.cycle for line in changes}),
    )
