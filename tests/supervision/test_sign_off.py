"""Supervision rules, called directly: who approves, which transitions apply, sign-off and after."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from core.database import db
from core.errors import ActionRefused
from core.notifications import Notification
from pledges.models import Approval, RecordState
from pledges.operations import add_addendum, reopen_record, save_entry, submit_record
from supervision.models import Decision
from supervision.operations import (
    approve_all_remaining,
    approve_entry,
    return_entry,
    save_session_notes,
    start_session,
)
from supervision.permissions import can_sign_off, can_view_session


@pytest.fixture
def submitted(people, make_record):
    """Pat's record with three pledged entries, submitted to Morgan."""
    practitioner = people["practitioner"]
    record = make_record(practitioner)
    for index in (0, 3, 8):
        entry = record.entries[index]
        save_entry(entry, practitioner, {"pledge": f"Pledge {index}"}, base_revision=1)
    submit_record(record, practitioner)
    db.session.commit()
    return record


def notifications_for(user) -> list[str]:
    return list(
        db.session.scalars(sa.select(Notification.message).where(Notification.user_id == user.id))
    )


def test_the_line_manager_approves_entries_and_the_last_approval_signs_off(people, submitted):
    manager, practitioner = people["manager"], people["practitioner"]
    session = start_session(manager, supervisee=practitioner)
    assert session.records == [submitted]
    assert session.acting_for is None
    first, *rest = submitted.completed_entries
    approve_entry(first, manager, session)
    assert first.approval is Approval.APPROVED
    assert submitted.state is RecordState.SUBMITTED
    with time_machine.travel(date(2026, 8, 31)):
        for entry in rest:
            approve_entry(entry, manager, session)
    assert submitted.state is RecordState.SIGNED_OFF
    assert submitted.signed_off_by == manager
    assert submitted.review_due_on == date(2027, 2, 28)  # six calendar months, end-of-month safe
    assert [d.decision for d in session.decisions] == [Decision.APPROVED] * 3
    assert submitted.events[-1].action == "signed_off"
    assert "the review is due on 28 February 2027" in submitted.events[-1].summary
    messages = notifications_for(practitioner)
    assert any("approved “1) Keeping the child" in m for m in messages)
    assert any("signed off the record" in m for m in messages)


def test_approve_all_remaining_signs_off_at_once(people, submitted):
    session = start_session(people["manager"], supervisee=people["practitioner"])
    assert approve_all_remaining(submitted, people["manager"], session) == 3
    assert submitted.state is RecordState.SIGNED_OFF
    with pytest.raises(ActionRefused, match="no entries awaiting a decision"):
        approve_all_remaining(submitted, people["manager"], session)


def test_the_managers_manager_may_act_and_the_record_says_so(people, submitted):
    senior = people["senior"]
    session = start_session(senior, supervisee=people["practitioner"])
    assert session.acting_for == people["manager"]
    approve_all_remaining(submitted, senior, session)
    assert submitted.signed_off_by == senior
    summaries = [event.summary for event in submitted.events]
    assert any("acting for Morgan Manager" in summary for summary in summaries)


@pytest.mark.parametrize("who", ["outsider", "teammate", "admin"])
def test_nobody_else_can_hold_the_session_or_sign_off(people, submitted, who):
    with pytest.raises(ActionRefused, match="not Pat Practitioner's line manager"):
        start_session(people[who], supervisee=people["practitioner"])
    assert not can_sign_off(people[who], submitted)


def test_nobody_signs_off_a_record_they_own(people, make_record, make_team):
    manager = people["manager"]
    team = make_team("Managed and joined", manager=manager, members=[manager, people["teammate"]])
    record = make_record(people["teammate"], team=team)
    assert not can_sign_off(manager, record)
    with pytest.raises(ActionRefused, match="not the manager of Managed and joined"):
        start_session(manager, team=team)
    # The manager's own manager can, acting for them.
    assert can_sign_off(people["senior"], record)


def test_decisions_that_do_not_apply_are_refused_with_a_reason(people, make_record, submitted):
    manager = people["manager"]
    session = start_session(manager, supervisee=people["practitioner"])
    blank = next(e for e in submitted.entries if e.is_blank)
    with pytest.raises(ActionRefused, match="blank"):
        approve_entry(blank, manager, session)
    entry = submitted.completed_entries[0]
    with pytest.raises(ActionRefused, match="Write a comment"):
        return_entry(entry, manager, session, "   ")
    approve_entry(entry, manager, session)
    with pytest.raises(ActionRefused, match="already approved"):
        approve_entry(entry, manager, session)

    draft = make_record(people["teammate"])
    save_entry(draft.entries[0], people["teammate"], {"pledge": "x"}, base_revision=1)
    draft_session = start_session(manager, supervisee=people["teammate"])
    with pytest.raises(ActionRefused, match="draft, so there is nothing to decide on"):
        approve_entry(draft.entries[0], manager, draft_session)
    # An entry of a record outside the session is refused too.
    with pytest.raises(ActionRefused, match="not part of this supervision session"):
        approve_entry(draft.entries[0], manager, session)


