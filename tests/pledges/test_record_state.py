"""A record's one state: its labels, what may happen next in each, and the database's checks."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy.exc import IntegrityError

from core.database import db
from core.labels import LabelledEnum
from pledges.models import (
    Approval,
    ChangeJudgement,
    EvidenceSource,
    Record,
    RecordState,
    Transition,
)
from pledges.operations import reopen_record, save_entry, submit_record
from pledges.review.operations import add_evidence, start_review
from supervision.models import Decision
from supervision.operations import approve_all_remaining, return_entry, start_session

S, T = RecordState, Transition

# Every state, what may happen in it, and where each leads: the whole life of a record.
EXPECTED = {
    S.DRAFT: {T.SUBMIT: S.SUBMITTED},
    S.SUBMITTED: {T.RETURN: S.RETURNED, T.SIGN_OFF: S.SIGNED_OFF},
    S.RETURNED: {T.SUBMIT: S.SUBMITTED},
    S.SIGNED_OFF: {T.REOPEN: S.DRAFT, T.START_REVIEW: S.REVIEW_OPEN},
    S.REVIEW_OPEN: {T.SUBMIT: S.REVIEW_SUBMITTED},
    S.REVIEW_SUBMITTED: {T.RETURN: S.REVIEW_RETURNED, T.SIGN_OFF: S.COMPLETE},
    S.REVIEW_RETURNED: {T.SUBMIT: S.REVIEW_SUBMITTED},
    S.COMPLETE: {},
}


@pytest.mark.parametrize("state", list(RecordState))
def test_each_state_says_what_may_happen_next(state):
    assert state.allowed == EXPECTED[state]
    for transition in Transition:
        assert state.allows(transition) == (transition in EXPECTED[state])
        if transition in EXPECTED[state]:
            assert state.after(transition) is EXPECTED[state][transition]
        else:
            with pytest.raises(ValueError, match=f"cannot {transition.value}"):
                state.after(transition)


def test_the_states_answer_the_questions_pages_ask():
    assert [s for s in S if s.is_editable] == [
        S.DRAFT,
        S.RETURNED,
        S.REVIEW_OPEN,
        S.REVIEW_RETURNED,
    ]
    assert [s for s in S if s.is_draft] == [S.DRAFT, S.REVIEW_OPEN]
    assert [s for s in S if s.is_submitted] == [S.SUBMITTED, S.REVIEW_SUBMITTED]
    assert [s for s in S if s.is_returned] == [S.RETURNED, S.REVIEW_RETURNED]
    assert [s for s in S if s.is_signed_off] == [
        S.SIGNED_OFF,
        S.REVIEW_OPEN,
        S.REVIEW_SUBMITTED,
        S.REVIEW_RETURNED,
        S.COMPLETE,
    ]
    assert [s for s in S if s.is_waiting_for_review] == [S.SIGNED_OFF]
    assert [s.stage for s in S] == [1, 1, 1, 1, 2, 2, 2, 2]
    assert [s for s in S if s.is_complete] == [S.COMPLETE]


def test_the_states_carry_their_labels():
    assert [s.label for s in S] == [
        "Draft",
        "Submitted for sign-off",
        "Returned for changes",
        "Signed off",
        "Review in progress",
        "Review submitted for sign-off",
        "Review returned for changes",
        "Cycle complete",
    ]
    assert S("review_open") is S.REVIEW_OPEN


def test_the_labelled_enums_share_one_mechanism():
    from collation.models import ExportKind, ExportStatus
    from core.mail import OutboxStatus
    from people.models import Role

    for enum_class in (
        RecordState,
        ChangeJudgement,
        EvidenceSource,
        Approval,
        Decision,
        ExportKind,
        ExportStatus,
        OutboxStatus,
        Role,
    ):
        assert issubclass(enum_class, LabelledEnum)
        assert all(member.label for member in enum_class)
    assert ExportKind.PDF.label == "Collated PDF"
    assert Role.TRAINING_TEAM.label == "Training team"
    assert EvidenceSource("SUR") is EvidenceSource.SERVICE_USER
    assert EvidenceSource.SERVICE_USER.label == "Service user report"
    assert Approval.UNDECIDED.label == "Awaiting sign-off"
    assert ExportStatus.QUEUED.label == "Waiting to start"
    assert OutboxStatus.SENDING.label == "Being sent now"


def test_a_record_moves_only_where_its_state_allows(people, make_record):
    record = make_record(people["practitioner"])
    with pytest.raises(ValueError, match="a record draft cannot sign_off"):
        record.move(Transition.SIGN_OFF)
    assert record.state is RecordState.DRAFT


def test_a_record_goes_through_every_state(people, make_record):
    """Through the operations, from draft to complete, with a return in each stage and a
    reopening: each step lands in the state the table says."""
    pat, morgan = people["practitioner"], people["manager"]
    record = make_record(pat)
    seen = [record.state]
    save_entry(record.entries[0], pat, {"pledge": "See children alone"}, base_revision=1)
    submit_record(record, pat)
    seen.append(record.state)
    return_entry(record.entries[0], morgan, start_session(morgan, supervisee=pat), "When?")
    seen.append(record.state)
    save_entry(record.entries[0], pat, {"pledge": "See children alone by May"}, base_revision=2)
    submit_record(record, pat)
    with time_machine.travel(date(2026, 5, 20)):
        approve_all_remaining(record, morgan, start_session(morgan, supervisee=pat))
    seen.append(record.state)
    reopen_record(record, pat)
    seen.append(record.state)
    submit_record(record, pat)
    with time_machine.travel(date(2026, 5, 21)):
        approve_all_remaining(record, morgan, start_session(morgan, supervisee=pat))
    start_review(record, pat, today=date(2026, 11, 21))
    seen.append(record.state)
    entry = record.entries[0]
    add_evidence(entry, pat, description="Audit", sources={EvidenceSource.MANAGER})
    submit_record(record, pat)
    seen.append(record.state)
    return_entry(entry, morgan, start_session(morgan, supervisee=pat), "Which audit?")
    seen.append(record.state)
    add_evidence(entry, pat, description="March audit", sources={EvidenceSource.MANAGER})
    submit_record(record, pat)
    approve_all_remaining(record, morgan, start_session(morgan, supervisee=pat))
    seen.append(record.state)
    db.session.commit()
    assert seen == [
        S.DRAFT,
        S.SUBMITTED,
        S.RETURNED,
        S.SIGNED_OFF,
        S.DRAFT,
        S.REVIEW_OPEN,
        S.REVIEW_SUBMITTED,
        S.REVIEW_RETURNED,
        S.COMPLETE,
    ]
    assert db.session.scalar(sa.select(Record.state).where(Record.id == record.id)) is S.COMPLETE


@pytest.mark.parametrize(
    ("state", "why"),
    [
        ("signed_off", "a signed-off record without who and when"),
        ("review_open", "a review without stage 1's sign-off"),
        ("complete", "a complete cycle without who completed it"),
        ("submitted", "a submitted record without a date"),
        ("something_else", "a state that does not exist"),
    ],
)
def test_the_database_refuses_a_state_its_columns_contradict(people, make_record, state, why):
    record = make_record(people["practitioner"])
    change = sa.text("UPDATE records SET state = :state WHERE id = :id")
    with pytest.raises(IntegrityError):
        db.session.execute(change, {"state": state, "id": record.id})
    db.session.rollback()
