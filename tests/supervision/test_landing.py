"""Landing where the work is: `/` by role, what waits for a manager, the next step on a record."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from core.clock import today_in_london
from core.database import db
from people.models import Role
from pledges.models import RecordState
from pledges.next_step import next_step
from supervision.queries import waiting_for_manager

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def put(record, state, *, manager, due=None):
    """Set a record's state directly, with the dates its state requires."""
    record.state = state
    record.submitted_at = NOW
    if state.is_signed_off:
        record.signed_off_at = NOW
        record.signed_off_by = manager
        record.review_due_on = due or date(2027, 5, 1)
    db.session.commit()
    return record


def landing(client):
    return client.get("/").headers["Location"]


def test_each_person_lands_where_their_work_is(client, auth, people, make_user):
    district = make_user("Dee District", roles={Role.DISTRICT_TEAM}, district=people["district"])
    training = make_user("Tia Training", roles={Role.TRAINING_TEAM})
    district_without_district = make_user("Nell Nowhere", roles={Role.DISTRICT_TEAM})
    expected = {
        people["manager"]: "/supervision",  # supervisees and a team
        people["senior"]: "/supervision",  # a supervisee only
        people["practitioner"]: "/records",
        people["outsider"]: "/records",
        district: "/collation",
        training: "/collation",
        district_without_district: "/records",
    }
    for person, where in expected.items():
        auth.login(person)
        assert landing(client) == where, person.name


def test_a_district_team_member_who_manages_someone_lands_on_supervision(
    client, auth, people, make_user
):
    district = make_user("Dee District", roles={Role.DISTRICT_TEAM}, district=people["district"])
    make_user("Sid Supervisee", line_manager=district)
    auth.login(district)
    assert landing(client) == "/supervision"


@pytest.fixture
def waiting_records(people, make_user, make_record):
    """Of the manager's: one record and one review submitted, one review overdue, and records
    that do not wait for them (a draft, a review not yet overdue, another manager's record)."""
    manager = people["manager"]
    today = today_in_london()
    submitted = put(make_record(people["practitioner"]), RecordState.SUBMITTED, manager=manager)
    team_review = put(
        make_record(people["practitioner"], team=people["team"]),
        RecordState.REVIEW_SUBMITTED,
        manager=manager,
    )
    overdue = put(
        make_record(people["teammate"]),
        RecordState.REVIEW_OPEN,
        manager=manager,
        due=today - timedelta(days=28),
    )
    third = make_user("Quinn Third", line_manager=manager)
    put(make_record(third), RecordState.SIGNED_OFF, manager=manager, due=today - timedelta(days=27))
    make_record(make_user("Drew Draft", line_manager=manager))
    put(make_record(people["manager"]), RecordState.SUBMITTED, manager=people["senior"])
    put(
        make_record(people["outsider"]),
        RecordState.REVIEW_OPEN,
        manager=people["senior"],
        due=today - timedelta(days=60),
    )
    return {"submitted": submitted, "team_review": team_review, "overdue": overdue}


def test_the_manager_is_told_exactly_what_waits_for_them(people, waiting_records):
    waiting = waiting_for_manager(people["manager"], today_in_london())
    assert [r.id for r in waiting.records] == [waiting_records["submitted"].id]
    assert [r.id for r in waiting.reviews] == [waiting_records["team_review"].id]
    assert [r.id for r in waiting.overdue_reviews] == [waiting_records["overdue"].id]
    senior = waiting_for_manager(people["senior"], today_in_london())
    assert len(senior.records) == 1
    assert not senior.reviews
    assert not senior.overdue_reviews


def test_the_supervision_page_leads_with_what_waits(client, auth, people, waiting_records):
    auth.login(people["manager"])
    html = client.get("/supervision").get_data(as_text=True)
    waiting = html.split('id="waiting-for-you"')[1].split("Your supervisees and teams")[0]
    assert "1 record awaits your sign-off" in waiting
    assert "1 review awaits your sign-off" in waiting
    assert "1 review is overdue" in waiting
    links = re.findall(r'href="/records/(\d+)"', waiting)
    assert sorted(int(i) for i in links) == sorted(r.id for r in waiting_records.values())
    assert html.index("Waiting for you") < html.index("Your supervisees and teams")


