"""A supervision session started by mistake can be deleted by the manager who started it, until
a decision is taken in it; the sessions list shows when each was held (issue 18)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import time_machine

from core.database import db
from core.errors import ActionRefused
from pledges.operations import save_entry, submit_record
from supervision.models import SessionRecord, SupervisionSession
from supervision.operations import approve_entry, delete_session, start_session
from tests.conftest import csrf_token_from


@pytest.fixture
def mistaken(people, make_record):
    """A submitted record, and a session with the practitioner started and left undecided."""
    practitioner = people["practitioner"]
    record = make_record(practitioner)
    save_entry(
        record.entries[0], practitioner, {"pledge": "See every child alone"}, base_revision=1
    )
    submit_record(record, practitioner)
    with time_machine.travel(datetime(2026, 11, 25, 14, 5, tzinfo=UTC), tick=False):
        session = start_session(people["manager"], supervisee=practitioner, notes="Oops")
    db.session.commit()
    return session


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(SupervisionSession.id)))


def test_the_manager_deletes_a_session_with_no_decisions(app, client, auth, people, mistaken):
    auth.login(people["manager"])
    page = client.get(f"/supervision/sessions/{mistaken.id}")
    assert "Delete this session" in page.get_data(as_text=True)
    confirm = client.get(f"/supervision/sessions/{mistaken.id}/delete")
    html = confirm.get_data(as_text=True)
    assert "Delete this supervision session?" in html
    assert _count() == 1  # asking is not deleting
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        forged = client.post(f"/supervision/sessions/{mistaken.id}/delete")
        assert forged.status_code == 400
        assert _count() == 1
        response = client.post(
            f"/supervision/sessions/{mistaken.id}/delete",
            data={"csrf_token": csrf_token_from(html)},
            follow_redirects=True,
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert "The session with Pat Practitioner on 25 November 2026 has been deleted." in (
        response.get_data(as_text=True)
    )
    assert _count() == 0
    assert db.session.scalar(sa.select(sa.func.count(SessionRecord.id))) == 0
    # A second click finds nothing to delete.
    assert client.post(f"/supervision/sessions/{mistaken.id}/delete").status_code == 404


def test_a_session_with_a_decision_cannot_be_deleted(client, auth, people, mistaken):
    entry = mistaken.records[0].completed_entries[0]
    approve_entry(entry, people["manager"], mistaken)
    db.session.commit()
    with pytest.raises(ActionRefused, match="cannot be deleted"):
        delete_session(mistaken, people["manager"])
    db.session.rollback()
    auth.login(people["manager"])
    assert "Delete this session" not in client.get(f"/supervision/sessions/{mistaken.id}").get_data(
        as_text=True
    )
    page = client.get(f"/supervision/sessions/{mistaken.id}/delete").get_data(as_text=True)
    assert "cannot be deleted" in page
    assert "Delete the session</button>" not in page
    response = client.post(f"/supervision/sessions/{mistaken.id}/delete", follow_redirects=True)
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert _count() == 1


@pytest.mark.parametrize(("who", "status"), [("practitioner", 403), ("senior", 403)])
def test_only_the_manager_who_started_it_may_delete_it(client, auth, people, mistaken, who, status):
    auth.login(people[who])
    assert client.get(f"/supervision/sessions/{mistaken.id}/delete").status_code == status
    assert client.post(f"/supervision/sessions/{mistaken.id}/delete").status_code == status
    assert _count() == 1
    with pytest.raises(ActionRefused, match="Only the manager who started"):
        delete_session(mistaken, people[who])


def test_the_sessions_list_shows_the_time_a_session_was_started(client, auth, people, mistaken):
    auth.login(people["manager"])
    html = client.get("/supervision/sessions").get_data(as_text=True)
    assert "25 November 2026, 14:05" in html
    recorded_late = start_session(
        people["manager"], supervisee=people["teammate"], held_on=datetime(2026, 11, 2).date()
    )
    db.session.commit()
    html = client.get("/supervision/sessions").get_data(as_text=True)
    assert f"2 November 2026 (recorded {recorded_late.created_at.day}" in html
