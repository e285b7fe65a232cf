"""Stage 1 through the test client: pages, saving, conflicts, bad input, submission, access."""

from __future__ import annotations

import re

import pytest

from core.database import db
from pledges.models import Record, RecordState
from pledges.operations import save_entry, submit_record
from tests.conftest import csrf_token_from


def entry_form(entry, **typed):
    """What the entry page posts: the typed text and what the page was loaded with."""
    data = {"revision": entry.revision, "then": "stay"}
    for name, value in entry.text_values().items():
        data[name] = value
        data[f"original_{name}"] = value
    data.update(typed)
    return data


def test_my_records_offers_to_start_my_record_and_my_teams(client, auth, people, framework):
    auth.login(people["practitioner"])
    page = client.get("/records")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Start my record" in html
    assert "North team" in html
    assert "Start the team's record" in html


def test_starting_my_record_opens_it_with_the_three_areas_and_fourteen_points(
    client, auth, people, framework
):
    auth.login(people["practitioner"])
    response = client.post("/records/start")
    assert response.status_code == 302
    record = db.session.query(Record).one()
    assert response.headers["Location"] == f"/records/{record.id}"
    html = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "Children/young people ~ parents/carers" in html
    assert "Process of ‘case’ management" in html
    assert "Principles of good practice" in html
    for number in range(1, 15):
        assert f"{number}) " in html
    assert "Started the record" in html


def test_starting_a_team_record_needs_membership(client, auth, people, framework, make_team):
    other_team = make_team("Other team", members=[people["outsider"]])
    auth.login(people["practitioner"])
    assert client.post("/records/start", data={"team_id": other_team.id}).status_code == 403
    response = client.post("/records/start", data={"team_id": people["team"].id})
    assert response.status_code == 302
    assert db.session.query(Record).one().team == people["team"]


def test_starting_twice_says_so(client, auth, people, make_record):
    make_record(people["practitioner"])
    auth.login(people["practitioner"])
    response = client.post("/records/start", follow_redirects=True)
    assert "You already have a record for this cycle." in response.get_data(as_text=True)


def test_the_entry_page_shows_the_paper_labels_and_the_guidance(client, auth, people, make_record):
    record = make_record(people["practitioner"])
    entry = record.entries[3]  # 4) Assessment
    auth.login(people["practitioner"])
    html = client.get(f"/records/{record.id}/entries/{entry.id}").get_data(as_text=True)
    assert "4) Assessment" in html
    for label in (
        "Examples of current good practice",
        "To improve my/our practice in relation to this finding/recommendation I/we pledge to…",
        "Factors that will help",
        "Factors that may hinder",
        "Anticipated signs of success ~ I/we will know that things are improving when…",
    ):
        assert f">{label}</label>" in html
    assert "<details" in html
    assert "Guidance for this point" in html
    assert "Chronologies and records of significant and critical events matter" in html
    assert "data-warn-unsaved" in html


