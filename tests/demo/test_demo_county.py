"""The demo county: its sign-ins, records in every state, loading once, refused in production."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from core.clock import today_in_london
from core.database import db
from demo.county import DEMO_PASSWORD, DEMO_SIGN_INS, load_demo_county
from people.models import District, Role, Team, User
from people.operations import authenticate
from pledges.models import EvidenceSource, Record, RecordState


def test_the_demo_county_has_its_sign_ins_and_their_relationships():
    assert load_demo_county()
    db.session.commit()
    for sign_in in DEMO_SIGN_INS:
        assert authenticate(sign_in.email, DEMO_PASSWORD) is not None, sign_in.email
    by_email = {u.email: u for u in db.session.scalars(sa.select(User))}
    practitioner, teammate = by_email["practitioner@demo.test"], by_email["teammate@demo.test"]
    (own,) = [r for r in db.session.scalars(sa.select(Record)) if r.owner == practitioner]
    assert own.state is RecordState.SIGNED_OFF
    assert own.review_due_on <= today_in_london()  # the practitioner's review is open today
    manager, senior = by_email["manager@demo.test"], by_email["senior@demo.test"]
    assert practitioner.line_manager == manager
    assert teammate.line_manager == manager
    assert manager.line_manager == senior
    shared = set(practitioner.teams) & set(teammate.teams)
    assert len(shared) == 1
    assert shared.pop().manager == manager
    assert by_email["district@demo.test"].has_role(Role.DISTRICT_TEAM)
    assert by_email["training@demo.test"].has_role(Role.TRAINING_TEAM)
    assert by_email["admin@demo.test"].has_role(Role.ADMINISTRATOR)


def test_the_demo_county_is_county_shaped_with_records_in_every_state():
    load_demo_county()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(District.id))) == 8
    assert db.session.scalar(sa.select(sa.func.count(Team.id))) == 12
    assert 35 <= db.session.scalar(sa.select(sa.func.count(User.id))) <= 60
    records = list(db.session.scalars(sa.select(Record)))
    states = {record.state for record in records}
    assert {
        RecordState.DRAFT,
        RecordState.SUBMITTED,
        RecordState.RETURNED,
        RecordState.SIGNED_OFF,
        RecordState.COMPLETE,
    } <= states
    assert {RecordState.REVIEW_OPEN, RecordState.REVIEW_SUBMITTED} <= states
    today = today_in_london()
    due_dates = [r.review_due_on for r in records if r.state is RecordState.SIGNED_OFF]
    assert any(due > today + timedelta(days=14) for due in due_dates)  # not yet due
    assert any(today <= due <= today + timedelta(days=14) for due in due_dates)  # heads-up sent
    assert any(today - timedelta(days=28) < due <= today for due in due_dates)  # due
    assert any(due < today - timedelta(days=28) for due in due_dates)  # overdue
    evidence = [item for r in records for e in r.entries for item in e.evidence]
    assert {source for item in evidence for source in item.sources} == set(EvidenceSource)
    assert any(record.is_team_record for record in records)
    assert any(record.added_findings for record in records)
    # A three-level line-management tree: someone's manager has a manager.
    assert any(
        user.line_manager and user.line_manager.line_manager
        for user in db.session.scalars(sa.select(User))
    )


def test_loading_twice_changes_nothing(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Demo county loaded." in first.output
    assert "practitioner@demo.test" in first.output
    count = db.session.scalar(sa.select(sa.func.count(Record.id)))
    second = runner.invoke(args=["demo"])
    assert "already loaded" in second.output
    assert db.session.scalar(sa.select(sa.func.count(Record.id))) == count


def test_production_refuses_the_demo_county(app, runner):
    app.config["DEMO_PASSWORD_ALLOWED"] = False
    try:
        result = runner.invoke(args=["demo"])
    finally:
        app.config["DEMO_PASSWORD_ALLOWED"] = True
    assert result.exit_code == 1
    assert "production refuses" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
