"""Queries per page do not grow with the data (issue 14).

Each key page is requested on a small data set, the data grows (more records, cycles, entries,
evidence, supervisees, history), and the page is requested again: the number of statements sent
to the database must be the same. A count that grows is an N+1 (one query per entry, per
supervisee, per cycle...), which is what made the pages slow at county size.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from core.database import db
from people.models import Agency, District, Role
from pledges.models import Entry, EvidenceSource
from pledges.operations import (
    add_addendum,
    add_finding,
    existing_record,
    reopen_record,
    save_entry,
    start_record,
    submit_record,
)
from pledges.review.operations import add_evidence, start_review
from supervision.operations import approve_all_remaining, return_entry, start_session

SIGNED_OFF_ON = date(2026, 5, 20)
SOURCES = [
    {EvidenceSource.SELF},
    {EvidenceSource.SERVICE_USER, EvidenceSource.MANAGER},
    {EvidenceSource.COLLEAGUE},
]


@pytest.fixture
def page_queries(app, client, count_queries):
    """The statements one GET of `path` sends (the page must answer 200).

    The request runs in an app context of its own, so its database session starts empty as in
    production: objects the test made are not there to spare the page a query.
    """

    def queries(path: str) -> list[str]:
        db.session.commit()
        with app.app_context(), count_queries() as statements:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return list(statements)

    return queries


def _pledge(record, by, positions):
    for position in positions:
        entry = record.entries[position]
        save_entry(entry, by, {"pledge": f"Pledge {position}"}, base_revision=entry.revision)


def _session(manager, record):
    if record.team is not None:
        return start_session(manager, team=record.team)
    return start_session(manager, supervisee=record.owner)


def signed_off(record, by, manager, *, pledges=(0, 4)):
    """Pledge, submit and sign off stage 1 (on 20 May 2026, so the review is due)."""
    _pledge(record, by, pledges)
    submit_record(record, by)
    with time_machine.travel(SIGNED_OFF_ON):
        approve_all_remaining(record, manager, _session(manager, record))
    db.session.commit()
    return record


def in_review(record, by, manager, *, pledges=(0, 4), evidence=2):
    """Signed off, review started, `evidence` pieces on each pledge."""
    signed_off(record, by, manager, pledges=pledges)
    start_review(record, by, today=record.review_due_on)
    for position in pledges:
        for number in range(evidence):
            add_evidence(
                record.entries[position],
                by,
                description=f"Evidence {number} for pledge {position}",
                sources=SOURCES[(position + number) % len(SOURCES)],
            )
    db.session.commit()
    return record


def completed(record, by, manager, **how):
    """A whole cycle: stage 1 and the review signed off."""
    in_review(record, by, manager, **how)
    submit_record(record, by)
    approve_all_remaining(record, manager, _session(manager, record))
    db.session.commit()
    return record


def test_my_records_costs_the_same_however_many_cycles_and_teams(
    people, auth, make_team, make_record, page_queries
):
    pat, morgan = people["practitioner"], people["manager"]
    make_record(pat)
    make_record(pat, team=people["team"])
    auth.login(pat)
    few = page_queries("/records")

    completed(existing_record(owner=pat), pat, morgan)
    start_record(pat)
    for number in range(3):
        team = make_team(f"More team {number}", manager=morgan, members=[pat])
        make_record(pat, team=team)
    db.session.commit()
    assert len(page_queries("/records")) == len(few)


def test_my_records_counts_pledges_without_loading_the_entries(
    people, auth, client, make_record, page_queries
):
    """Each record's number of pledges is counted in SQL: loading every entry of every record
    only to count them was 40 % of the page's CPU at county scale."""
    pat = people["practitioner"]
    record = make_record(pat)
    _pledge(record, pat, (0, 2))
    make_record(pat, team=people["team"])
    auth.login(pat)
    loaded = []

    def note(entry, context):
        loaded.append(entry)

    sa.event.listen(Entry, "load", note)
    try:
        page_queries("/records")
    finally:
        sa.event.remove(Entry, "load", note)
    assert loaded == []
    page = client.get("/records").get_data(as_text=True)
    own, team = page.split("My teams' records")
    assert "<td>2</td>" in own  # two pledges
    assert "<td>0</td>" in team


