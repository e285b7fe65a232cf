"""Supervision through the test client: the manager's view, a session, decisions, who sees what."""

from __future__ import annotations

import re

import pytest

from core.database import db
from pledges.models import RecordState
from pledges.operations import save_entry, submit_record
from supervision.models import SupervisionSession
from supervision.operations import start_session


@pytest.fixture
def submitted(people, make_record):
    practitioner = people["practitioner"]
    record = make_record(practitioner)
    save_entry(
        record.entries[0], practitioner, {"pledge": "See every child alone"}, base_revision=1
    )
    save_entry(
        record.entries[4],
        practitioner,
        {"pledge": "Write plans by March", "signs_of_success": "Every plan has a date"},
        base_revision=1,
    )
    submit_record(record, practitioner)
    db.session.commit()
    return record


def test_the_managers_view_puts_what_needs_them_first(client, auth, people, submitted, make_record):
    make_record(people["teammate"])
    auth.login(people["manager"])
    html = client.get("/supervision").get_data(as_text=True)
    assert "1 record awaiting your sign-off." in html
    rows = [name.strip() for name in re.findall(r'<th scope="row">([^<]+)', html)]
    assert rows[:3] == ["Pat Practitioner", "Terry Teammate", "North team"]
    assert "Submitted for sign-off" in html
    assert f"/supervision/sessions/new?person={people['practitioner'].id}" in html


def test_a_managers_own_record_is_on_their_managers_view_not_their_own(
    client, auth, people, make_record
):
    manager = people["manager"]
    record = make_record(manager)
    save_entry(record.entries[0], manager, {"pledge": "Mine"}, base_revision=1)
    submit_record(record, manager)
    db.session.commit()
    auth.login(manager)
    assert (
        "Morgan Manager"
        not in client.get("/supervision")
        .get_data(as_text=True)
        .split("Your supervisees and teams")[1]
    )
    auth.login(people["senior"])
    html = client.get("/supervision").get_data(as_text=True)
    assert "Morgan Manager" in html
    assert "1 record awaiting your sign-off." in html


def test_a_senior_sees_what_their_managers_await_and_may_act(client, auth, people, submitted):
    auth.login(people["senior"])
    html = client.get("/supervision").get_data(as_text=True)
    assert "Awaiting sign-off by your managers" in html
    assert "Line manager: Morgan Manager" in html


def test_a_session_from_start_to_sign_off(client, auth, people, submitted):
    auth.login(people["manager"])
    practitioner = people["practitioner"]
    form = client.get(f"/supervision/sessions/new?person={practitioner.id}")
    assert "Start a supervision session with Pat Practitioner" in form.get_data(as_text=True)
    response = client.post(
        f"/supervision/sessions/new?person={practitioner.id}",
        data={
            "held_on-day": "23",
            "held_on-month": "11",
            "held_on-year": "2026",
            "notes": "Workload discussed",
        },
    )
    assert response.status_code == 302
    session = db.session.query(SupervisionSession).one()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "23 November 2026" in page
    assert "See every child alone" in page
    assert "Prompts for the conversation" in page
    assert "Timely: no date or timescale found" in page  # beside the first pledge

    first, second = submitted.completed_entries
    url = f"/supervision/sessions/{session.id}"
    empty = client.post(f"{url}/entries/{first.id}/return", data={"comment": ""})
    assert empty.status_code == 422
    empty_html = empty.get_data(as_text=True)
    assert "Write a comment saying what should change before returning it" in empty_html
    assert f'href="#entry-{first.id}-comment"' in empty_html

    client.post(f"{url}/entries/{first.id}/return", data={"comment": "By when?"})
    client.post(f"{url}/entries/{second.id}/approve")
    db.session.refresh(submitted)
    assert submitted.state is RecordState.RETURNED

    # The practitioner sees the comment beside the entry, fixes it and resubmits.
    auth.login(practitioner)
    record_page = client.get(f"/records/{submitted.id}").get_data(as_text=True)
    assert "Comment from Morgan Manager" in record_page
    assert "By when?" in record_page
    assert "Returned for changes" in record_page
    client.post(
        f"/records/{submitted.id}/entries/{first.id}",
        data={
            "revision": first.revision,
            "pledge": "See every child alone by January",
            "original_pledge": first.pledge,
        },
    )
    client.post(f"/records/{submitted.id}/submit")
    db.session.refresh(submitted)
    assert submitted.state is RecordState.SUBMITTED

    auth.login(people["manager"])
    client.post(f"{url}/records/{submitted.id}/approve-all")
    db.session.refresh(submitted)
    assert submitted.state is RecordState.SIGNED_OFF
    record_page = client.get(f"/records/{submitted.id}").get_data(as_text=True)
    for step in (
        "Submitted to Morgan",
        "Returned 1) Keeping",
        "Resubmitted to Morgan",
        "Signed off",
    ):
        assert step in record_page, step


