"""The impact report read from records made through the app's own operations, and its page:
who may read it, a district team held to its district, small numbers suppressed."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from core.clock import LONDON
from core.database import db
from impact.figures import Activity, ChangeLine, Evidenced, Share
from impact.queries import record_facts
from impact.report import impact_report
from people.models import Role
from pledges.models import EvidenceSource
from pledges.operations import save_entry, submit_record
from pledges.review.operations import add_evidence, save_review, start_review
from supervision.operations import approve_all_remaining, start_session

TODAY = date(2026, 11, 26)


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=LONDON))


@pytest.fixture
def county(people, elsewhere, make_record):
    """Pat (Chesterfield): submitted 1 March, signed off 20 March (in its month); review due
    20 September, handed in 25 September with SR and MR evidence, judged improved, signed off
    30 September. Jo (High Peak): submitted 1 April, signed off 15 June (late); review due
    15 December. Terry: a draft, never submitted."""
    pat, morgan = people["practitioner"], people["manager"]
    jo, mel = elsewhere["person"], elsewhere["manager"]
    with at(date(2026, 3, 1)):
        mine = make_record(pat)
        save_entry(mine.entries[0], pat, {"pledge": "See children alone"}, base_revision=1)
        save_entry(mine.entries[1], pat, {"pledge": "Write it down"}, base_revision=1)
        submit_record(mine, pat)
    with at(date(2026, 3, 20)):
        approve_all_remaining(mine, morgan, start_session(morgan, supervisee=pat))
    with at(date(2026, 9, 20)):
        start_review(mine, pat, today=date(2026, 9, 20))
        entry = mine.entries[0]
        add_evidence(
            entry,
            pat,
            description="Manager saw it",
            sources={EvidenceSource.SELF, EvidenceSource.MANAGER},
        )
        save_review(entry, pat, {"judgement_value": "improved"}, base_revision=entry.revision)
        other = mine.entries[1]
        add_evidence(other, pat, description="I did", sources={EvidenceSource.SELF})
        save_review(other, pat, {"judgement_value": "worse"}, base_revision=other.revision)
    with at(date(2026, 9, 25)):
        submit_record(mine, pat)
    with at(date(2026, 9, 30)):
        approve_all_remaining(mine, morgan, start_session(morgan, supervisee=pat))
    with at(date(2026, 4, 1)):
        theirs = make_record(jo)
        save_entry(theirs.entries[3], jo, {"pledge": "Share sooner"}, base_revision=1)
        submit_record(theirs, jo)
    with at(date(2026, 6, 15)):
        approve_all_remaining(theirs, mel, start_session(mel, supervisee=jo))
    draft = make_record(people["teammate"])
    save_entry(draft.entries[0], people["teammate"], {"pledge": "Not yet"}, base_revision=1)
    db.session.commit()
    return {"mine": mine, "theirs": theirs}


def test_the_facts_carry_the_dates_the_report_measures(county):
    mine, theirs = record_facts()
    assert mine.first_submitted_on == date(2026, 3, 1)
    assert mine.first_signed_off_on == date(2026, 3, 20)
    assert mine.review_due_on == date(2026, 9, 20)
    assert mine.review_submitted_on == date(2026, 9, 25)
    assert mine.review_signed_off_on == date(2026, 9, 30)
    assert mine.review_sources == {"SR", "MR"}
    assert (mine.pledges, mine.district) == (2, "Chesterfield")
    assert theirs.review_submitted_on is None
    assert (theirs.agency, theirs.district) == ("Health visiting", "High Peak")


def test_the_report_answers_the_three_questions(county):
    report = impact_report(None, TODAY)
    assert report.by_district == [Activity("Chesterfield", 1, 2, 1), Activity("High Peak", 1, 1, 0)]
    assert report.total == Activity("All", 2, 3, 1)
    assert report.signed_off_in_a_month == Share(1, 2)
    assert report.reviews_on_time == Share(1, 1)  # Jo's is not due until 15 December
    assert report.evidence == Evidenced(0, 1, 0)
    assert [(line.key_point[:3], line.improved, line.worse) for line in report.changes] == [
        ("1) ", 1, 0),
        ("2) ", 0, 1),
    ]
    assert isinstance(report.changes[0], ChangeLine)


def test_a_district_sees_its_own_figures(county, elsewhere):
    report = impact_report(elsewhere["district"].id, TODAY)
    assert report.total == Activity("All", 1, 1, 0)
    assert report.signed_off_in_a_month == Share(0, 1)
    assert report.changes == []


def test_who_may_read_the_report(client, auth, people, make_user, county):
    assert client.get("/impact").status_code == 302  # to sign in
    for person in (people["practitioner"], people["manager"]):
        auth.login(person)
        assert client.get("/impact").status_code == 403
    for roles in ({Role.TRAINING_TEAM}, {Role.ADMINISTRATOR}):
        auth.login(make_user(roles=roles))
        page = client.get("/impact").get_data(as_text=True)
        assert "the whole county" in page
        assert "High Peak" in page


def test_a_district_team_is_held_to_its_district(
    client, auth, people, make_user, elsewhere, county
):
    auth.login(make_user(roles={Role.DISTRICT_TEAM}, district=people["district"]))
    page = client.get(f"/impact?district={elsewhere['district'].id}").get_data(as_text=True)
    assert "Impact report: Chesterfield" in page
    assert "High Peak" not in page
    assert 'id="district"' not in page  # no choice of district to make


def test_the_anonymised_view_suppresses_small_numbers(client, auth, make_user, county):
    auth.login(make_user(roles={Role.TRAINING_TEAM}))
    plain = client.get("/impact").get_data(as_text=True)
    assert "fewer than 5" not in plain
    assert "50% (1 of 2)" in plain
    anonymised = client.get("/impact?anonymise=1").get_data(as_text=True)
    assert "fewer than 5 signed-off records" in anonymised
    assert "not shown: fewer than 5 in all" in anonymised
    assert "50%" not in anonymised
