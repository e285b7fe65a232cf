"""The dashboard's summaries: the same figures as a direct computation, kept current by the
queue worker, and not used where they do not answer the selection or are out of date."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from collation.queries import dashboard_figures
from collation.selection import MultiAgency, Selection
from collation.summaries import KIND, SUMMARY_MAX_AGE, figures_for
from core import queue
from core.clock import today_in_london, utcnow
from core.database import db
from core.summaries import Summary, queue_refresh_if_due, store_summaries
from people.models import Agency, District, Team
from tests.collation import test_collation, test_record_list

county = test_collation.county  # the fixture: two districts, three records, a complete review


def refresh_dashboard_summaries(today=None) -> int:
    """What the queue worker's `refresh_dashboard_summaries` does (the caller commits)."""
    return store_summaries(KIND, today)


def _dashboard(column):
    return sa.select(column).where(Summary.kind == KIND)


def _selections() -> list[Selection]:
    districts = db.session.scalars(sa.select(District)).all()
    agencies = db.session.scalars(sa.select(Agency)).all()
    return [
        Selection(),
        *(Selection(district=d) for d in districts),
        *(Selection(locked_district=d) for d in districts),
        *(Selection(agency=a) for a in agencies),
        Selection(agency=MultiAgency()),
        *(Selection(key_point_number=n) for n in (1, 2, 5, 14)),
        *(Selection(district=d, key_point_number=2) for d in districts),
        *(Selection(locked_district=d, key_point_number=1) for d in districts),
        *(Selection(agency=a, key_point_number=n) for a in agencies for n in (1, 2)),
        Selection(agency=MultiAgency(), key_point_number=1),
    ]


def test_the_summaries_answer_as_a_direct_computation_does(county):
    today = today_in_london()
    # the county, two districts, two agencies, and the multi-agency teams; each alone and with
    # each of the fourteen key points chosen
    assert refresh_dashboard_summaries(today) == (1 + 2 + 2 + 1) * (1 + 14)
    db.session.commit()
    for selection in _selections():
        summarised = figures_for(selection, today)
        assert summarised.computed_at is not None, selection.describe()
        assert summarised.figures == dashboard_figures(selection, today), selection.describe()
    # and the figures are not empty: the comparison means something
    county_figures = figures_for(Selection(), today).figures
    assert county_figures.records == 3
    assert dict(county_figures.evidence_by_source)["SUR – Service user report"] == 1


def test_selections_the_summaries_do_not_cover_are_computed_directly(county):
    today = today_in_london()
    refresh_dashboard_summaries(today)
    db.session.commit()
    district = db.session.scalars(sa.select(District).order_by(District.name)).first()
    agency = db.session.scalars(sa.select(Agency).order_by(Agency.name)).first()
    team = db.session.scalars(sa.select(Team)).first()
    for selection in (
        Selection(team=team),
        Selection(district=district, agency=agency),
        Selection(signed_off_from=today - timedelta(days=400)),
        Selection(team=team, key_point_number=2),
    ):
        direct = figures_for(selection, today)
        assert direct.computed_at is None
        assert direct.figures == dashboard_figures(selection, today)


def test_out_of_date_summaries_are_not_used(county):
    today = today_in_london()
    refresh_dashboard_summaries(today - timedelta(days=1))
    db.session.commit()
    assert figures_for(Selection(), today).computed_at is None  # yesterday's due dates
    refresh_dashboard_summaries(today)
    db.session.execute(
        sa.update(Summary)
        .where(Summary.kind == KIND)
        .values(computed_at=utcnow() - SUMMARY_MAX_AGE - timedelta(minutes=1))
    )
    db.session.commit()
    assert figures_for(Selection(), today).computed_at is None  # the worker has stopped


def test_a_change_shows_after_the_next_refresh(county, make_user, make_record):
    today = today_in_london()
    refresh_dashboard_summaries(today)
    db.session.commit()
    before = figures_for(Selection(), today).figures.records
    make_record(make_user())
    assert figures_for(Selection(), today).figures.records == before
    refresh_dashboard_summaries(today)
    db.session.commit()
    assert figures_for(Selection(), today).figures.records == before + 1