def test_a_refused_decision_is_explained_not_a_crash(client, auth, people, submitted):
    session = start_session(people["manager"], supervisee=people["practitioner"])
    db.session.commit()
    auth.login(people["manager"])
    entry = submitted.completed_entries[0]
    url = f"/supervision/sessions/{session.id}/entries/{entry.id}/approve"
    client.post(url)
    response = client.post(url, follow_redirects=True)
    assert response.status_code == 200
    assert "is already approved" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("practitioner", 200), ("teammate", 403), ("senior", 403), ("admin", 403)],
)
def test_who_can_read_a_session_and_its_notes(client, auth, people, submitted, who, status):
    session = start_session(people["manager"], supervisee=people["practitioner"], notes="Private")
    db.session.commit()
    auth.login(people[who])
    response = client.get(f"/supervision/sessions/{session.id}")
    assert response.status_code == status
    if status == 200:
        assert "Private" in response.get_data(as_text=True)


def test_supervisees_read_the_session_but_cannot_decide_or_write_notes(
    client, auth, people, submitted
):
    session = start_session(people["manager"], supervisee=people["practitioner"])
    db.session.commit()
    auth.login(people["practitioner"])
    html = client.get(f"/supervision/sessions/{session.id}").get_data(as_text=True)
    assert "Approve all" not in html
    assert "Save the notes" not in html
    entry = submitted.completed_entries[0]
    client.post(f"/supervision/sessions/{session.id}/entries/{entry.id}/approve")
    db.session.refresh(entry)
    assert entry.approval.value == "undecided"
    assert (
        client.post(f"/supervision/sessions/{session.id}/notes", data={"notes": "x"}).status_code
        == 403
    )
    sessions = client.get("/supervision/sessions").get_data(as_text=True)
    assert "Morgan Manager" in sessions


def test_starting_a_session_with_someone_else_is_forbidden(client, auth, people):
    auth.login(people["manager"])
    assert (
        client.get(f"/supervision/sessions/new?person={people['outsider'].id}").status_code == 403
    )
    assert client.get("/supervision/sessions/new?person=99999").status_code == 404
    assert client.get("/supervision/sessions/new").status_code == 404


def test_a_bad_session_date_is_explained(client, auth, people):
    auth.login(people["manager"])
    response = client.post(
        f"/supervision/sessions/new?person={people['practitioner'].id}",
        data={"held_on-day": "31", "held_on-month": "2", "held_on-year": "2026"},
    )
    assert response.status_code == 422
    assert "Date of the session must be a real date" in response.get_data(as_text=True)
    assert db.session.query(SupervisionSession).count() == 0


