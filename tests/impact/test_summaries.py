"""The impact report kept current by the queue worker: the same report as a direct computation,
not used when out of date, refreshed by the reconcile when due, and a page whose queries do not
grow with the county."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.clock import today_in_london, utcnow
from core.database import db
from core.summaries import Summary, queue_refresh_if_due, store_summaries
from impact.figures import Activity
from impact.report import impact_report
from impact.summaries import KIND, current_report
from people.models import District, Role
from pledges.operations import save_entry, submit_record
from supervision.operations import approve_all_remaining, start_session
from tests.library.conftest import count_queries


def _one_more_signed_off(people, make_user, make_record):
    """Another practitioner in Chesterfield with a pledge, signed off by Pat's manager."""
    person = make_user(line_manager=people["manager"], district=people["district"])
    record = make_record(person)
    save_entry(record.entries[1], person, {"pledge": "More"}, base_revision=1)
    submit_record(record, person)
    manager = people["manager"]
    approve_all_remaining(record, manager, start_session(manager, supervisee=person))


def test_the_summaries_hold_the_report_a_direct_computation_gives(county, elsewhere):
    today = today_in_london()
    districts = db.session.scalars(sa.select(District.id)).all()
    assert store_summaries(KIND, today) == 1 + len(districts)  # the county and each district
    db.session.commit()
    for district_id in [None, *districts]:
        report, computed_at = current_report(district_id, today)
        assert computed_at is not None
        assert report == impact_report(district_id, today)
    # and the report is not empty: the comparison means something
    whole = current_report(None, today)[0]
    assert whole.total == Activity("All", 2, 3, 1)
    assert [line.improved for line in whole.changes] == [1, 0]
    assert current_report(elsewhere["district"].id, today)[0].total == Activity("All", 1, 1, 0)


def test_out_of_date_summaries_are_not_used(county):
    today = today_in_london()
    store_summaries(KIND, today - timedelta(days=1))  # yesterday's: shares of what was due then
    db.session.commit()
    assert current_report(None, today)[1] is None
    store_summaries(KIND, today)
    db.session.execute(sa.update(Summary).values(computed_at=utcnow() - timedelta(minutes=31)))
    db.session.commit()
    report, computed_at = current_report(None, today)  # the worker stopped: computed directly
    assert computed_at is None
    assert report == impact_report(None, today)


def test_summaries_stored_in_an_older_shape_are_computed_directly(county):
    today = today_in_london()
    store_summaries(KIND, today)
    db.session.execute(
        sa.update(Summary)
        .where(Summary.kind == KIND)
        .values(data={"total": {"name": "All"}}, computed_at=utcnow() - timedelta(minutes=2))
    )
    db.session.commit()
    report, computed_at = current_report(None, today)
    assert computed_at is None
    assert report == impact_report(None, today)


def test_a_change_shows_after_the_next_refresh(county, people, make_user, make_record):
    today = today_in_london()
    store_summaries(KIND, today)
    db.session.commit()
    assert current_report(None, today)[0].total.records == 2
    _one_more_signed_off(people, make_user, make_record)
    db.session.commit()
    assert current_report(None, today)[0].total.records == 2  # until the next refresh
    store_summaries(KIND, today)
    db.session.commit()
    assert current_report(None, today)[0].total.records == 3
    assert current_report(None, today)[0] == impact_report(None, today)


def test_the_reconcile_queues_a_refresh_when_the_summaries_are_due(county):
    def computed():
        db.session.expire_all()
        return db.session.scalar(sa.select(sa.func.max(Summary.computed_at)))

    assert queue_refresh_if_due(KIND, utcnow()) is True  # none yet (tests run tasks at once)
    first = computed()
    assert first is not None
    assert queue_refresh_if_due(KIND, utcnow()) is False  # fresh: nothing queued
    assert computed() == first
    assert queue_refresh_if_due(KIND, utcnow() + timedelta(minutes=6)) is True


def test_the_page_says_how_current_its_figures_are_and_shows_the_same(
    client, auth, make_user, county
):
    auth.login(make_user(roles={Role.TRAINING_TEAM}))
    direct = client.get("/impact?anonymise=1").get_data(as_text=True)
    assert "Figures as of" not in direct
    store_summaries(KIND)
    db.session.commit()
    stored = client.get("/impact?anonymise=1").get_data(as_text=True)
    assert "Figures as of" in stored
    assert "brought up to date every few minutes" in stored

    def lines(html):
        return [line for line in html.splitlines() if line.strip() and "Figures as of" not in line]

    assert lines(stored) == lines(direct)


@pytest.mark.parametrize("stored", [False, True])
def test_the_page_costs_the_same_queries_however_many_records(
    app, client, auth, people, make_user, make_record, county, stored
):
    auth.login(make_user(roles={Role.TRAINING_TEAM}))

    def page_queries():
        if stored:
            store_summaries(KIND)
        db.session.commit()
        with app.app_context(), count_queries() as statements:
            assert client.get("/impact").status_code == 200
        return len(statements)

    few = page_queries()
    for _ in range(3):
        _one_more_signed_off(people, make_user, make_record)
    assert page_queries() == few
