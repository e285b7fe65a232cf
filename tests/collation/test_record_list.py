"""The records behind each figure of the dashboard (issue 17): as many as the figure says, only
signed-off ones, only those the reader may read, and the dashboard's filters kept both ways."""

from __future__ import annotations

import html as html_module
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
import time_machine

from collation.summaries import KIND as DASHBOARD
from core.clock import today_in_london
from core.database import db
from core.summaries import store_summaries
from people.models import Agency, District, Role
from pledges.models import EvidenceSource, Record
from pledges.operations import save_entry, submit_record
from pledges.review.operations import add_evidence, save_review, start_review
from supervision.operations import approve_all_remaining, start_session


def _pledge(record, by, positions):
    for position in positions:
        entry = record.entries[position]
        save_entry(entry, by, {"pledge": f"Pledge {position}"}, base_revision=entry.revision)


def _sign_off(record, by, manager, on, positions):
    _pledge(record, by, positions)
    submit_record(record, by)
    with time_machine.travel(on):
        session = (
            start_session(manager, team=record.team)
            if record.team
            else start_session(manager, supervisee=record.owner)
        )
        approve_all_remaining(record, manager, session)
    db.session.commit()
    return record


@pytest.fixture
def county(make_user, make_team, make_record):
    """Known by hand: three signed-off records (one complete, one overdue, one due), a draft and
    a submitted record; two districts, two agencies and a multi-agency team.

    - Alice (police, north), complete: pledges on key points 1 and 2, both judged "Improved";
      service user evidence on 1, self report only on 2.
    - Tiny team (health, south), signed off long ago: review overdue; a pledge on key point 2.
    - Mixed team (no one agency, south), signed off six months and ten days ago: review due; a
      pledge on key point 1.
    - Carl's own record (health, south): a draft. Dave's (police, south): submitted.
    """
    north, south = District(name="North District"), District(name="South District")
    police, health = Agency(name="Police"), Agency(name="Health")
    db.session.add_all([north, south, police, health])
    db.session.flush()
    boss = make_user("Bea Boss", agency=police, district=north)
    alice = make_user("Alice Officer", line_manager=boss, agency=police, district=north)
    carl = make_user("Carl Visitor", line_manager=boss, agency=health, district=south)
    dave = make_user("Dave Police", line_manager=boss, agency=police, district=south)
    today = today_in_london()

    complete = _sign_off(make_record(alice), alice, boss, today - timedelta(days=250), (0, 1))
    start_review(complete, alice, today=complete.review_due_on)
    for entry, sources in zip(
        complete.entries[:2], ({EvidenceSource.SERVICE_USER}, {EvidenceSource.SELF}), strict=True
    ):
        add_evidence(entry, alice, description="Evidence", sources=sources)
        save_review(entry, alice, {"judgement_value": "improved"}, base_revision=entry.revision)
    submit_record(complete, alice)
    approve_all_remaining(complete, boss, start_session(boss, supervisee=alice))

    tiny = make_team("Tiny team", manager=boss, members=[carl], district=south, agency=health)
    _sign_off(make_record(carl, team=tiny), carl, boss, today - timedelta(days=240), (1,))
    mixed = make_team("Mixed team", manager=boss, members=[carl, dave], district=south)
    _sign_off(make_record(carl, team=mixed), carl, boss, today - timedelta(days=194), (0,))

    _pledge(make_record(carl), carl, (0,))
    submitted = make_record(dave)
    _pledge(submitted, dave, (0,))
    submit_record(submitted, dave)
    db.session.commit()
    return {
        "north": north,
        "south": south,
        "police": police,
        "health": health,
        "training": make_user("Tina Training", roles={Role.TRAINING_TEAM}),
        "north_team": make_user("Nina North", roles={Role.DISTRICT_TEAM}, district=north),
        "south_team": make_user("Sam South", roles={Role.DISTRICT_TEAM}, district=south),
        "alice": alice,
        "boss": boss,
        "complete": complete,
    }


