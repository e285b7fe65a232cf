"""Every state-changing form of a record posted twice: one after the other (a second click, or
the page posted again), and at the same moment on PostgreSQL. The repeat does nothing more and
answers with how things stand (a message and a redirect): never a 500, never a second email."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.database import db
from core.notifications import Notification
from pledges.models import EvidenceSource, Record, RecordEvent, RecordState
from pledges.operations import save_entry, submit_record
from pledges.review.operations import add_evidence, start_review
from supervision.operations import approve_all_remaining, start_session
from tests.concurrency import post_at_once


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _events(record, action) -> int:
    return _count(RecordEvent, RecordEvent.record_id == record.id, RecordEvent.action == action)


def _messages_to(user, containing: str) -> int:
    return _count(
        Notification, Notification.user_id == user.id, Notification.message.contains(containing)
    )


@pytest.fixture
def with_pledge(people, make_record):
    pat = people["practitioner"]
    record = make_record(pat)
    save_entry(record.entries[0], pat, {"pledge": "See children alone"}, base_revision=1)
    db.session.commit()
    return record


@pytest.fixture
def complete(people, with_pledge):
    pat, morgan = people["practitioner"], people["manager"]
    record = with_pledge
    submit_record(record, pat)
    approve_all_remaining(record, morgan, start_session(morgan, supervisee=pat))
    start_review(record, pat, today=record.review_due_on)
    add_evidence(record.entries[0], pat, description="An audit", sources={EvidenceSource.SELF})
    submit_record(record, pat)
    approve_all_remaining(record, morgan, start_session(morgan, supervisee=pat))
    db.session.commit()
    assert record.state is RecordState.COMPLETE
    return record


def test_start_my_record_twice_starts_one_and_shows_it(client, auth, people, framework):
    auth.login(people["practitioner"])
    first = client.post("/records/start")
    second = client.post("/records/start")
    assert (first.status_code, second.status_code) == (302, 302)
    record = db.session.scalar(sa.select(Record))
    assert second.headers["Location"] == f"/records/{record.id}"
    assert "You already have a record for this cycle" in client.get(
        second.headers["Location"]
    ).get_data(as_text=True)
    assert _count(Record) == 1


def test_start_the_team_record_twice_starts_one(client, auth, people, framework):
    auth.login(people["practitioner"])
    team = {"team_id": people["team"].id}
    assert client.post("/records/start", data=team).status_code == 302
    assert client.post("/records/start", data=team).status_code == 302
    assert _count(Record) == 1


def test_start_the_next_cycle_twice_starts_one(client, auth, people, complete):
    auth.login(people["practitioner"])
    form = {"carry": str(complete.entries[0].id)}
    first = client.post(f"/records/{complete.id}/next-cycle", data=form)
    second = client.post(f"/records/{complete.id}/next-cycle", data=form)
    assert (first.status_code, second.status_code) == (302, 302)
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(Record) == 2


def test_submit_twice_sends_one_notice(client, auth, people, with_pledge):
    auth.login(people["practitioner"])
    url = f"/records/{with_pledge.id}/submit"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert _events(with_pledge, "submitted") == 1
    assert _messages_to(people["manager"], "submitted the record") == 1


def test_start_the_review_and_reopen_twice_do_it_once(client, auth, people, with_pledge):
    pat, morgan = people["practitioner"], people["manager"]
    submit_record(with_pledge, pat)
    approve_all_remaining(with_pledge, morgan, start_session(morgan, supervisee=pat))
    db.session.commit()
    auth.login(pat)
    reopen = f"/records/{with_pledge.id}/reopen"
    assert [client.post(reopen).status_code for _ in range(2)] == [302, 302]
    assert _events(with_pledge, "reopened") == 1


# The same posts at the same moment, through two connections ------------------------------------


def test_start_my_record_at_once_starts_one(app, people, framework, postgresql_only):
    pat = people["practitioner"]
    responses = post_at_once(app, [(pat, "/records/start", {})] * 2)
    assert [r.status_code for r in responses] == [302, 302]
    assert _count(Record) == 1


def test_start_the_team_record_at_once_by_two_members_starts_one(
    app, people, framework, postgresql_only
):
    team = {"team_id": people["team"].id}
    responses = post_at_once(
        app,
        [
            (people["practitioner"], "/records/start", team),
            (people["teammate"], "/records/start", team),
        ],
    )
    assert [r.status_code for r in responses] == [302, 302]
    assert _count(Record) == 1


def test_start_the_next_cycle_at_once_starts_one(app, people, complete, postgresql_only):
    form = {"carry": str(complete.entries[0].id)}
    url = f"/records/{complete.id}/next-cycle"
    responses = post_at_once(app, [(people["practitioner"], url, form)] * 2)
    assert [r.status_code for r in responses] == [302, 302]
    assert _count(Record) == 2


def test_submit_at_once_sends_one_notice(app, people, with_pledge, postgresql_only):
    url = f"/records/{with_pledge.id}/submit"
    responses = post_at_once(app, [(people["practitioner"], url, {})] * 2)
    assert [r.status_code for r in responses] == [302, 302]
    assert _events(with_pledge, "submitted") == 1
    assert _messages_to(people["manager"], "submitted the record") == 1


def test_a_start_that_meets_the_unique_cycle_is_told_it_was_started(
    people, framework, make_record, monkeypatch
):
    """Where rows cannot be locked (SQLite), the second of two starts at the same moment finds
    no record when it checks and then meets the unique (owner, cycle): it is told, not a 500."""
    import pledges.operations as operations
    from core.errors import AlreadyDone

    pat = people["practitioner"]
    record = make_record(pat)
    real = operations.existing_record
    calls = []

    def too_early(**who):  # the check runs before the other start commits
        calls.append(who)
        return None if len(calls) == 1 else real(**who)

    monkeypatch.setattr(operations, "existing_record", too_early)
    with pytest.raises(AlreadyDone, match="just been started") as done:
        operations.start_record(pat, framework=framework)
    assert done.value.path == f"/records/{record.id}"
    assert _count(Record) == 1


def test_add_the_evidence_twice_adds_it_once(client, auth, people, with_pledge):
    import re

    from pledges.models import Evidence

    pat, morgan = people["practitioner"], people["manager"]
    submit_record(with_pledge, pat)
    approve_all_remaining(with_pledge, morgan, start_session(morgan, supervisee=pat))
    start_review(with_pledge, pat, today=with_pledge.review_due_on)
    db.session.commit()
    auth.login(pat)
    entry = with_pledge.entries[0]
    page = client.get(f"/records/{with_pledge.id}/review/{entry.id}").get_data(as_text=True)
    (key,) = re.findall(r'name="submission_key" type="hidden" value="([^"]+)"', page)
    form = {"description": "A case audit", "from_manager": "y", "submission_key": key}
    url = f"/records/{with_pledge.id}/review/{entry.id}/evidence"
    assert [client.post(url, data=form).status_code for _ in range(2)] == [302, 302]
    assert _count(Evidence) == 1
    refused = client.post(url, data={**form, "description": "", "submission_key": "x" * 43})
    assert refused.status_code == 422
    assert client.post(url, data={**form, "submission_key": "x" * 43}).status_code == 302
    assert _count(Evidence) == 2  # a refused post does not use up its key
