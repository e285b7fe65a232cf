"""Reading the facts the impact report is computed from: a handful of grouped queries, whatever
the size of the county."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from core.clock import LONDON
from core.database import db, names_by_id
from impact.figures import JudgementCount, RecordFacts
from people.models import Agency, District
from pledges.models import (
    Entry,
    Evidence,
    EvidenceSource,
    KeyPoint,
    Record,
    RecordEvent,
    RecordSnapshot,
    RecordState,
)
from pledges.record_scope import (
    AGENCY_ID,
    DISTRICT_ID,
    MULTI_AGENCY,
    NO_DISTRICT,
    in_district,
    signed_off_records,
    with_owner,
)

ADDED_FINDINGS = "Findings added by teams and individuals"


def _scoped(query, district_id: int | None):
    query = with_owner(query)
    if district_id is not None:
        query = query.where(in_district(district_id))
    return query


def _day(value: datetime | None) -> date | None:
    return value.astimezone(LONDON).date() if value is not None else None


def record_facts(district_id: int | None = None) -> list[RecordFacts]:
    """Every record ever submitted (in the district, when given), with the dates the report
    measures: first submission, first sign-off, the review's due date, its first submission."""
    # A record's history is in order of its ids: submissions after the review started are
    # the review's. (Ids, not times: times are as recorded, and the demo county moves them.)
    review_started = (
        sa.select(RecordEvent.record_id, sa.func.min(RecordEvent.id).label("event_id"))
        .where(RecordEvent.action == "review_started")
        .group_by(RecordEvent.record_id)
        .subquery()
    )
    submitted = RecordEvent.action == "submitted"
    in_review = RecordEvent.id > review_started.c.event_id  # NULL, so false, before a review
    stage_one = sa.or_(
        review_started.c.event_id.is_(None), RecordEvent.id < review_started.c.event_id
    )
    events = (
        sa.select(
            RecordEvent.record_id,
            sa.func.min(sa.case((sa.and_(submitted, stage_one), RecordEvent.occurred_at))).label(
                "first_submitted"
            ),
            sa.func.min(sa.case((sa.and_(submitted, in_review), RecordEvent.occurred_at))).label(
                "review_submitted"
            ),
        )
        .outerjoin(review_started, review_started.c.record_id == RecordEvent.record_id)
        .group_by(RecordEvent.record_id)
        .subquery()
    )
    earlier = (
        sa.select(
            RecordSnapshot.record_id, sa.func.min(RecordSnapshot.signed_off_at).label("first")
        )
        .group_by(RecordSnapshot.record_id)
        .subquery()
    )
    pledges = (
        sa.select(Entry.record_id, sa.func.count(Entry.id).label("n"))
        .where(Entry.pledge != "")
        .group_by(Entry.record_id)
        .subquery()
    )
    query = _scoped(
        sa.select(
            Record.id,
            DISTRICT_ID,
            AGENCY_ID,
            sa.func.coalesce(pledges.c.n, 0),
            events.c.first_submitted,
            earlier.c.first,
            sa.case((signed_off_records(), Record.signed_off_at)),
            Record.review_due_on,
            events.c.review_submitted,
            Record.completed_at,
        )
        .select_from(Record)
        .outerjoin(events, events.c.record_id == Record.id)
        .outerjoin(earlier, earlier.c.record_id == Record.id)
        .outerjoin(pledges, pledges.c.record_id == Record.id),
        district_id,
    ).where(Record.submitted_at.is_not(None))
    sources = _review_sources(district_id)
    districts, agencies = names_by_id(District), names_by_id(Agency)
    facts = []
    for row in db.session.execute(query.order_by(Record.id)):
        (record_id, district, agency, pledge_count, first_submitted, first_signed,
         signed_off, due, review_submitted, completed) = row  # fmt: skip
        facts.append(
            RecordFacts(
                record_id=record_id,
                district=districts.get(district, NO_DISTRICT),
                agency=agencies.get(agency, MULTI_AGENCY),
                pledges=pledge_count if signed_off is not None else 0,
                first_submitted_on=_day(first_submitted),
                first_signed_off_on=_day(first_signed or signed_off),
                signed_off_on=_day(signed_off),
                review_due_on=due,
                review_submitted_on=_day(review_submitted),
                review_signed_off_on=_day(completed),
                review_sources=sources.get(record_id, frozenset()),
            )
        )
    return facts


def _review_sources(district_id: int | None) -> dict[int, frozenset[str]]:
    """The evidence sources of each signed-off review."""
    columns = [
        sa.func.max(sa.cast(getattr(Evidence, s.column), sa.Integer)) for s in EvidenceSource
    ]
    query = _scoped(
        sa.select(Record.id, *columns)
        .select_from(Record)
        .join(Entry, Entry.record_id == Record.id)
        .join(Evidence, Evidence.entry_id == Entry.id),
        district_id,
    ).where(Record.state == RecordState.COMPLETE)
    return {
        record_id: frozenset(
            source.value for source, used in zip(EvidenceSource, flags, strict=True) if used
        )
        for record_id, *flags in db.session.execute(query.group_by(Record.id))
    }


def judgement_counts(district_id: int | None = None) -> list[JudgementCount]:
    """Judgements of change in signed-off reviews, by key point (in the framework's order, added
    findings last) and cycle."""
    query = _scoped(
        sa.select(
            KeyPoint.number, KeyPoint.title, Record.cycle, Entry.change_judgement, sa.func.count()
        )
        .select_from(Record)
        .join(Entry, Entry.record_id == Record.id)
        .outerjoin(KeyPoint, Entry.key_point_id == KeyPoint.id),
        district_id,
    ).where(Record.state == RecordState.COMPLETE, Entry.change_judgement.is_not(None))
    query = query.group_by(KeyPoint.number, KeyPoint.title, Record.cycle, Entry.change_judgement)
    rows = sorted(
        db.session.execute(query), key=lambda row: (row[0] is None, row[0] or 0, row[1] or "")
    )
    return [
        JudgementCount(
            f"{number}) {title}" if number is not None else ADDED_FINDINGS, cycle, judgement, count
        )
        for number, title, cycle, judgement, count in rows
    ]