FIGURE_LINK = re.compile(
    r'<tr><th scope="row">([^<]*)</th><td>(\d+)</td><td><a href="([^"]+)">List the'
)
HEADLINE_LINK = re.compile(r"<dt>([^<]*)</dt><dd>(\d+) <a href=\"([^\"]+)\">List them")
LISTED = re.compile(r"of (\d+) (?:record|pledge)s?, latest sign-off first")


def figure_links(html: str) -> list[tuple[str, int, str]]:
    found = FIGURE_LINK.findall(html) + HEADLINE_LINK.findall(html)
    return [(html_module.unescape(label), int(n), html_module.unescape(href)) for label, n, href in found]  # fmt: skip


def listed(client, href: str) -> tuple[int, str]:
    page = client.get(href)
    assert page.status_code == 200, href
    text = page.get_data(as_text=True)
    match = LISTED.search(text)
    return (int(match.group(1)) if match else 0), text


@pytest.mark.parametrize("summarised", [False, True])
def test_every_figure_lists_as_many_records_as_it_says(client, auth, county, summarised):
    """Each linked figure, for several selections and readers, computed directly or read from
    the summaries: its list is as long."""
    if summarised:
        store_summaries(DASHBOARD)
        db.session.commit()
    north, south, police = county["north"], county["south"], county["police"]
    cases = {
        "training": [
            "",
            "?key_point=1",
            "?key_point=2",
            "?agency=multi",
            f"?agency={police.id}",
            f"?district={south.id}",
            f"?district={north.id}&key_point=2",
            "?from=2000-01-01&to=2099-12-31&key_point=2",
        ],
        "north_team": ["", "?key_point=2"],
        "south_team": ["", "?key_point=1", "?agency=multi"],
    }
    kinds = set()
    for who, queries in cases.items():
        auth.login(county[who])
        for query in queries:
            html = client.get(f"/collation{query}").get_data(as_text=True)
            # a summary covers every selection here but a district's and an agency's together,
            # and dates of sign-off
            covered = (
                summarised
                and not (who != "training" and "agency=" in query)
                and "from=" not in query
            )
            assert ("Figures as of" in html) is covered, (who, query)
            links = figure_links(html)
            assert links, (who, query)
            for label, figure, href in links:
                total, _ = listed(client, href)
                assert total == figure, (who, query, label, href)
                kinds |= set(parse_qs(urlsplit(href).query))
        auth.logout()
    assert {"status", "district", "agency", "team", "key_point", "support", "judgement"} <= kinds
    assert "review" in kinds


def test_the_figures_known_by_hand(client, auth, county):
    auth.login(county["training"])
    links = {(label, figure) for label, figure, _ in figure_links(client.get("/collation").text)}
    assert ("Signed-off records", 3) in links
    assert ("Reviews overdue by four weeks or more", 1) in links
    assert ("Reviews due, not yet submitted", 1) in links
    assert ("Multi-agency", 1) in links
    assert ("Improved", 2) in links  # two pledges, in one record
    assert ("With service user, manager or colleague evidence", 1) in links
    # The key point filters every figure: on key point 2, Alice's evidence is self report only.
    on_two = {(label, n) for label, n, _ in figure_links(client.get("/collation?key_point=2").text)}
    assert ("Self report only", 1) in on_two
    assert ("With service user, manager or colleague evidence", 1) not in on_two
    assert ("Signed-off records", 2) in on_two
    assert ("Improved", 1) in on_two
    assert ("Multi-agency", 1) not in on_two  # the mixed team pledged on key point 1 only


def test_a_list_of_judged_pledges_has_a_row_for_each_pledge(client, auth, county):
    auth.login(county["training"])
    total, html = listed(client, "/collation/records?judgement=improved")
    assert total == 2
    record = county["complete"]
    assert html.count(f'href="/records/{record.id}"') == 2
    assert "1) " in html
    assert "2) " in html