def test_addendum_and_reopen_pages(client, auth, people, submitted):
    from supervision.operations import approve_all_remaining

    approve_all_remaining(
        submitted,
        people["manager"],
        start_session(people["manager"], supervisee=people["practitioner"]),
    )
    db.session.commit()
    auth.login(people["practitioner"])
    entry = submitted.completed_entries[0]
    page = client.get(f"/records/{submitted.id}").get_data(as_text=True)
    assert "Reopen for changes" in page
    assert "Six-month review due on" in page
    empty = client.post(f"/records/{submitted.id}/entries/{entry.id}/addendum", data={"text": ""})
    assert empty.status_code == 422
    client.post(f"/records/{submitted.id}/entries/{entry.id}/addendum", data={"text": "Booked"})
    assert "Addendum by Pat Practitioner" in client.get(f"/records/{submitted.id}").get_data(
        as_text=True
    )
    client.post(f"/records/{submitted.id}/reopen")
    page = client.get(f"/records/{submitted.id}").get_data(as_text=True)
    assert "Earlier signed-off versions" in page
    version = client.get(f"/records/{submitted.id}/versions/1").get_data(as_text=True)
    assert "See every child alone" in version
    assert "Booked" in version
    # The manager can read the version too; an outsider cannot.
    auth.login(people["outsider"])
    assert client.get(f"/records/{submitted.id}/versions/1").status_code == 403


def test_the_managers_view_orders_records_in_every_status():
    """A completed cycle once made the manager's view a 500: every status needs a place."""
    from pledges.models import RecordState
    from supervision.queries import PRIORITY

    assert set(RecordState) <= set(PRIORITY)


def _submit_one(make_record, person, *, team=None):
    record = make_record(person, team=team)
    save_entry(record.entries[0], person, {"pledge": "See every child alone"}, base_revision=1)
    submit_record(record, person)
    db.session.commit()
    return record


def test_a_seniors_acting_list_covers_every_manager_in_order_in_flat_queries(
    client, auth, people, make_user, make_team, make_record
):
    """What the senior's managers await: every manager's submitted records, managers in name
    order, each manager's people in name order; the queries do not grow with the managers."""
    from sqlalchemy import event

    senior = people["senior"]
    auth.login(senior)

    def page() -> tuple[str, int]:
        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            html = client.get("/supervision").get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return html, len(statements)

    _submit_one(make_record, people["practitioner"])
    _, few = page()
    for n in range(4):
        other = make_user(f"Manager {n}", line_manager=senior)
        for m in range(2):
            _submit_one(make_record, make_user(f"Zed {n}-{m}", line_manager=other))
        make_record(make_user(f"Amy {n}", line_manager=other))  # a draft: not listed
        team = make_team(f"Team {n}", manager=other, members=[make_user(f"Member {n}")])
        _submit_one(make_record, team.members[0], team=team)
    html, many = page()
    assert many == few
    acting = html.split("Awaiting sign-off by your managers")[1]
    rows = [name.strip() for name in re.findall(r'<th scope="row">([^<]+)', acting)]
    assert rows == [
        *[name for n in range(4) for name in (f"Team {n}", f"Zed {n}-0", f"Zed {n}-1")],
        "Pat Practitioner",
    ]
    assert acting.count("Line manager: Manager 0") == 3
    assert acting.count("Line manager: Morgan Manager") == 1
    assert "Amy" not in acting


def test_what_a_seniors_managers_await_is_sent_with_the_manager_alone_as_a_parameter(
    client, auth, people, make_record
):
    """Issue 14: the states awaiting sign-off are written into the statement's SQL and only the
    manager is sent: with the states sent too, PostgreSQL planned it on every request
    (core/planning.py)."""
    from sqlalchemy import event

    _submit_one(make_record, people["practitioner"])
    auth.login(people["senior"])
    sent = []

    def note(connection, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "after_cursor_execute", note)
    try:
        html = client.get("/supervision").get_data(as_text=True)
    finally:
        event.remove(db.engine, "after_cursor_execute", note)
    assert "Pat Practitioner" in html.split("Awaiting sign-off by your managers")[1]
    acting = [(s, p) for s, p in sent if "review_submitted" in s and "line_manager_id" in s]
    assert len(acting) == 1, sent
    _, parameters = acting[0]
    values = parameters.values() if isinstance(parameters, dict) else parameters
    assert list(values) == [people["senior"].id] * len(values), parameters
