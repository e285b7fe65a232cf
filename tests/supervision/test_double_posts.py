"""Decisions in supervision posted twice, one after the other and at the same moment: "Approve
all" clicked twice signs off once and tells the owners once; a repeat never answers 500."""

from __future__ import annotations

import pytest

from core.database import db
from pledges.models import RecordState
from supervision.operations import start_session
from tests.concurrency import post_at_once
from tests.pledges.test_double_posts import _events, _messages_to, with_pledge  # noqa: F401


@pytest.fixture
def in_session(people, with_pledge):  # noqa: F811
    from pledges.operations import submit_record

    submit_record(with_pledge, people["practitioner"])
    session = start_session(people["manager"], supervisee=people["practitioner"])
    db.session.commit()
    return session, with_pledge


def test_approve_all_twice_signs_off_once_and_tells_the_owner_once(
    client, auth, people, in_session
):
    session, record = in_session
    auth.login(people["manager"])
    url = f"/supervision/sessions/{session.id}/records/{record.id}/approve-all"
    first, second = client.post(url), client.post(url)
    assert (first.status_code, second.status_code) == (302, 302)
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "There are no entries awaiting a decision" in page
    db.session.refresh(record)
    assert record.state is RecordState.SIGNED_OFF
    assert _events(record, "signed_off") == 1
    assert _messages_to(people["practitioner"], "signed off the record") == 1


def test_approving_an_entry_twice_says_so(client, auth, people, in_session):
    session, record = in_session
    auth.login(people["manager"])
    url = f"/supervision/sessions/{session.id}/entries/{record.entries[0].id}/approve"
    assert [client.post(url).status_code for _ in range(2)] == [302, 302]
    assert _events(record, "approved") == 1
    assert _events(record, "signed_off") == 1


def test_approve_all_at_once_signs_off_once(app, people, in_session, postgresql_only):
    session, record = in_session
    url = f"/supervision/sessions/{session.id}/records/{record.id}/approve-all"
    responses = post_at_once(app, [(people["manager"], url, {})] * 2)
    assert [r.status_code for r in responses] == [302, 302]
    assert _events(record, "approved") == 1
    assert _events(record, "signed_off") == 1
    assert _messages_to(people["practitioner"], "signed off the record") == 1


def test_approving_an_entry_at_once_signs_off_once(app, people, in_session, postgresql_only):
    session, record = in_session
    url = f"/supervision/sessions/{session.id}/entries/{record.entries[0].id}/approve"
    responses = post_at_once(app, [(people["manager"], url, {})] * 2)
    assert [r.status_code for r in responses] == [302, 302]
    assert _events(record, "signed_off") == 1
    assert _messages_to(people["practitioner"], "signed off the record") == 1