def test_records_before_sign_off_are_counted_but_never_listed(client, auth, county):
    auth.login(county["training"])
    dashboard = client.get("/collation").get_data(as_text=True)
    assert "Draft" in dashboard
    assert "Submitted for sign-off" in dashboard
    hrefs = [href for _, _, href in figure_links(dashboard)]
    assert not any("status=draft" in href or "status=submitted" in href for href in hrefs)
    drafts = db.session.scalars(sa.select(Record.id).where(Record.signed_off_at.is_(None))).all()
    for status in ("draft", "submitted", "returned"):
        total, html = listed(client, f"/collation/records?status={status}")
        assert total == 0
        assert "are counted on the dashboard but not listed" in html
        assert not any(f'href="/records/{number}"' in html for number in drafts)
    _, everything = listed(client, "/collation/records")
    assert not any(f'href="/records/{number}"' in everything for number in drafts)


def test_each_row_opens_a_record_the_reader_may_read(client, auth, county):
    auth.login(county["north_team"])
    _, html = listed(client, "/collation/records")
    opened = re.findall(r'href="(/records/\d+)"', html)
    assert opened == [f"/records/{county['complete'].id}"]
    assert client.get(opened[0]).status_code == 200


def test_the_list_goes_back_to_the_dashboard_with_the_same_filters(client, auth, county):
    auth.login(county["training"])
    police = county["police"]
    _, html = listed(
        client, f"/collation/records?agency={police.id}&key_point=1&status=complete&anonymise=1"
    )
    back = html_module.unescape(
        re.search(r'<a href="([^"]+)">Back to the dashboard with the same filters', html).group(1)
    )
    assert urlsplit(back).path == "/collation"
    assert parse_qs(urlsplit(back).query) == {
        "agency": [str(police.id)],
        "key_point": ["1"],
        "anonymise": ["1"],
    }


def test_a_figure_that_chose_a_filter_goes_back_to_the_dashboard_as_it_was(client, auth, county):
    """From the key point 2 dashboard, a district's bar lists that district's records; the way
    back is to the key point 2 dashboard, not to one narrowed to the district."""
    auth.login(county["training"])
    south = county["south"]
    dashboard = client.get("/collation?key_point=2").get_data(as_text=True)
    href = next(h for label, _, h in figure_links(dashboard) if label == "South District")
    assert parse_qs(urlsplit(href).query) == {
        "key_point": ["2"],
        "district": [str(south.id)],
        "by": ["district"],
    }
    _, html = listed(client, href)
    back = html_module.unescape(
        re.search(r'<a href="([^"]+)">Back to the dashboard with the same filters', html).group(1)
    )
    assert back == "/collation?key_point=2"
    # A district already chosen on the dashboard stays chosen on the way back.
    dashboard = client.get(f"/collation?district={south.id}").get_data(as_text=True)
    href = next(h for label, _, h in figure_links(dashboard) if label == "South District")
    assert "by=" not in href
    _, html = listed(client, href)
    assert f'href="/collation?district={south.id}"' in html


def test_the_list_is_paged(client, auth, county, monkeypatch):
    monkeypatch.setattr("collation.record_list.PAGE_SIZE", 2)
    auth.login(county["training"])
    first = client.get("/collation/records").get_data(as_text=True)
    assert "Showing 1 to 2 of 3 records" in first
    assert "Page 1 of 2" in first
    second = client.get("/collation/records?page=2").get_data(as_text=True)
    assert "Showing 3 to 3 of 3 records" in second
    assert len(re.findall(r'href="/records/\d+"', first + second)) == 3