def test_summaries_stored_in_an_older_shape_are_computed_directly(county):
    """Until the next refresh after an upgrade, a summary without a figure the code now counts
    is not used."""
    today = today_in_london()
    refresh_dashboard_summaries(today)
    older = {"records": 3, "by_status": [["Draft", 1]]}
    db.session.execute(
        sa.update(Summary)
        .where(Summary.kind == KIND)
        .values(data=older, computed_at=utcnow() - timedelta(minutes=2))
    )
    db.session.commit()
    direct = figures_for(Selection(), today)
    assert direct.computed_at is None
    assert direct.figures == dashboard_figures(Selection(), today)


def test_each_worker_decodes_a_summary_once(county, count_queries):
    """The county's figures are 100 KB of JSON: read and decoded once, then only its date and
    time are read, until the next refresh."""
    today = today_in_london()
    refresh_dashboard_summaries(today)
    db.session.commit()
    with count_queries() as first:
        figures = figures_for(Selection(), today).figures
    with count_queries() as again:
        assert figures_for(Selection(), today).figures is figures
    assert len(first) == 2
    assert len(again) == 1
    assert "data" not in again[0].split("FROM")[0]
    refresh_dashboard_summaries(today)
    db.session.commit()
    with count_queries() as refreshed:
        assert figures_for(Selection(), today).figures == figures
    assert len(refreshed) == 2  # computed again: read again


def test_the_reconcile_queues_a_refresh_when_the_summaries_are_due(county):
    assert queue_refresh_if_due(KIND, utcnow()) is True  # none yet: the task runs at once in tests
    computed = db.session.scalar(_dashboard(sa.func.max(Summary.computed_at)))
    assert computed is not None
    assert queue_refresh_if_due(KIND, utcnow()) is False  # fresh: nothing queued
    assert db.session.scalar(_dashboard(sa.func.max(Summary.computed_at))) == computed
    assert queue_refresh_if_due(KIND, utcnow() + timedelta(minutes=6)) is True
    db.session.expire_all()
    assert db.session.scalar(_dashboard(sa.func.count(Summary.id))) == 6 * 15


def test_the_refresh_interval_is_a_setting(app, county, monkeypatch):
    monkeypatch.setitem(app.config, "DASHBOARD_SUMMARY_MINUTES", 10)
    assert queue_refresh_if_due(KIND, utcnow()) is True
    assert queue_refresh_if_due(KIND, utcnow() + timedelta(minutes=6)) is False
    assert queue_refresh_if_due(KIND, utcnow() + timedelta(minutes=11)) is True


def test_the_schedulers_reconcile_queues_both_kinds_of_summary(county):
    """`flask scheduler` runs `queue.reconcile` every minute: it queues the dashboard's and the
    impact report's refreshes, each when due, into the one store."""

    def stored():
        db.session.expire_all()
        rows = db.session.execute(
            sa.select(Summary.kind, sa.func.max(Summary.computed_at)).group_by(Summary.kind)
        )
        return dict(rows.all())

    queue.reconcile(utcnow())  # tests run queued tasks at once
    first = stored()
    assert set(first) == {"dashboard", "impact"}
    queue.reconcile(utcnow())
    assert stored() == first  # fresh: nothing queued
    with time_machine.travel(utcnow() + timedelta(minutes=6), tick=False):
        queue.reconcile(utcnow())  # due: both computed again
    assert all(later > first[kind] for kind, later in stored().items())


def test_the_dashboard_says_how_current_its_figures_are(client, auth, county):
    auth.login(county["training"])
    assert "Figures as of" not in client.get("/collation").get_data(as_text=True)
    refresh_dashboard_summaries()
    db.session.commit()
    html = client.get("/collation").get_data(as_text=True)
    assert "Figures as of" in html
    assert "brought up to date every few minutes" in html


