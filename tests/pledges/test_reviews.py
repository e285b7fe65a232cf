"""Stage 2 rules, called directly: opening the review, evidence, submission, completion, next cycle."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from core.database import db
from core.errors import ActionRefused
from pledges.models import Approval, ChangeJudgement, EvidenceSource, RecordState
from pledges.operations import save_entry, submission_problems, submit_record
from pledges.review.operations import (
    add_evidence,
    remove_evidence,
    save_review,
    start_next_cycle,
    start_review,
    update_evidence,
)
from pledges.review.rules import rests_on_self_report_only
from supervision.operations import approve_all_remaining, return_entry, start_session

DUE = date(2026, 11, 20)


@pytest.fixture
def signed_off(people, make_record):
    pat, morgan = people["practitioner"], people["manager"]
    record = make_record(pat)
    save_entry(record.entries[0], pat, {"pledge": "See children alone"}, base_revision=1)
    save_entry(record.entries[6], pat, {"pledge": "Review monthly"}, base_revision=1)
    save_entry(record.entries[9], pat, {"good_practice": "No pledge here"}, base_revision=1)
    submit_record(record, pat)
    with time_machine.travel(date(2026, 5, 20)):
        approve_all_remaining(record, morgan, start_session(morgan, supervisee=pat))
    db.session.commit()
    return record


def test_the_review_opens_on_its_due_date(people, signed_off):
    pat = people["practitioner"]
    with pytest.raises(ActionRefused, match="The review opens on 20 November 2026"):
        start_review(signed_off, pat, today=DUE - timedelta(days=1))
    start_review(signed_off, pat, today=DUE)
    assert signed_off.state is RecordState.REVIEW_OPEN
    assert signed_off.state.label == "Review in progress"
    assert all(e.approval is Approval.UNDECIDED for e in signed_off.entries)
    with pytest.raises(ActionRefused, match="already been started"):
        start_review(signed_off, pat, today=DUE)


def test_the_pledges_stay_locked_during_the_review(people, signed_off):
    pat = people["practitioner"]
    start_review(signed_off, pat, today=DUE)
    entry = signed_off.entries[0]
    with pytest.raises(ActionRefused, match="pledges were signed off"):
        save_entry(entry, pat, {"pledge": "Changed"}, base_revision=entry.revision)


def test_evidence_is_for_pledges_and_every_piece_needs_a_source_to_submit(people, signed_off):
    pat = people["practitioner"]
    start_review(signed_off, pat, today=DUE)
    assert submission_problems(signed_off) == [
        "Add at least one piece of evidence of improved practice to a pledge."
    ]
    with pytest.raises(ActionRefused, match="Only entries with a pledge"):
        add_evidence(signed_off.entries[9], pat, description="x")
    with pytest.raises(ActionRefused, match="Describe the evidence"):
        add_evidence(signed_off.entries[0], pat, description="  ")
    item = add_evidence(signed_off.entries[0], pat, description="A parent said so")
    assert submission_problems(signed_off) == [
        "Say where evidence 1 for “1) Keeping the child/young person and her/his health, "
        "development, needs, rights, wishes and feelings and well-being as the primary focus of "
        "thinking and acting ~ always!” came from (self report, service user, manager or "
        "colleague)."
    ]
    update_evidence(
        item,
        pat,
        base_revision=item.revision,
        description="A parent said so",
        occurred_on=date(2026, 10, 1),
        sources={EvidenceSource.SERVICE_USER, EvidenceSource.SELF},
    )
    assert item.source_codes == "SR / SUR"
    assert submission_problems(signed_off) == []
    assert not rests_on_self_report_only(signed_off)


def test_a_stale_evidence_edit_is_refused_and_nothing_is_lost(people, signed_off):
    pat = people["practitioner"]
    start_review(signed_off, pat, today=DUE)
    item = add_evidence(
        signed_off.entries[0], pat, description="First", sources={EvidenceSource.SELF}
    )
    update_evidence(
        item,
        pat,
        base_revision=1,
        description="Second",
        occurred_on=None,
        sources={EvidenceSource.SELF},
    )
    with pytest.raises(ActionRefused, match="Someone else changed this evidence"):
        update_evidence(
            item,
            people["teammate"],
            base_revision=1,
            description="Third",
            occurred_on=None,
            sources={EvidenceSource.SELF},
        )
    assert item.description == "Second"
    assert rests_on_self_report_only(signed_off)
    remove_evidence(item, pat)
    assert signed_off.entries[0].evidence == []
    assert signed_off.events[-1].action == "evidence_removed"


def test_the_judgement_saves_and_merges_like_stage_one(people, signed_off):
    pat = people["practitioner"]
    start_review(signed_off, pat, today=DUE)
    entry = signed_off.entries[0]
    loaded = {"revision": entry.revision, "originals": {"judgement_value": "", "what_next": ""}}
    save_review(entry, pat, {"judgement_value": "improved"}, base_revision=loaded["revision"])
    assert entry.change_judgement is ChangeJudgement.IMPROVED
    outcome = save_review(
        entry,
        pat,
        {"judgement_value": "worse", "what_next": "Keep going"},
        base_revision=loaded["revision"],
        originals=loaded["originals"],
    )
    assert set(outcome.conflicts) == {"judgement_value"}
    assert entry.change_judgement is ChangeJudgement.IMPROVED
    assert entry.what_next == "Keep going"


def test_the_review_is_signed_off_in_supervision_and_completes_the_cycle(people, signed_off):
    pat, morgan = people["practitioner"], people["manager"]
    start_review(signed_off, pat, today=DUE)
    first, second = signed_off.pledged_entries
    add_evidence(first, pat, description="Audit", sources={EvidenceSource.MANAGER})
    add_evidence(second, pat, description="Feedback", sources={EvidenceSource.COLLEAGUE})
    submit_record(signed_off, pat)
    assert signed_off.state.label == "Review submitted for sign-off"
    session = start_session(morgan, supervisee=pat)
    return_entry(first, morgan, session, "Whose audit?")
    approve_all_remaining(signed_off, morgan, session)
    assert signed_off.state is RecordState.REVIEW_RETURNED
    save_review(first, pat, {"what_next": "Ask for the audit report"}, base_revision=first.revision)
    submit_record(signed_off, pat)
    assert signed_off.entries_awaiting_decision == [first]
    approve_all_remaining(signed_off, morgan, start_session(morgan, supervisee=pat))
    assert signed_off.state is RecordState.COMPLETE
    assert signed_off.completed_by == morgan
    assert signed_off.signed_off_at is not None  # stage 1's sign-off is kept
    assert "the cycle is complete" in signed_off.events[-1].summary


def test_the_next_cycle_carries_the_chosen_pledges_forward(people, signed_off):
    pat, morgan = people["practitioner"], people["manager"]
    with pytest.raises(ActionRefused, match="once this cycle's review is signed off"):
        start_next_cycle(signed_off, pat, [])
    start_review(signed_off, pat, today=DUE)
    add_evidence(signed_off.entries[0], pat, description="x", sources={EvidenceSource.SELF})
    submit_record(signed_off, pat)
    approve_all_remaining(signed_off, morgan, start_session(morgan, supervisee=pat))
    with pytest.raises(ActionRefused, match="Only the record's owner"):
        start_next_cycle(signed_off, people["teammate"], [])
    new = start_next_cycle(signed_off, pat, [signed_off.entries[6]])
    assert new.cycle == 2
    assert new.state is RecordState.DRAFT
    assert new.entries[6].pledge == "Review monthly"
    assert new.entries[0].pledge == ""
    with pytest.raises(ActionRefused, match="already been started"):
        start_next_cycle(signed_off, pat, [])


def test_pledges_judged_less_than_improved_are_suggested_for_the_next_cycle(people, signed_off):
    from pledges.review.operations import suggest_carrying_forward

    entry = signed_off.entries[0]
    assert not suggest_carrying_forward(entry)  # no judgement yet
    for judgement, suggested in (
        (ChangeJudgement.IMPROVED, False),
        (ChangeJudgement.SOME_IMPROVEMENT, True),
        (ChangeJudgement.NO_CHANGE, True),
        (ChangeJudgement.WORSE, True),
    ):
        entry.change_judgement = judgement
        assert suggest_carrying_forward(entry) is suggested