def test_a_page_beyond_the_last_shows_the_last(client, auth, county, monkeypatch):
    """The total comes with the page's rows; a page past the end (an old link) has no rows to
    bring it, so the list is counted on its own and the last page shown."""
    monkeypatch.setattr("collation.record_list.PAGE_SIZE", 2)
    auth.login(county["training"])
    beyond = client.get("/collation/records?page=9").get_data(as_text=True)
    assert "Showing 3 to 3 of 3 records" in beyond
    assert "Page 2 of 2" in beyond
    assert len(re.findall(r'href="/records/\d+"', beyond)) == 1


# --- who may see the list -------------------------------------------------------------------


def _listed_ids(client, query=""):
    response = client.get(f"/collation/records{query}")
    return response.status_code, set(re.findall(r'href="/records/(\d+)"', response.text))


def _ids_in(district):
    from pledges.record_scope import DISTRICT_ID, signed_off_records, with_owner

    query = with_owner(sa.select(Record.id)).where(district.id == DISTRICT_ID, signed_off_records())
    return {str(number) for number in db.session.scalars(query)}


def test_the_district_team_lists_its_own_district_only(client, auth, county):
    north, south = county["north"], county["south"]
    auth.login(county["south_team"])
    status, ids = _listed_ids(client)
    assert status == 200
    assert ids == _ids_in(south)
    assert len(ids) == 2
    # Asking for the other district, or a team of it, lists nothing of it.
    assert _listed_ids(client, f"?district={north.id}")[1] == _ids_in(south)
    auth.logout()
    auth.login(county["north_team"])
    tiny = db.session.scalar(sa.select(Record.team_id).where(Record.team_id.is_not(None)))
    status, ids = _listed_ids(client, f"?team={tiny}")
    assert status == 200
    assert ids == _ids_in(north)  # the team was left out of the filter: it is not theirs
    assert "not in your district" in client.get(f"/collation/records?team={tiny}").text


def test_one_address_lists_each_district_teams_own_district(client, auth, county):
    """A list's statement is built once for each address and reused (building it took 3 to 5
    ms a request). A district team's district is not in the address, and keeps the lists apart."""
    for team, district in (("south_team", "south"), ("north_team", "north"), ("south_team", "south")):  # fmt: skip
        auth.login(county[team])
        assert _listed_ids(client)[1] == _ids_in(county[district])
        auth.logout()


def test_a_list_is_read_afresh_from_the_statement_built_once(client, auth, county, make_user, make_record):  # fmt: skip
    from collation.record_list import _STATEMENTS

    auth.login(county["training"])
    before = _listed_ids(client)[1]
    built = list(_STATEMENTS.values())
    eve = make_user("Eve Early", line_manager=county["boss"], district=county["north"])
    newer = _sign_off(make_record(eve), eve, county["boss"], today_in_london(), (0,))
    assert _listed_ids(client)[1] == before | {str(newer.id)}
    assert list(_STATEMENTS.values()) == built  # the same statement, read again


def test_the_training_team_lists_the_county(client, auth, county):
    auth.login(county["training"])
    status, ids = _listed_ids(client)
    assert status == 200
    assert ids == _ids_in(county["north"]) | _ids_in(county["south"])


@pytest.mark.parametrize("who", ["alice", "boss"])
def test_practitioners_and_managers_may_not_see_the_list(client, auth, county, who):
    auth.login(county[who])
    assert client.get("/collation/records").status_code == 403


def test_someone_signed_out_is_asked_to_sign_in(client, county):
    response = client.get("/collation/records?status=complete")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_nonsense_in_the_address_is_explained_not_a_failure(client, auth, county):
    auth.login(county["training"])
    nonsense = ("status=nonsense", "judgement=x", "support=all", "review=soon", "page=-3")
    # A page past any county: its offset would not fit the database's integers.
    for query in (*nonsense, "page=99999999999999999999999"):
        response = client.get(f"/collation/records?{query}")
        assert response.status_code == 200, query
    assert "The status chosen was not found" in client.get("/collation/records?status=x").text