def test_a_record_with_all_its_entries_costs_the_same_however_much_is_in_it(
    people, auth, make_record, page_queries
):
    pat, morgan = people["practitioner"], people["manager"]
    small = in_review(make_record(pat), pat, morgan, pledges=(0,), evidence=1)
    auth.login(pat)
    few = page_queries(f"/records/{small.id}")
    review_few = page_queries(f"/records/{small.id}/review/{small.entries[0].id}")

    other = people["teammate"]
    big = make_record(other)
    for number in range(4):
        add_finding(big, other, title=f"Finding {number}", source="A local review")
    db.session.commit()
    in_review(big, other, morgan, pledges=tuple(range(16)), evidence=3)
    auth.login(other)
    many = page_queries(f"/records/{big.id}")
    assert len(many) == len(few), many
    review_many = page_queries(f"/records/{big.id}/review/{big.entries[0].id}")
    assert len(review_many) == len(review_few)


def test_the_record_page_reads_only_what_it_shows_of_key_points_and_people(
    people, auth, client, make_record, page_queries
):
    """Each row of a record's entries is repeated for each piece of evidence, so the page reads
    of each key point only its heading and of the people who decided an entry or wrote an
    addendum only their names: not the key points' guidance, the people's other columns or the
    text an entry had when decided. What it shows of them is still there, with no query more."""
    pat, morgan = people["practitioner"], people["manager"]
    returned = make_record(pat)
    _pledge(returned, pat, (0, 1))
    submit_record(returned, pat)
    return_entry(returned.entries[1], morgan, _session(morgan, returned), "Say how you will know")
    db.session.commit()
    auth.login(pat)
    plain = page_queries(f"/records/{returned.id}")
    assert "Comment from Morgan Manager" in client.get(f"/records/{returned.id}").get_data(
        as_text=True
    )

    other = people["teammate"]
    noted = signed_off(make_record(other), other, morgan)
    add_addendum(noted.entries[0], other, "Now weekly")
    db.session.commit()
    auth.login(other)
    statements = page_queries(f"/records/{noted.id}")
    assert "Addendum by Terry Teammate" in client.get(f"/records/{noted.id}").get_data(as_text=True)
    assert len(statements) == len(plain), statements
    (entries,) = [statement for statement in statements if "FROM entries" in statement]
    for unread in ("sub_points", "additional_detail", "password_hash", "text_at_decision"):
        assert unread not in entries


def test_a_reopened_record_costs_the_same_however_many_versions_it_has(
    people, auth, client, make_record, page_queries
):
    """A record's earlier versions are read only when it has some (a reopened record), in one
    statement however many there are; most records have none and send none."""
    pat, morgan = people["practitioner"], people["manager"]
    never = signed_off(make_record(pat), pat, morgan)
    auth.login(pat)
    unopened = page_queries(f"/records/{never.id}")
    assert not any("record_snapshots" in statement for statement in unopened)

    other = people["teammate"]
    record = signed_off(make_record(other), other, morgan)
    reopen_record(record, other)
    db.session.commit()
    auth.login(other)
    once = page_queries(f"/records/{record.id}")
    for _ in range(3):
        submit_record(record, other)
        approve_all_remaining(record, morgan, _session(morgan, record))
        reopen_record(record, other)
        db.session.commit()
    again = page_queries(f"/records/{record.id}")
    assert len(again) == len(once), again
    assert sum("record_snapshots" in statement for statement in again) == 1, [
        s for s in again if "record_snapshots" in s
    ]
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert [f"Version {number}</a>" in page for number in (1, 2, 3, 4, 5)] == [True] * 4 + [False]


