"""The demo county's story: something waits for every demo sign-in, and it happened in order,
in the past, relative to the day the demo is loaded (issue 18)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from admin.models import PeopleImport
from admin.people_import import plan_import
from collation.queries import count_collated_items
from collation.selection import Selection
from core.clock import LONDON, today_in_london, utcnow
from core.database import db
from demo.county import load_demo_county
from people.models import District, User
from pledges.models import FrameworkVersion, Record, RecordEvent, RecordState
from pledges.review.dates import review_due_on
from pledges.review.operations import can_start_review
from supervision.models import SupervisionSession
from supervision.queries import manager_overview


@pytest.fixture
def demo():
    load_demo_county()
    db.session.commit()
    return {user.email: user for user in db.session.scalars(sa.select(User))}


def _records_of(user: User) -> list[Record]:
    return list(db.session.scalars(sa.select(Record).where(Record.owner_id == user.id)))


def test_the_practitioner_has_a_review_open_and_a_team_draft_to_finish(demo):
    practitioner = demo["practitioner@demo.test"]
    (own,) = _records_of(practitioner)
    today = today_in_london()
    assert can_start_review(own, today)
    assert today - timedelta(days=28) < own.review_due_on <= today  # open, not yet overdue
    (team_record,) = [
        r for r in db.session.scalars(sa.select(Record)) if r.team in practitioner.teams
    ]
    assert team_record.state is RecordState.DRAFT
    assert team_record.pledged_entries  # it can be submitted


def test_the_manager_has_records_and_a_review_awaiting_sign_off(demo):
    overview = manager_overview(demo["manager@demo.test"])
    waiting = [line.record for line in overview.lines if line.needs_action]
    assert {record.state.stage for record in waiting} == {1, 2}
    assert overview.awaiting_sign_off == len(waiting) >= 2
    (stage_one,) = [r for r in waiting if r.state.stage == 1]
    assert stage_one.owner == demo["teammate@demo.test"]


def test_the_senior_manager_has_a_record_of_their_own_supervisee_awaiting_sign_off(demo):
    senior = demo["senior@demo.test"]
    overview = manager_overview(senior)
    waiting = [line for line in overview.lines if line.needs_action]
    assert waiting
    assert all(line.person.line_manager == senior for line in waiting)
    # And the manager's waiting records, for acting in their absence.
    acting = [line for line in overview.acting_lines if line.needs_action]
    assert {line.acting_for for line in acting} >= {demo["manager@demo.test"]}


def test_the_district_and_training_teams_have_signed_off_work_to_read_and_collate(demo):
    chesterfield = db.session.scalar(sa.select(District).where(District.name == "Chesterfield"))
    assert count_collated_items(Selection(locked_district=chesterfield)) > 0
    assert count_collated_items(Selection()) > count_collated_items(
        Selection(locked_district=chesterfield)
    )
    complete = [r for r in db.session.scalars(sa.select(Record)) if r.state is RecordState.COMPLETE]
    assert complete  # completed reviews with evidence, for the training team's collation
    assert len({r.owner.district for r in complete if r.owner}) >= 1


def test_the_administrator_has_a_checked_file_of_new_starters_to_import(demo):
    (waiting,) = db.session.scalars(sa.select(PeopleImport)).all()
    assert waiting.uploaded_by == demo["admin@demo.test"]
    assert not waiting.is_imported
    plan = plan_import(waiting.content)
    assert plan.has_work
    assert not any(row.problems for row in plan.rows)


def test_every_step_of_the_story_happened_in_order_and_in_the_past(demo):
    now = utcnow()
    today = today_in_london()
    records = list(db.session.scalars(sa.select(Record)))
    for record in records:
        # The latest submission is stage 1's until the review is submitted, then the review's.
        review_submitted = record.in_review_stage and record.state is not RecordState.REVIEW_OPEN
        submitted_after = record.review_started_at if review_submitted else record.created_at
        steps = [
            record.created_at,
            record.signed_off_at,
            record.review_started_at,
            record.completed_at,
        ]
        taken = [step for step in steps if step is not None]
        assert taken == sorted(taken), record.name
        assert taken[-1] < now - timedelta(hours=12), record.name
        if record.submitted_at is not None:
            assert submitted_after < record.submitted_at < now - timedelta(hours=12)
        if record.signed_off_at is not None:
            signed_off_on = record.signed_off_at.astimezone(LONDON).date()
            assert record.review_due_on == review_due_on(signed_off_on, 6)
        events = db.session.scalars(
            sa.select(RecordEvent)
            .where(RecordEvent.record_id == record.id)
            .order_by(RecordEvent.id)
        ).all()
        times = [event.occurred_at for event in events]
        assert times == sorted(times), record.name
        assert times[0] >= record.created_at
        assert times[-1] < now - timedelta(hours=12)
        owners = record.team.members if record.team else [record.owner]
        assert all(owner.created_at < record.created_at for owner in owners)
        for entry in record.entries:
            for item in entry.evidence:
                assert record.signed_off_at.date() < item.occurred_on < today
    sessions = db.session.scalars(sa.select(SupervisionSession)).all()
    assert sessions
    for session in sessions:
        assert session.held_on < today
        for decision in session.decisions:
            assert decision.decided_at.astimezone(LONDON).date() == session.held_on
    (framework,) = db.session.scalars(sa.select(FrameworkVersion)).all()
    assert framework.published_at < min(record.created_at for record in records)
    # The story is spread over months, not told in one day.
    days = {event.occurred_at.astimezone(LONDON).date() for r in records for event in r.events}
    assert len(days) > 30
    assert min(days) < today - timedelta(days=200)


def test_the_story_is_in_order_whatever_day_it_is_loaded():
    # A day when six calendar months are shortest (the end of August back to February).
    with time_machine.travel("2027-08-31 08:00 +0100", tick=False):
        load_demo_county()
        db.session.flush()
        today = today_in_london()
        practitioner = db.session.scalar(
            sa.select(User).where(User.email == "practitioner@demo.test")
        )
        (own,) = _records_of(practitioner)
        assert can_start_review(own, today)
        assert (
            manager_overview(db.session.get(User, practitioner.line_manager_id)).awaiting_sign_off
            >= 2
        )
        for record in db.session.scalars(sa.select(Record)):
            for event in record.events:
                assert event.occurred_at.astimezone(LONDON).date() < today