def test_counts_in_the_headings_are_plural_when_several_wait(
    client, auth, people, make_user, make_record
):
    manager = people["manager"]
    put(make_record(people["practitioner"]), RecordState.SUBMITTED, manager=manager)
    put(make_record(people["teammate"]), RecordState.SUBMITTED, manager=manager)
    auth.login(manager)
    html = client.get("/supervision").get_data(as_text=True)
    assert "2 records await your sign-off" in html
    assert "review awaits" not in html
    assert "overdue" not in html.split("Your supervisees")[0]


def test_nothing_waiting_says_so(client, auth, people):
    auth.login(people["manager"])
    html = client.get("/supervision").get_data(as_text=True)
    assert "Nothing awaits your sign-off, and none of your supervisees" in html


def test_what_waits_costs_the_same_queries_however_many_supervisees(
    app, people, make_user, make_record
):
    manager = people["manager"]

    def count() -> int:
        statements = []
        engine = db.engine

        def seen(*args):
            statements.append(args)

        sa.event.listen(engine, "before_cursor_execute", seen)
        try:
            waiting_for_manager(manager, today_in_london())
        finally:
            sa.event.remove(engine, "before_cursor_execute", seen)
        return len(statements)

    put(make_record(people["practitioner"]), RecordState.SUBMITTED, manager=manager)
    db.session.expire_all()
    few = count()
    for number in range(5):
        person = make_user(f"Extra {number}", line_manager=manager)
        put(make_record(person), RecordState.SUBMITTED, manager=manager)
    db.session.expire_all()
    # What waits is read from the overview's lines (the page makes them anyway): its queries.
    assert count() == few


def test_my_records_names_the_next_step(client, auth, people, make_record):
    practitioner = people["practitioner"]
    record = make_record(practitioner)
    auth.login(practitioner)
    html = client.get("/records").get_data(as_text=True)
    assert "Next: assess your practice and make at least one pledge" in html
    put(record, RecordState.SIGNED_OFF, manager=people["manager"], due=date(2027, 5, 23))
    html = client.get("/records").get_data(as_text=True)
    assert "Next: add evidence for the review due 23 May 2027" in html


@pytest.mark.parametrize(
    ("state", "words"),
    [
        (RecordState.SUBMITTED, "Next: your line manager signs it off in supervision"),
        (RecordState.RETURNED, "Next: change the returned entries and submit again"),
        (RecordState.REVIEW_OPEN, "Next: add evidence for the review due 23 May 2027"),
        (RecordState.REVIEW_SUBMITTED, "Next: your line manager signs the review off"),
        (RecordState.REVIEW_RETURNED, "Next: change the returned entries and submit the review"),
    ],
)
def test_next_step_for_each_state(people, make_record, state, words):
    record = put(
        make_record(people["practitioner"]), state, manager=people["manager"], due=date(2027, 5, 23)
    )
    assert next_step(record, date(2027, 1, 1)).startswith(words)


def test_next_step_says_when_the_review_is_overdue(people, make_record):
    record = put(
        make_record(people["practitioner"]),
        RecordState.SIGNED_OFF,
        manager=people["manager"],
        due=date(2027, 5, 23),
    )
    assert next_step(record, date(2027, 6, 20)).endswith("(overdue)")
    assert not next_step(record, date(2027, 6, 19)).endswith("(overdue)")


def test_a_draft_with_a_pledge_is_ready_to_submit(people, make_record):
    from pledges.operations import save_entry

    record = make_record(people["practitioner"])
    save_entry(
        record.entries[0], people["practitioner"], {"pledge": "See every child"}, base_revision=1
    )
    db.session.commit()
    assert next_step(record, date(2027, 1, 1)) == "Next: submit for sign-off"