def test_the_supervision_overview_costs_the_same_however_many_supervisees_and_cycles(
    people, auth, make_user, make_team, make_record, page_queries
):
    """Entries are loaded for the records awaiting sign-off alone, so both sizes have one."""
    senior, morgan, pat = people["senior"], people["manager"], people["practitioner"]
    record = make_record(pat)
    _pledge(record, pat, (0,))
    submit_record(record, pat)
    auth.login(morgan)
    few = page_queries("/supervision")
    auth.login(senior)
    senior_few = page_queries("/supervision")

    for number in range(4):
        person = make_user(f"Supervisee {number}", line_manager=morgan)
        completed(make_record(person), person, morgan)
        record = start_record(person)
        db.session.commit()
        _pledge(record, person, (0,))
        submit_record(record, person)
    team = make_team("Second team", manager=morgan, members=[people["teammate"]])
    make_record(people["teammate"], team=team)
    db.session.commit()
    auth.login(morgan)
    assert len(page_queries("/supervision")) == len(few)
    auth.login(senior)
    assert len(page_queries("/supervision")) == len(senior_few)


def test_a_supervision_session_costs_the_same_however_many_entries(
    people, auth, make_user, make_record, page_queries
):
    morgan = people["manager"]

    def session_with(person, findings: int, pledges):
        record = make_record(person)
        for number in range(findings):
            add_finding(record, person, title=f"Finding {number}")
        db.session.commit()
        _pledge(record, person, pledges)
        submit_record(record, person)
        session = start_session(morgan, supervisee=person)
        db.session.commit()
        return session

    small = session_with(people["practitioner"], 0, (0,))
    big = session_with(people["teammate"], 4, tuple(range(18)))
    auth.login(morgan)
    statements = page_queries(f"/supervision/sessions/{big.id}")
    assert len(statements) == len(page_queries(f"/supervision/sessions/{small.id}"))
    # Of each key point its heading, of the decider their name (the record page's reason).
    (entries,) = [statement for statement in statements if "FROM entries" in statement]
    for unread in ("sub_points", "additional_detail", "password_hash"):
        assert unread not in entries


def test_the_list_of_sessions_costs_the_same_however_many_sessions(
    people, auth, make_user, make_team, make_record, page_queries
):
    morgan = people["manager"]
    start_session(morgan, supervisee=people["practitioner"])
    start_session(morgan, team=make_team("First team", manager=morgan, members=[make_user()]))
    db.session.commit()
    auth.login(morgan)
    few = page_queries("/supervision/sessions")

    for number in range(3):
        person = make_user(f"Supervisee {number}", line_manager=morgan)
        record = make_record(person)
        _pledge(record, person, (0,))
        submit_record(record, person)
        start_session(morgan, supervisee=person)
        team = make_team(f"Team {number}", manager=morgan, members=[make_user()])
        start_session(morgan, team=team)
    db.session.commit()
    many = page_queries("/supervision/sessions")
    assert len(many) == len(few), many


@pytest.fixture
def county(people):
    """A second district and agency beside the people fixture's, and the collating roles."""
    south, health = District(name="South"), Agency(name="Health")
    db.session.add_all([south, health])
    db.session.commit()
    return {"south": south, "health": health}


def _grow_the_county(people, county, make_user, make_team, make_record):
    morgan = people["manager"]
    for number in range(4):
        person = make_user(
            f"County person {number}",
            line_manager=morgan,
            district=county["south"] if number % 2 else people["district"],
            agency=county["health"] if number < 2 else people["agency"],
        )
        if number % 2:
            completed(make_record(person), person, morgan, pledges=(0, 3, 7), evidence=3)
        else:
            signed_off(make_record(person), person, morgan)
        team = make_team(
            f"County team {number}",
            manager=morgan,
            members=[person],
            district=county["south"],
            agency=county["health"],
        )
        signed_off(make_record(person, team=team), person, morgan)


