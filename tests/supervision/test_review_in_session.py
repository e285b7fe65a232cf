"""Issue 15: the review in the session, what changed since a return, replies, one message per
session, the evidence log before the review, and the daily digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from core.clock import utcnow
from core.database import db
from core.errors import ActionRefused, AlreadyDone
from core.notifications import Notification, notify
from core.word_diff import word_diff
from people.digests import choose_email, send_daily_digests
from people.models import EmailChoice
from pledges.models import Approval, EvidenceSource
from pledges.operations import reply_to_return, save_entry, submit_record
from pledges.review.operations import add_evidence, save_review, start_review, update_evidence
from supervision.operations import (
    IDLE_BEFORE_TELLING,
    add_manager_report,
    approve_all_remaining,
    approve_entry,
    finish_session,
    return_entry,
    start_session,
    tell_idle_sessions,
)


def _messages(user) -> list[str]:
    return list(
        db.session.scalars(sa.select(Notification.message).where(Notification.user_id == user.id))
    )


@pytest.fixture
def signed_off(people, make_record):
    """Pat's record with two pledges, signed off by Morgan (the session finished)."""
    pat, morgan = people["practitioner"], people["manager"]
    record = make_record(pat)
    for index in (0, 3):
        save_entry(record.entries[index], pat, {"pledge": f"Pledge {index}"}, base_revision=1)
    submit_record(record, pat)
    session = start_session(morgan, supervisee=pat)
    approve_all_remaining(record, morgan, session)
    finish_session(session, morgan)
    db.session.commit()
    return record


@pytest.fixture
def review_submitted(people, signed_off):
    pat = people["practitioner"]
    first, second = signed_off.pledged_entries
    add_evidence(first, pat, description="I do it now.", sources={EvidenceSource.SELF})
    add_evidence(
        second, pat, description="A family said so.", sources={EvidenceSource.SERVICE_USER}
    )
    start_review(signed_off, pat, today=signed_off.review_due_on)
    submit_record(signed_off, pat)
    db.session.commit()
    return signed_off


def test_word_diff_names_the_words_removed_and_added():
    pieces = word_diff("We meet weekly to plan.", "We meet fortnightly with health to plan.")
    assert [(p.kind, p.text.strip()) for p in pieces] == [
        ("same", "We meet"),
        ("removed", "weekly"),
        ("added", "fortnightly with health"),
        ("same", "to plan."),
    ]


def test_evidence_is_logged_from_sign_off_and_stage_one_stays_approved(people, signed_off):
    pat = people["practitioner"]
    entry = signed_off.pledged_entries[0]
    add_evidence(entry, pat, description="Seen in an audit.", sources={EvidenceSource.SELF})
    assert entry.approval is Approval.APPROVED
    assert not signed_off.in_review_stage
    start_review(signed_off, pat, today=signed_off.review_due_on)
    assert [item.description for item in entry.evidence] == ["Seen in an audit."]


def test_evidence_is_not_logged_before_sign_off(people, make_record):
    pat = people["practitioner"]
    record = make_record(pat)
    save_entry(record.entries[0], pat, {"pledge": "A pledge"}, base_revision=1)
    with pytest.raises(ActionRefused, match="once the pledges have been signed off"):
        add_evidence(record.entries[0], pat, description="Too soon.")


def test_the_first_review_session_is_not_a_resubmission(client, auth, people, review_submitted):
    morgan = people["manager"]
    session = start_session(morgan, supervisee=people["practitioner"])
    db.session.commit()
    auth.login(morgan)
    page = client.get(f"/supervision/sessions/{session.id}").get_data(as_text=True)
    assert "To decide: returned" not in page
    assert "What changed since" not in page
    assert "Evidenced by self report only" in page


def test_self_report_only_is_flagged_per_pledge(review_submitted):
    first, second = review_submitted.pledged_entries
    assert first.rests_on_self_report_only
    assert not second.rests_on_self_report_only


def test_a_manager_report_is_the_managers_and_the_owners_cannot_change_it(people, review_submitted):
    pat, morgan = people["practitioner"], people["manager"]
    session = start_session(morgan, supervisee=pat)
    first = review_submitted.pledged_entries[0]
    item = add_manager_report(first, morgan, session, description="Seen it in two meetings.")
    assert item.sources == [EvidenceSource.MANAGER]
    assert item.created_by == morgan
    assert not first.rests_on_self_report_only
    assert "manager report (MR)" in review_submitted.events[-1].summary
    return_entry(first, morgan, session, "More please.")
    approve_entry(review_submitted.pledged_entries[1], morgan, session)
    db.session.commit()
    with pytest.raises(ActionRefused, match="Morgan Manager's report"):
        update_evidence(
            item,
            pat,
            base_revision=item.revision,
            description="Mine now",
            occurred_on=None,
            sources={EvidenceSource.SELF},
        )