def test_returning_then_resubmitting_needs_only_the_returned_entry_approved(people, submitted):
    manager, practitioner = people["manager"], people["practitioner"]
    session = start_session(manager, supervisee=practitioner)
    returned, *others = submitted.completed_entries
    return_entry(returned, manager, session, "Add a timescale.")
    for entry in others:
        approve_entry(entry, manager, session)
    assert submitted.state is RecordState.RETURNED
    assert returned.approval is Approval.RETURNED
    assert returned.return_comment == "Add a timescale."
    assert any("returned 1 entry with comments" in m for m in notifications_for(practitioner))

    save_entry(returned, practitioner, {"pledge": "By March"}, base_revision=returned.revision)
    submit_record(submitted, practitioner)
    assert submitted.state is RecordState.SUBMITTED
    assert submitted.entries_awaiting_decision == [returned]
    assert submitted.events[-1].summary == "Resubmitted to Morgan Manager for sign-off"
    assert any("resubmitted" in m for m in notifications_for(manager))

    second = start_session(manager, supervisee=practitioner)
    approve_entry(returned, manager, second)
    assert submitted.state is RecordState.SIGNED_OFF
    assert returned.return_comment == ""


def test_changing_an_approved_entry_while_returned_needs_approving_again(people, submitted):
    manager, practitioner = people["manager"], people["practitioner"]
    session = start_session(manager, supervisee=practitioner)
    returned, approved, *rest = submitted.completed_entries
    return_entry(returned, manager, session, "Be specific.")
    approve_entry(approved, manager, session)
    for entry in rest:
        approve_entry(entry, manager, session)
    save_entry(approved, practitioner, {"helps": "New help"}, base_revision=approved.revision)
    assert approved.approval is Approval.UNDECIDED
    submit_record(submitted, practitioner)
    assert set(submitted.entries_awaiting_decision) == {returned, approved}


def test_signed_off_content_is_locked_but_takes_addenda(people, submitted):
    practitioner = people["practitioner"]
    approve_all_remaining(
        submitted, people["manager"], start_session(people["manager"], supervisee=practitioner)
    )
    entry = submitted.completed_entries[0]
    with pytest.raises(ActionRefused, match="signed off, so it cannot be changed"):
        save_entry(entry, practitioner, {"pledge": "Changed"}, base_revision=entry.revision)
    session = start_session(people["manager"], supervisee=practitioner)
    with pytest.raises(ActionRefused):
        return_entry(entry, people["manager"], session, "Too late")
    addendum = add_addendum(entry, practitioner, "Training booked for May.")
    assert addendum.author == practitioner
    assert entry.pledge == "Pledge 0"
    assert submitted.events[-1].action == "addendum_added"


def test_addenda_are_only_for_signed_off_records(people, submitted):
    with pytest.raises(ActionRefused, match="Addenda are for signed-off records"):
        add_addendum(submitted.completed_entries[0], people["practitioner"], "Note")


def test_reopening_keeps_the_signed_version_and_needs_sign_off_again(people, submitted):
    practitioner, manager = people["practitioner"], people["manager"]
    approve_all_remaining(submitted, manager, start_session(manager, supervisee=practitioner))
    add_addendum(submitted.completed_entries[0], practitioner, "An addendum")
    snapshot = reopen_record(submitted, practitioner)
    assert snapshot.version == 1
    assert snapshot.signed_off_by == manager
    assert snapshot.entries[0]["fields"]["pledge"] == "Pledge 0"
    assert snapshot.entries[0]["addenda"][0]["text"] == "An addendum"
    assert submitted.version == 2
    assert submitted.state is RecordState.DRAFT
    assert submitted.review_due_on is None
    assert all(e.approval is Approval.UNDECIDED for e in submitted.entries)
    entry = submitted.completed_entries[0]
    save_entry(entry, practitioner, {"pledge": "Version two"}, base_revision=entry.revision)
    submit_record(submitted, practitioner)
    assert len(submitted.entries_awaiting_decision) == 3
    with pytest.raises(ActionRefused, match="Only a signed-off record"):
        reopen_record(submitted, practitioner)


def test_team_records_go_to_the_teams_manager_and_every_member_is_told(people, make_record):
    practitioner, teammate, manager = people["practitioner"], people["teammate"], people["manager"]
    record = make_record(practitioner, team=people["team"])
    save_entry(record.entries[0], teammate, {"pledge": "We pledge"}, base_revision=1)
    submit_record(record, practitioner)
    session = start_session(manager, team=people["team"])
    return_entry(record.entries[0], manager, session, "Who will do what?")
    for member in (practitioner, teammate):
        assert any("returned 1 entry" in m for m in notifications_for(member))


def test_session_notes_are_for_the_supervisor_and_supervisee_only(people, submitted):
    manager, practitioner = people["manager"], people["practitioner"]
    session = start_session(manager, supervisee=practitioner, notes="First notes")
    save_session_notes(session, manager, "Discussed workload.")
    assert session.notes == "Discussed workload."
    with pytest.raises(ActionRefused, match="Only the supervisor"):
        save_session_notes(session, practitioner, "Mine")
    assert can_view_session(manager, session)
    assert can_view_session(practitioner, session)
    for who in ("teammate", "senior", "outsider", "admin"):
        assert not can_view_session(people[who], session), who