def test_the_team_filter_lists_the_teams_of_the_district_chosen(client, auth, county):
    south = db.session.scalar(sa.select(District).where(District.name == "South District"))
    north = db.session.scalar(sa.select(District).where(District.name == "North District"))
    db.session.add(Team(name="Northern team", district=north))
    db.session.commit()
    auth.login(county["training"])

    def teams_offered(path):
        html = client.get(path).get_data(as_text=True)
        return re.findall(r'<option value="\d+"[^>]*>([^<]+ team)</option>', html), html

    offered, county_page = teams_offered("/collation")
    assert offered == []
    assert "Choose a district and apply the filters to list its teams." in county_page
    assert teams_offered(f"/collation?district={south.id}")[0] == ["Tiny team"]
    tiny = db.session.scalar(sa.select(Team).where(Team.name == "Tiny team"))
    assert teams_offered(f"/collation?team={tiny.id}")[0] == ["Tiny team"]  # the one chosen
    auth.login(county["north_team"])
    assert teams_offered("/collation")[0] == ["Northern team"]


# A county known by hand (tests/collation/test_record_list.py): judgements, a multi-agency team,
# pledges on two key points with different evidence on each.
known = test_record_list.county


def test_each_key_points_summary_answers_as_a_direct_computation_does(known):
    today = today_in_london()
    refresh_dashboard_summaries(today)
    db.session.commit()
    selections = [
        Selection(key_point_number=number, **place)
        for number in range(1, 15)
        for place in (
            {},
            {"district": known["north"]},
            {"locked_district": known["south"]},
            {"agency": known["police"]},
            {"agency": MultiAgency()},
        )
    ]
    for selection in selections:
        summarised = figures_for(selection, today)
        assert summarised.computed_at is not None, selection.describe()
        assert summarised.figures == dashboard_figures(selection, today), selection.describe()
    on_two = figures_for(Selection(key_point_number=2), today).figures
    assert on_two.review_support == [
        ("Self report only", 1),
        ("With service user, manager or colleague evidence", 0),
    ]
    assert on_two.judgements[0] == ("Improved", 1)
    assert on_two.reviews_overdue == 1
    assert on_two.signed_off_records == 2


def test_the_refresh_costs_the_same_however_many_key_points_have_pledges(
    known, make_record, count_queries
):
    """One grouped query per figure for all the key points, not one per key point."""
    today = today_in_london()
    with count_queries() as before:
        refresh_dashboard_summaries(today)
    db.session.commit()
    alice, boss = known["alice"], known["boss"]
    test_record_list._sign_off(
        make_record(alice), alice, boss, today - timedelta(days=10), (2, 3, 4, 5, 6, 7, 8)
    )
    with count_queries() as after:
        refresh_dashboard_summaries(today)
    reads = [s for s in before if s.lstrip().upper().startswith("SELECT")]
    assert len([s for s in after if s.lstrip().upper().startswith("SELECT")]) == len(reads)
    # Six scopes (the county, two districts, two agencies, the multi-agency teams): about two
    # dozen reads each, where a set of queries per key point would be over two hundred.
    assert len(reads) < 6 * 40
    assert figures_for(Selection(key_point_number=9), today).figures.signed_off_records == 1


def test_the_team_chart_draws_the_largest_teams_and_says_where_the_rest_are(app):
    """A county's 1,350 teams made a 400 KB chart nobody could read: the largest 25 are drawn."""
    from collation.queries import Figures, _keyed
    from collation.summaries import TEAMS_SHOWN, DashboardFigures, dashboard_charts

    figures = Figures()
    _keyed(figures, "by_team", [(f"Team {n:02}", 100 - n, str(n)) for n in range(40)])
    with app.test_request_context("/collation"):
        html = str(dashboard_charts(DashboardFigures(figures, computed_at=None), Selection()))
    teams = html.split('id="teams-heading"')[1].split("</section>")[0]
    assert teams.count("<rect") == TEAMS_SHOWN == 25
    assert "Team 24" in teams
    assert "Team 25" not in teams
    assert len(re.findall(r'href="[^"]*team=', teams)) == TEAMS_SHOWN
    assert "The 25 teams with the most signed-off records are shown, of 40." in teams