def test_saving_an_entry_keeps_the_text_and_goes_where_asked(client, auth, people, make_record):
    record = make_record(people["practitioner"])
    entry = record.entries[0]
    auth.login(people["practitioner"])
    url = f"/records/{record.id}/entries/{entry.id}"
    response = client.post(url, data=entry_form(entry, pledge="See every child alone", then="next"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/records/{record.id}/entries/{record.entries[1].id}"
    db.session.refresh(entry)
    assert entry.pledge == "See every child alone"
    response = client.post(url, data=entry_form(entry, helps="Supervision", then="record"))
    assert response.headers["Location"] == f"/records/{record.id}#entry-{entry.id}"
    html = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "See every child alone" in html
    assert "Supervision" in html


def test_over_long_text_is_refused_next_to_its_field_and_the_rest_is_saved(
    client, auth, app, people, make_record
):
    record = make_record(people["practitioner"])
    entry = record.entries[0]
    auth.login(people["practitioner"])
    limit = app.config["FIELD_MAX_CHARACTERS"]
    too_long = "x" * (limit + 1)
    response = client.post(
        f"/records/{record.id}/entries/{entry.id}",
        data=entry_form(entry, pledge="Kept pledge", hinders=too_long),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert f"must be {limit:,} characters or fewer. It has {limit + 1:,}" in html
    assert 'href="#hinders"' in html  # the summary links to the field
    assert too_long in html  # the text is still in the box
    db.session.refresh(entry)
    assert entry.pledge == "Kept pledge"
    assert entry.hinders == ""


def test_a_teammate_saving_the_same_field_sees_both_texts_and_chooses(
    client, app, auth, people, make_record
):
    record = make_record(people["teammate"], team=people["team"])
    entry = record.entries[0]
    loaded_by_teammate = entry_form(entry)
    url = f"/records/{record.id}/entries/{entry.id}"
    auth.login(people["practitioner"])
    client.post(url, data=entry_form(entry, pledge="Pat's words"))

    teammate = app.test_client()
    with teammate.session_transaction() as session:
        session["_user_id"] = people["teammate"].session_token
    response = teammate.post(url, data={**loaded_by_teammate, "pledge": "Terry's words"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved this point while you were editing" in html
    assert "Pat Practitioner saved this on" in html
    assert "Pat&#39;s words" in html  # theirs, shown
    assert "Terry&#39;s words" in html  # mine, still in the box
    db.session.refresh(entry)
    assert entry.pledge == "Pat's words"

    # The page now carries the current revision: choosing "theirs" keeps Pat's text.
    revision = int(re.search(r'name="revision" type="hidden" value="(\d+)"', html).group(1))
    assert revision == entry.revision
    chosen = {
        **entry_form(entry),
        "pledge": "Terry's words",
        "choice_pledge": "theirs",
    }
    assert teammate.post(url, data=chosen).status_code == 302
    db.session.refresh(entry)
    assert entry.pledge == "Pat's words"


def test_an_expired_form_keeps_the_text_typed(client, app, auth, people, make_record):
    record = make_record(people["practitioner"])
    entry = record.entries[0]
    auth.login(people["practitioner"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            f"/records/{record.id}/entries/{entry.id}",
            data={**entry_form(entry, pledge="Typed before lunch"), "csrf_token": "expired"},
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "the page had expired" in html
    assert "Typed before lunch" in html
    csrf_token_from(html)  # a fresh token to save again with
    db.session.refresh(entry)
    assert entry.pledge == ""


def test_an_expired_form_elsewhere_gets_a_clear_page_not_a_crash(client, app, auth, people):
    auth.login(people["practitioner"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/records/start", data={"csrf_token": "stale"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "This page had expired" in response.get_data(as_text=True)


def test_adding_and_removing_a_finding(client, auth, people, make_record):
    record = make_record(people["practitioner"])
    auth.login(people["practitioner"])
    empty = client.post(f"/records/{record.id}/findings/new", data={"finding_title": " "})
    assert empty.status_code == 422
    assert "Enter the finding or recommendation" in empty.get_data(as_text=True)
    response = client.post(
        f"/records/{record.id}/findings/new",
        data={"finding_title": "Information lost on moving", "finding_source": "Solihull 2011"},
    )
    assert response.status_code == 302
    finding = record.added_findings[0]
    assert response.headers["Location"] == f"/records/{record.id}/entries/{finding.id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Information lost on moving" in html
    assert client.post(f"/records/{record.id}/entries/{finding.id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.get(Record, record.id).added_findings == []


def test_submitting_without_a_pledge_says_what_is_missing(client, auth, people, make_record):
    record = make_record(people["practitioner"])
    auth.login(people["practitioner"])
    response = client.post(f"/records/{record.id}/submit")
    assert response.status_code == 422
    assert "Write a pledge for at least one key point or finding." in response.get_data(
        as_text=True
    )
    db.session.refresh(record)
    assert record.state is RecordState.DRAFT


def test_submitting_sends_the_record_to_the_manager_and_locks_it(client, auth, people, make_record):
    practitioner = people["practitioner"]
    record = make_record(practitioner)
    save_entry(record.entries[0], practitioner, {"pledge": "A pledge"}, base_revision=1)
    db.session.commit()
    auth.login(practitioner)
    page = client.get(f"/records/{record.id}/submit").get_data(as_text=True)
    assert "Morgan Manager" in page
    response = client.post(f"/records/{record.id}/submit", follow_redirects=True)
    assert "Your record has been sent to Morgan Manager for sign-off." in response.get_data(
        as_text=True
    )
    db.session.refresh(record)
    assert record.state is RecordState.SUBMITTED
    entry = record.entries[0]
    # Read-only to its owners now: the page redirects and a post changes nothing.
    assert client.get(f"/records/{record.id}/entries/{entry.id}").status_code == 302
    response = client.post(
        f"/records/{record.id}/entries/{entry.id}", data=entry_form(entry, pledge="Changed")
    )
    assert "cannot be changed now" in response.get_data(as_text=True)
    assert "Changed" in response.get_data(as_text=True)  # the typed text is shown, not lost
    db.session.refresh(entry)
    assert entry.pledge == "A pledge"


@pytest.mark.parametrize(
    ("who", "status"),
    [("practitioner", 200), ("manager", 200), ("senior", 200), ("admin", 200), ("outsider", 403)],
)
def test_who_can_see_a_record(client, auth, people, make_record, who, status):
    record = make_record(people["practitioner"])
    auth.login(people[who])
    assert client.get(f"/records/{record.id}").status_code == status


def test_only_owners_edit_a_record(client, auth, people, make_record):
    record = make_record(people["practitioner"])
    entry = record.entries[0]
    for who in ("manager", "outsider", "teammate"):
        auth.login(people[who])
        response = client.post(
            f"/records/{record.id}/entries/{entry.id}", data=entry_form(entry, pledge="Not mine")
        )
        assert response.status_code == 403
    db.session.refresh(entry)
    assert entry.pledge == ""


def test_a_teammate_edits_the_team_record(client, auth, people, make_record):
    record = make_record(people["practitioner"], team=people["team"])
    entry = record.entries[2]
    auth.login(people["teammate"])
    response = client.post(
        f"/records/{record.id}/entries/{entry.id}", data=entry_form(entry, pledge="Our pledge")
    )
    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.pledge == "Our pledge"
    assert entry.updated_by == people["teammate"]


def test_unknown_records_and_entries_are_not_found(client, auth, people, make_record):
    record = make_record(people["practitioner"])
    other = make_record(people["teammate"])
    auth.login(people["practitioner"])
    assert client.get("/records/999999").status_code == 404
    # An entry of another record, reached through my record's address.
    assert client.get(f"/records/{record.id}/entries/{other.entries[0].id}").status_code == 404


def test_record_details_are_edited_with_messages_next_to_fields(client, auth, people, make_record):
    record = make_record(people["practitioner"])
    auth.login(people["practitioner"])
    response = client.post(
        f"/records/{record.id}/details",
        data={"name": "", "email": "not an email", "telephone": "1", "work_base_address": ""},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter the name of the individual or team" in html
    assert "Enter an email address in the right form" in html
    response = client.post(
        f"/records/{record.id}/details",
        data={
            "name": "Pat P",
            "email": "pat@example.org",
            "telephone": "1",
            "work_base_address": "",
        },
    )
    assert response.status_code == 302
    db.session.refresh(record)
    assert (record.name, record.email) == ("Pat P", "pat@example.org")


def test_a_record_name_with_a_line_break_is_refused_by_the_field(client, auth, people, make_record):
    """The name goes into email subjects: a line break there broke every email about the record."""
    record = make_record(people["practitioner"])
    auth.login(people["practitioner"])
    for name in ("Pat\nBcc: someone@example.org", "Pat\r\nP", "Pat\u2028P"):
        response = client.post(
            f"/records/{record.id}/details",
            data={"name": name, "email": "", "telephone": "", "work_base_address": ""},
        )
        assert response.status_code == 422
        assert "The name must be on one line: take out the line break" in response.get_data(
            as_text=True
        )
    db.session.refresh(record)
    assert "\n" not in record.name


def test_the_framework_page_lists_every_key_point_with_its_source(client, auth, people, framework):
    auth.login(people["practitioner"])
    html = client.get("/framework").get_data(as_text=True)
    assert "Three areas and fourteen key points for Derbyshire" in html
    assert "Derbyshire Safeguarding Children Board" in html
    assert html.count("<h3>") == 14


def test_a_manager_sees_a_submitted_record_read_only(client, auth, people, make_record):
    practitioner = people["practitioner"]
    record = make_record(practitioner)
    save_entry(record.entries[0], practitioner, {"pledge": "A pledge"}, base_revision=1)
    submit_record(record, practitioner)
    db.session.commit()
    auth.login(people["manager"])
    html = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "A pledge" in html
    assert "Submitted for sign-off" in html
    assert "Check and submit" not in html


def test_null_characters_and_odd_unicode_are_saved_without_a_crash(
    client, auth, people, make_record
):
    record = make_record(people["practitioner"])
    entry = record.entries[0]
    auth.login(people["practitioner"])
    typed = "Ł Ж Ω 🙂 <b>&amp;</b>\x00 \u202e tail"
    response = client.post(
        f"/records/{record.id}/entries/{entry.id}", data=entry_form(entry, pledge=typed)
    )
    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.pledge == typed.replace("\x00", "")
    html = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in html  # shown as text, never as markup
    auth.logout()
    assert client.post("/sign-in", data={"email": "a\x00@b.c", "password": "x"}).status_code in (
        200,
        401,
    )