# --- the dashboard's filters ----------------------------------------------------------------


def test_the_key_point_is_chosen_from_the_published_framework(client, auth, county):
    auth.login(county["training"])
    html = client.get("/collation?key_point=3").get_data(as_text=True)
    options = re.findall(r'<option value="(\d+)"( selected)?>(\d+)\) ', html)
    assert [(int(value), int(shown)) for value, _, shown in options] == [
        (n, n) for n in range(1, 15)
    ]
    assert [value for value, selected, _ in options if selected] == ["3"]
    assert 'name="key_point" inputmode' not in html  # no longer a free-text box


def test_multi_agency_can_be_chosen_and_filters(client, auth, county):
    auth.login(county["training"])
    html = client.get("/collation?agency=multi").get_data(as_text=True)
    assert '<option value="multi" selected>Multi-agency</option>' in html
    assert "agency: Multi-agency" in html
    links = {(label, n) for label, n, _ in figure_links(html)}
    assert ("Signed-off records", 1) in links
    assert ("Mixed team", 1) in links
    assert ("Tiny team", 1) not in links


def test_a_reversed_period_is_explained_beside_the_dates_and_not_applied(client, auth, county):
    auth.login(county["training"])
    html = client.get(
        "/collation",
        query_string={
            **{"from-day": "1", "from-month": "6", "from-year": "2026"},
            **{"to-day": "1", "to-month": "1", "to-year": "2026"},
        },
    ).get_data(as_text=True)
    message = "Signed off to must be the same as or after signed off from"
    assert f'<p class="field-error" id="to-error"><span class="visually-hidden">Error:</span> {message}</p>' in html  # fmt: skip
    assert f"{message}, so the period was left out of the filter." in html
    assert 'id="to-day" name="to-day" type="text" inputmode="numeric" value="1" aria-invalid' in html  # fmt: skip
    assert ("Signed-off records", 3) in {(label, n) for label, n, _ in figure_links(html)}
    # the same from the address the app's links use
    html = client.get("/collation?from=2026-06-01&to=2026-01-01").get_data(as_text=True)
    assert message in html


def test_a_district_team_is_offered_its_own_districts_teams_only(client, auth, county):
    auth.login(county["north_team"])
    html = client.get("/collation").get_data(as_text=True)
    assert "Tiny team" not in html
    assert "Mixed team" not in html
    auth.logout()
    auth.login(county["south_team"])
    html = client.get("/collation").get_data(as_text=True)
    team_select = html[html.index('id="team"') : html.index("</select>", html.index('id="team"'))]
    assert "Tiny team" in team_select
    assert "Mixed team" in team_select
    assert 'id="district"' not in html  # held to their district: nothing to choose


def _statements_sent(client, href: str) -> list[tuple[str, object]]:
    sent: list[tuple[str, object]] = []

    def after(connection, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    sa.event.listen(db.engine, "after_cursor_execute", after)
    try:
        assert client.get(href).status_code == 200
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", after)
    return sent


@pytest.mark.parametrize(
    "filters",
    [
        "judgement=improved&key_point=2&by=district",
        "status=complete&agency=multi",
        "review=overdue",
        "support=others&from=2000-01-01&to=2099-12-31",
    ],
)
def test_a_list_is_sent_with_its_values_written_in(client, auth, county, filters):
    """Issue 14: a list's statement carries its filters' values in its SQL, so that PostgreSQL
    has one plan for it, made once when psycopg prepares it. Sent as parameters, a district's
    pledges on a key point were planned again on every request (3 ms of PostgreSQL's 10)."""
    auth.login(county["training"])
    href = f"/collation/records?{filters}&district={county['south'].id}"
    pages = [statement for statement in _statements_sent(client, href) if "OVER ()" in statement[0]]
    assert len(pages) == 1
    statement, parameters = pages[0]
    assert not parameters, parameters
    assert f"{county['south'].id}" in statement
