"""The impact report kept current in the background (issue 14): computing it reads every
submitted record, entry, event and piece of evidence of the county (half a second at 12,000
records), so the queue worker computes the county's and each district's every few minutes
(`core.summaries`) and the page reads one back, saying when it was computed. Stored as the
report itself, so the page shows exactly what `impact_report` computed at that time. When no
current summary covers the page (the worker has stopped, or a district is new), the report is
computed directly, as before.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import sqlalchemy as sa

from core.database import db
from core.summaries import current_summary, kept_current
from impact.figures import Activity, ChangeLine, Evidenced, Share
from impact.report import ImpactReport, impact_report
from people.models import District

KIND = "impact"
COUNTY = "county"


def scope_of(district_id: int | None) -> str:
    return COUNTY if district_id is None else f"district:{district_id}"


def report_to_json(report: ImpactReport) -> dict:
    return dataclasses.asdict(report)


def report_from_json(data: dict) -> ImpactReport | None:
    """The report stored (decoded once per worker and summary: `core.summaries`), or None when
    it was stored in an older shape (before an upgrade: computed directly until the next
    refresh)."""
    try:
        return _report(data)
    except (KeyError, TypeError):
        return None


def _report(data: dict) -> ImpactReport:
    return ImpactReport(
        by_district=[Activity(**line) for line in data["by_district"]],
        by_agency=[Activity(**line) for line in data["by_agency"]],
        total=Activity(**data["total"]),
        signed_off_in_a_month=Share(**data["signed_off_in_a_month"]),
        reviews_on_time=Share(**data["reviews_on_time"]),
        evidence=Evidenced(**data["evidence"]),
        changes=[ChangeLine(**line) for line in data["changes"]],
        cycles=data["cycles"],
    )


@kept_current(KIND, read=report_from_json)
def every_scope(today: date) -> dict[str, dict]:
    """The report for the county and for each district, as JSON."""
    districts = db.session.scalars(sa.select(District.id).order_by(District.id))
    return {
        scope_of(district_id): report_to_json(impact_report(district_id, today))
        for district_id in [None, *districts]
    }


def current_report(district_id: int | None, today: date) -> tuple[ImpactReport, datetime | None]:
    """The report for the county or a district, and when it was computed: from a current
    summary, or computed now (and then None)."""
    found = current_summary(KIND, scope_of(district_id), today)
    if found is None:
        return impact_report(district_id, today), None
    return found