def test_someone_else_cannot_add_a_manager_report(people, review_submitted):
    session = start_session(people["manager"], supervisee=people["practitioner"])
    with pytest.raises(ActionRefused):
        add_manager_report(
            review_submitted.pledged_entries[0], people["teammate"], session, description="x"
        )


def test_decisions_are_told_once_per_session_naming_the_record(people, review_submitted):
    pat, morgan = people["practitioner"], people["manager"]
    before = len(_messages(pat))
    session = start_session(morgan, supervisee=pat)
    first, second = review_submitted.pledged_entries
    return_entry(first, morgan, session, "Say how often.")
    approve_entry(second, morgan, session)
    db.session.commit()
    assert len(_messages(pat)) == before
    assert finish_session(session, morgan) == 1
    with pytest.raises(AlreadyDone):
        finish_session(session, morgan)
    (message,) = _messages(pat)[before:]
    assert f"six-month review of {review_submitted.label}" in message
    assert "1 approved, 1 returned" in message
    assert "“Say how often.”" not in message  # quoted once, after "because:"
    assert "because: Say how often." in message


def test_a_session_left_unfinished_is_told_after_it_has_been_idle(people, review_submitted):
    pat, morgan = people["practitioner"], people["manager"]
    before = len(_messages(pat))
    session = start_session(morgan, supervisee=pat)
    approve_all_remaining(review_submitted, morgan, session)
    db.session.commit()
    assert tell_idle_sessions(utcnow()) == 0
    later = utcnow() + IDLE_BEFORE_TELLING + timedelta(minutes=1)
    assert tell_idle_sessions(later) == 1
    assert tell_idle_sessions(later) == 0
    (message,) = _messages(pat)[before:]
    assert "the cycle is complete" in message


def test_the_return_comment_and_reply_show_where_the_work_is_done_and_in_the_next_session(
    client, auth, people, review_submitted
):
    pat, morgan = people["practitioner"], people["manager"]
    session = start_session(morgan, supervisee=pat)
    first, second = review_submitted.pledged_entries
    return_entry(first, morgan, session, "Say how often you checked.")
    approve_entry(second, morgan, session)
    finish_session(session, morgan)
    db.session.commit()
    with pytest.raises(ActionRefused, match="not returned to you"):
        reply_to_return(second, pat, "Not returned")  # approved: nothing to answer
    auth.login(pat)
    page = client.get(f"/records/{review_submitted.id}/review/{first.id}").get_data(as_text=True)
    assert "Returned by Morgan Manager on" in page
    assert "Say how often you checked." in page
    reply_to_return(first, pat, "Every week, with my manager.")
    save_review(first, pat, {"what_next": "Check it every week."}, base_revision=first.revision)
    submit_record(review_submitted, pat)
    db.session.commit()
    auth.login(morgan)
    next_session = start_session(morgan, supervisee=pat)
    db.session.commit()
    page = client.get(f"/supervision/sessions/{next_session.id}").get_data(as_text=True)
    assert "To decide: returned, or changed since approval (1)" in page
    assert "Every week, with my manager." in page
    assert "Check it every week.</ins>" in page.replace(
        '<span class="visually-hidden">]</span>', ""
    )
    assert "1 approved entry, unchanged since approval" in page


def test_a_daily_digest_replaces_each_email_but_not_the_app(people, smtp_inbox):
    pat = people["practitioner"]
    with time_machine.travel(utcnow() - timedelta(days=1)):
        choose_email(pat, EmailChoice.DAILY_DIGEST, utcnow())
    notify([pat], "Subject one", "First thing to know.", "/records")
    notify([pat], "Subject two", "Second thing to know.", "/records")
    db.session.commit()
    assert smtp_inbox.to(pat.email) == []
    assert len(_messages(pat)) == 2
    assert send_daily_digests(utcnow()) == 1
    notify([pat], "Subject three", "Third thing to know.", "/records")
    db.session.commit()
    assert send_daily_digests(utcnow() + timedelta(hours=1)) == 0  # a restart: not again today
    (digest,) = smtp_inbox.to(pat.email)
    assert "2 notifications" in digest["Subject"]
    body = digest.get_content()
    assert "First thing to know." in body
    assert "Second thing to know." in body


def test_the_profile_offers_the_digest(client, auth, people):
    pat = people["practitioner"]
    auth.login(pat)
    page = client.get("/profile").get_data(as_text=True)
    assert "How would you like your notifications by email?" in page
    from tests.conftest import csrf_token_from

    response = client.post(
        "/profile/email", data={"choice": "daily_digest", "csrf_token": csrf_token_from(page)}
    )
    assert response.status_code == 302
    db.session.refresh(pat)
    assert pat.email_choice is EmailChoice.DAILY_DIGEST
    assert pat.digest_covers_from is not None
