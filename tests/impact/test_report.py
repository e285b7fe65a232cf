"""The impact report read from records made through the app's own operations, and its page:
who may read it, a district team held to its district, small numbers suppressed."""

from __future__ import annotations

from datetime import date

from impact.figures import Activity, ChangeLine, Evidenced, Share
from impact.queries import record_facts
from impact.report import impact_report
from people.models import Role

TODAY = date(2026, 11, 26)


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