# The dashboard, with a key point (computed directly, not from the summaries), and the records
# behind its figures (issue 17), each a page of fifty at most.
COLLATION_PAGES = [
    "/collation",
    "/collation?key_point=1",
    "/collation/records",
    "/collation/records?key_point=1&status=complete",
    "/collation/records?judgement=improved",
    "/collation/records?support=others",
    "/collation/records?review=overdue",
]


@pytest.mark.parametrize("path", COLLATION_PAGES)
@pytest.mark.parametrize("who", ["training", "district"])
def test_the_dashboards_cost_the_same_however_large_the_county(
    people, county, auth, make_user, make_team, make_record, page_queries, who, path
):
    pat, morgan = people["practitioner"], people["manager"]
    completed(make_record(pat), pat, morgan)
    viewer = make_user(
        "Collating person",
        roles={Role.TRAINING_TEAM if who == "training" else Role.DISTRICT_TEAM},
        district=people["district"],
    )
    auth.login(viewer)
    few = page_queries(path)
    _grow_the_county(people, county, make_user, make_team, make_record)
    assert len(page_queries(path)) == len(few)


def test_the_admin_people_list_costs_the_same_however_many_people(
    people, auth, make_user, make_team, page_queries
):
    auth.login(people["admin"])
    few = page_queries("/admin/people")
    for number in range(30):
        person = make_user(
            f"Listed {number}",
            line_manager=people["manager"],
            agency=people["agency"],
            district=people["district"],
            roles={Role.DISTRICT_TEAM} if number % 3 == 0 else set(),
        )
        if number % 5 == 0:
            make_team(f"Listed team {number}", manager=people["manager"], members=[person])
    assert len(page_queries("/admin/people")) == len(few)


def test_the_overview_loads_each_supervisees_latest_cycle_only(people, make_record):
    """Earlier cycles are left in the database (they were all loaded, with their entries)."""
    from people.models import User
    from pledges.models import Record
    from supervision.queries import manager_overview

    pat, morgan = people["practitioner"], people["manager"]
    completed(make_record(pat), pat, morgan)
    start_record(pat)
    db.session.commit()
    manager_id, pat_id = morgan.id, pat.id
    db.session.expunge_all()
    loaded = []

    def note(record, context):
        loaded.append((record.owner_id, record.cycle))

    sa.event.listen(Record, "load", note)
    try:
        overview = manager_overview(db.session.get(User, manager_id))
    finally:
        sa.event.remove(Record, "load", note)
    line = next(line for line in overview.lines if line.person and line.person.id == pat_id)
    assert line.record.cycle == 2
    assert [cycle for owner_id, cycle in loaded if owner_id == pat_id] == [2]


def test_the_record_page_shows_the_latest_history_and_links_to_the_whole(
    people, auth, client, make_record
):
    from pledges.queries import RECENT_HISTORY

    pat = people["practitioner"]
    record = make_record(pat)
    for number in range(RECENT_HISTORY + 2):
        entry = record.entries[0]
        save_entry(entry, pat, {"pledge": f"Version {number}"}, base_revision=entry.revision)
    db.session.commit()
    auth.login(pat)
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    history = page.split('id="history-heading"')[1]
    assert history.count('class="history-when"') == RECENT_HISTORY
    # newest first; the change shows word by word (issue 15): "Version 10" -> "Version 11"
    assert re.search(rf"\[added: </span>\s*{RECENT_HISTORY + 1}\b", history)
    assert "Started the record" not in history
    assert f'href="/records/{record.id}/history"' in history
    whole = client.get(f"/records/{record.id}/history").get_data(as_text=True)
    assert whole.count('class="history-when"') == RECENT_HISTORY + 3
    assert "Started the record" in whole
    auth.login(people["outsider"])
    assert client.get(f"/records/{record.id}/history").status_code == 403
