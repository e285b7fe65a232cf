"""The administration pages, through the client: people, teams, organisation, import, frameworks."""

from __future__ import annotations

import io
import json
import re

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from core.database import db
from people.models import Agency, District, Role, Team, User
from people.operations import create_user
from pledges.framework import DERBYSHIRE_FRAMEWORK_FILE, FRAMEWORKS_DIR, current_framework
from pledges.models import FrameworkVersion, RecordState
from pledges.operations import save_entry, start_record, submit_record
from supervision.permissions import acting_for, can_sign_off


@pytest.fixture
def as_admin(client, auth, people):
    auth.login(people["admin"])
    return client


def _person_form(**changes) -> dict:
    form = {
        "name": "Nia Newcomer",
        "email": "nia@example.org",
        "job_title": "Family support worker",
        "agency": "",
        "district": "",
        "line_manager_email": "",
    }
    form.update(changes)
    return form


def test_only_administrators_reach_the_administration_pages(client, auth, people):
    pages = ["/admin/", "/admin/people", "/admin/people/new", "/admin/teams", "/admin/import",
             "/admin/organisation", f"/admin/people/{people['practitioner'].id}"]  # fmt: skip
    auth.login(people["manager"])
    assert {client.get(page).status_code for page in pages} == {403}
    auth.login(people["admin"])
    assert {client.get(page).status_code for page in pages} == {200}
    assert "Administration" in client.get("/records").get_data(as_text=True)


def test_adding_a_person_emails_them_a_link(as_admin, people, smtp_inbox):
    response = as_admin.post(
        "/admin/people/new",
        data=_person_form(
            agency=str(people["agency"].id),
            line_manager_email=people["manager"].email.upper(),
            roles=["district_team"],
        ),
    )
    assert response.status_code == 302
    nia = db.session.scalar(sa.select(User).where(User.email == "nia@example.org"))
    assert nia.line_manager == people["manager"]
    assert nia.agency == people["agency"]
    assert nia.roles == {Role.DISTRICT_TEAM}
    (message,) = smtp_inbox.to("nia@example.org")
    assert "/set-password/" in message.get_content()


def test_bad_details_are_explained_beside_their_fields_and_kept(as_admin, people):
    response = as_admin.post(
        "/admin/people/new",
        data=_person_form(
            email=people["practitioner"].email, line_manager_email="ghost@example.org"
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nobody here has the email address ghost@example.org" in html
    assert 'value="Nia Newcomer"' in html  # what was typed is kept
    taken = as_admin.post(
        "/admin/people/new", data=_person_form(email=people["practitioner"].email)
    )
    assert "Pat Practitioner already has the email address" in taken.get_data(as_text=True)
    assert 'href="#email"' in taken.get_data(as_text=True)
    wrong_choice = as_admin.post("/admin/people/new", data=_person_form(agency="999999"))
    assert wrong_choice.status_code == 422


def test_moving_someone_to_a_new_line_manager_from_their_page(as_admin, people, make_record):
    pat, sam = people["practitioner"], people["senior"]
    record = make_record(pat)
    save_entry(record.entries[0], pat, {"pledge": "A pledge"}, base_revision=1)
    submit_record(record, pat)
    db.session.commit()
    page = as_admin.get(f"/admin/people/{pat.id}").get_data(as_text=True)
    assert f'value="{people["manager"].email}"' in page
    response = as_admin.post(
        f"/admin/people/{pat.id}",
        data=_person_form(
            name=pat.name,
            email=pat.email,
            agency=str(pat.agency_id),
            district=str(pat.district_id),
            line_manager_email=sam.email,
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert pat.line_manager == sam
    assert can_sign_off(sam, record)
    loop = as_admin.post(
        f"/admin/people/{sam.id}",
        data=_person_form(name=sam.name, email=sam.email, line_manager_email=pat.email),
    )
    assert loop.status_code == 422
    assert "reports to Sam Senior" in loop.get_data(as_text=True)


def test_deactivating_from_the_page_hands_on_and_stops_sign_in(client, as_admin, people):
    morgan = people["manager"]
    page = as_admin.get(f"/admin/people/{morgan.id}/deactivate").get_data(as_text=True)
    assert f'value="{people["senior"].email}"' in page
    response = as_admin.post(
        f"/admin/people/{morgan.id}/deactivate", data={"successor_email": people["senior"].email}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert not morgan.is_active
    assert people["practitioner"].line_manager == people["senior"]
    lone = as_admin.post(
        f"/admin/people/{people['senior'].id}/deactivate", data={"successor_email": ""}
    )
    assert lone.status_code == 422
    assert "Choose who takes them on" in lone.get_data(as_text=True)
    last = as_admin.post(f"/admin/people/{people['admin'].id}/deactivate", data={})
    assert "cannot deactivate yourself" in last.get_data(as_text=True)


def test_people_search_pages_through_many(as_admin, people):
    for n in range(120):
        create_user(email=f"worker{n:03}@example.org", name=f"Worker {n:03}")
    db.session.commit()
    first = as_admin.get("/admin/people?q=worker").get_data(as_text=True)
    assert "Showing 1 to 50 of 120 people matching “worker”" in first
    assert "Worker 000" in first
    assert "Worker 050" not in first
    last = as_admin.get("/admin/people?q=worker&page=3").get_data(as_text=True)
    assert "Showing 101 to 120 of 120" in last
    assert "Worker 119" in last
    assert "Page 3 of 3" in last
    assert "Nobody matches “100%_”" in as_admin.get("/admin/people?q=100%25_").get_data(
        as_text=True
    )
    assert as_admin.get("/admin/people?page=99999999999").status_code == 200


def test_teams_members_and_managers(as_admin, people):
    response = as_admin.post(
        "/admin/teams/new",
        data={"name": "Virtual MASH group", "manager_email": people["senior"].email},
    )
    assert response.status_code == 302
    team = db.session.scalar(sa.select(Team).where(Team.name == "Virtual MASH group"))
    assert team.manager == people["senior"]
    assert team.is_multi_agency
    add = as_admin.post(
        f"/admin/teams/{team.id}/members", data={"member-email": people["practitioner"].email}
    )
    assert add.status_code == 302
    assert team.has_member(people["practitioner"])
    manager_as_member = as_admin.post(
        f"/admin/teams/{team.id}/members", data={"member-email": people["senior"].email}
    )
    assert manager_as_member.status_code == 422
    assert "cannot also be a member" in manager_as_member.get_data(as_text=True)
    remove = as_admin.post(f"/admin/teams/{team.id}/members/{people['practitioner'].id}/remove")
    assert remove.status_code == 302
    db.session.expire_all()
    assert not team.has_member(people["practitioner"])
    duplicate = as_admin.post("/admin/teams/new", data={"name": "north TEAM"})
    assert "There is already a team called North team" in duplicate.get_data(as_text=True)


def test_agencies_and_districts_are_added_and_renamed(as_admin, people):
    assert as_admin.post("/admin/organisation/agencies", data={"agencies-new-name": "Police"})
    police = db.session.scalar(sa.select(Agency).where(Agency.name == "Police"))
    assert police is not None
    rename = as_admin.post(
        f"/admin/organisation/agencies/{police.id}",
        data={f"agencies-{police.id}-name": "Derbyshire Constabulary"},
    )
    assert rename.status_code == 302
    clash = as_admin.post(
        "/admin/organisation/districts", data={"districts-new-name": "chesterfield"}
    )
    assert clash.status_code == 422
    assert "There is already a district called Chesterfield" in clash.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(District)) == 1


def test_importing_through_the_pages_shows_the_dry_run_first(as_admin, people, smtp_inbox):
    csv = (
        "name,email,line manager's email\n"
        f"Ann Able,ann@example.org,{people['manager'].email}\n"
        "Bob Bad,not-an-email,\n"
    )
    upload = as_admin.post(
        "/admin/import",
        data={"file": (io.BytesIO(csv.encode()), "new-staff.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    dry_run = as_admin.get(upload.headers["Location"]).get_data(as_text=True)
    assert "Nothing has changed yet." in dry_run
    assert "“not-an-email” is not a valid email address." in dry_run
    assert "Import 1 new and 0 changed person, leaving out 1 row" in dry_run
    assert not db.session.scalar(sa.select(User).where(User.email == "ann@example.org"))
    done = as_admin.post(upload.headers["Location"], data={"send_links": "y"})
    assert done.status_code == 302
    ann = db.session.scalar(sa.select(User).where(User.email == "ann@example.org"))
    assert ann.line_manager == people["manager"]
    assert [m["To"] for m in smtp_inbox.messages] == ["ann@example.org"]
    after = as_admin.get(upload.headers["Location"]).get_data(as_text=True)
    assert "1 added, 0 changed, 0 unchanged, 1 left out because of problems" in after
    as_admin.post(upload.headers["Location"], data={"send_links": "y"})  # a second post
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 7


def test_a_file_that_is_not_a_people_list_is_explained_on_the_upload_page(as_admin):
    response = as_admin.post(
        "/admin/import",
        data={"file": (io.BytesIO(b"first,second\n1,2\n"), "wrong.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "The first row must be the column headings" in response.get_data(as_text=True)
    empty = as_admin.post("/admin/import", data={}, content_type="multipart/form-data")
    assert "Choose a file to upload" in empty.get_data(as_text=True)


def _framework_upload(client, data):
    """Upload a framework file: its preview, or its problems."""
    payload = data if isinstance(data, bytes) else json.dumps(data).encode()
    form = {"file": (io.BytesIO(payload), "framework.json")}
    return client.post("/admin/frameworks", data=form, content_type="multipart/form-data")


def _framework_publish(client, data, make_current=True):
    """Upload a framework file, then publish it from its preview."""
    preview = _framework_upload(client, data)
    if preview.status_code != 200 or "Preview: nothing is published yet" not in preview.get_data(
        as_text=True
    ):
        return preview
    payload = data.decode() if isinstance(data, bytes) else json.dumps(data)
    form = {"framework_text": payload}
    if make_current:
        form["make_current"] = "y"
    return client.post("/admin/frameworks/publish", data=form)


def test_the_training_team_publishes_a_framework_and_new_records_use_it(
    client, auth, people, framework, make_user
):
    training = make_user("Tia Training", roles={Role.TRAINING_TEAM})
    pat = people["practitioner"]
    old_record = start_record(pat, framework=framework)
    db.session.commit()
    auth.login(training)
    assert "Frameworks" in client.get("/records").get_data(as_text=True)
    hampshire = (FRAMEWORKS_DIR / "hampshire-themes-v1.json").read_bytes()
    response = _framework_publish(client, hampshire)
    assert response.status_code == 302
    assert current_framework().key != framework.key
    new_record = start_record(people["teammate"], framework=current_framework())
    db.session.commit()
    assert old_record.framework_version == framework
    assert new_record.framework_version != framework
    again = _framework_upload(client, hampshire)
    assert "is already published" in again.get_data(as_text=True)
    back = client.post(f"/admin/frameworks/{framework.id}/current")
    assert back.status_code == 302
    assert current_framework() == framework


def test_a_broken_framework_file_lists_every_problem_and_publishes_nothing(
    client, auth, people, framework
):
    auth.login(people["admin"])
    data = json.loads(DERBYSHIRE_FRAMEWORK_FILE.read_text())
    data["version"] = "2"
    data["title"] = "T" * 201
    data["areas"][0]["key_points"][1]["number"] = 1
    data["areas"][1]["key_points"][0]["title"] = ""
    data["areas"][2]["key_points"][0]["sub_points"] = "not a list"
    response = _framework_upload(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for problem in (
        "The framework&#39;s title must be 200 characters or fewer.",
        "Key point 1 appears more than once.",
        "needs a title.",
        "has a sub-point that is not text.",
    ):
        assert problem in html
    assert "Nothing has changed" in html
    not_json = _framework_upload(client, b"{not json")
    assert "The file is not valid JSON (line 1" in not_json.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FrameworkVersion)) == 1


def test_practitioners_cannot_publish_frameworks(client, auth, people, framework):
    auth.login(people["practitioner"])
    assert client.get("/admin/frameworks").status_code == 403
    assert _framework_upload(client, b"{}").status_code == 403
    assert (
        client.post("/admin/frameworks/publish", data={"framework_text": "{}"}).status_code == 403
    )


def test_the_demo_move_practitioner_to_senior_moves_their_pending_review(client, auth, app):
    """Issue 6's 'done when': moving practitioner@demo.test to senior@demo.test."""
    from datetime import date

    from demo.county import load_demo_county
    from pledges.models import EvidenceSource
    from pledges.review.operations import add_evidence, start_review

    load_demo_county()
    db.session.commit()

    def by_email(email):
        return db.session.scalar(sa.select(User).where(User.email == email))

    pat, manager, senior = (
        by_email(f"{w}@demo.test") for w in ("practitioner", "manager", "senior")
    )
    record = next(r for r in _records_of(pat) if r.state is RecordState.SIGNED_OFF)
    start_review(record, pat, today=date.today())
    add_evidence(
        record.pledged_entries[0], pat, description="Audit", sources={EvidenceSource.MANAGER}
    )
    for entry in record.pledged_entries[1:]:
        add_evidence(entry, pat, description="Colleague", sources={EvidenceSource.COLLEAGUE})
    submit_record(record, pat)
    db.session.commit()
    assert can_sign_off(manager, record)
    assert acting_for(senior, record) == manager

    auth.login(by_email("admin@demo.test"))
    response = client.post(
        f"/admin/people/{pat.id}",
        data=_person_form(
            name=pat.name,
            email=pat.email,
            job_title=pat.job_title,
            agency=str(pat.agency_id),
            district=str(pat.district_id),
            line_manager_email="senior@demo.test",
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert can_sign_off(senior, record)
    assert acting_for(senior, record) is None
    assert not can_sign_off(manager, record)
    auth.login(senior)
    overview = client.get("/supervision").get_data(as_text=True)
    assert pat.name in overview


def _records_of(person):
    from pledges.models import Record

    return db.session.scalars(sa.select(Record).where(Record.owner_id == person.id)).all()


def test_the_people_page_costs_the_same_queries_however_many_people(as_admin, people):
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", count)

    def queries_for_page() -> int:
        with counting() as statements:
            assert as_admin.get("/admin/people?page=1").status_code == 200
        return len(statements)

    few = queries_for_page()
    manager = people["manager"]
    for n in range(80):
        create_user(
            email=f"many{n}@example.org",
            name=f"Many {n}",
            line_manager=manager,
            agency=people["agency"],
            roles={Role.DISTRICT_TEAM} if n % 2 else set(),
        )
    db.session.commit()
    assert queries_for_page() == few


def test_a_whole_county_file_is_not_too_large_to_upload(as_admin, people):
    """20,000 people are about 4 MB of CSV: the import takes it, though other forms stop at 2."""
    row = (
        "Priya Shah-Worthington,p{n}@derbyshire.example.gov.uk,Senior social worker,"
        "Children's social care,North East Derbyshire,Chesterfield North multi-agency team,"
        "p0@derbyshire.example.gov.uk,\n"
    )
    csv = "name,email,job title,agency,district,team,line manager's email,roles\n" + "".join(
        row.format(n=n) for n in range(20_000)
    )
    assert len(csv.encode()) > 2 * 1024 * 1024
    # Encoded here, in memory: the test client would spool a body this size to a temporary file
    # it never closes.
    boundary, body = encode_multipart(
        {"file": FileStorage(io.BytesIO(csv.encode()), filename="county.csv")}
    )
    upload = as_admin.post(
        "/admin/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert upload.status_code == 302
    too_big = as_admin.post("/admin/people/new", data={"name": "x" * (3 * 1024 * 1024)})
    assert too_big.status_code == 413


def test_the_people_list_filters_by_agency_district_and_role(as_admin, people):
    other_agency = Agency(name="Police")
    db.session.add(other_agency)
    db.session.flush()
    for n in range(60):
        create_user(
            email=f"officer{n:02}@example.org",
            name=f"Officer {n:02}",
            agency=other_agency,
            roles={Role.DISTRICT_TEAM} if n < 3 else set(),
        )
    db.session.commit()
    police = as_admin.get(f"/admin/people?agency={other_agency.id}").get_data(as_text=True)
    assert "Showing 1 to 50 of 60 people" in police
    assert "Pat Practitioner" not in police
    assert f'href="/admin/people?page=2&amp;agency={other_agency.id}"' in police
    district_team = as_admin.get(
        f"/admin/people?agency={other_agency.id}&role=district_team"
    ).get_data(as_text=True)
    assert "Showing 1 to 3 of 3 people" in district_team
    social_care = as_admin.get(
        f"/admin/people?agency={people['agency'].id}&district={people['district'].id}"
    ).get_data(as_text=True)
    assert "Pat Practitioner" in social_care
    assert "Officer 00" not in social_care
    junk = as_admin.get("/admin/people?agency=abc&district=99999999999&role=root&page=-1")
    assert junk.status_code == 200
    assert "Nobody matches" not in junk.get_data(as_text=True)


def test_the_teams_list_pages_searches_and_counts_members(as_admin, people, make_team):
    for n in range(60):
        make_team(f"Locality team {n:02}", members=[people["teammate"]] if n == 5 else [])
    first = as_admin.get("/admin/teams").get_data(as_text=True)
    assert "Showing 1 to 50 of 61 teams" in first
    assert 'href="/admin/teams?page=2"' in first
    found = as_admin.get("/admin/teams?q=team+05").get_data(as_text=True)
    assert "Showing 1 to 1 of 1 team matching “team 05”" in found
    assert "<td>1</td>" in found  # one member, counted in SQL
    north = as_admin.get("/admin/teams?q=north").get_data(as_text=True)
    assert "<td>2</td>" in north
    assert "No teams match “nowhere”" in as_admin.get("/admin/teams?q=nowhere").get_data(
        as_text=True
    )


@pytest.mark.parametrize("number", ["²", "٣", "-1", "0", "99999999999999", "1e3", " 2 "])
def test_page_and_filter_numbers_in_the_address_never_fail(as_admin, people, number):
    for url in ("/admin/people", "/admin/teams", "/admin/history"):
        assert as_admin.get(url, query_string={"page": number}).status_code == 200
    for name in ("agency", "district"):
        assert as_admin.get("/admin/people", query_string={name: number}).status_code == 200


def test_a_framework_is_previewed_before_publishing_and_not_made_current_unasked(
    client, auth, people, framework
):
    auth.login(people["admin"])
    page = client.get("/admin/frameworks").get_data(as_text=True)
    assert 'name="make_current"' not in page  # chosen on the preview, not with the file
    hampshire = (FRAMEWORKS_DIR / "hampshire-themes-v1.json").read_bytes()
    preview = _framework_upload(client, hampshire)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Preview: nothing is published yet" in html
    assert "Five key themes from serious case reviews and multi-agency reviews" in html
    assert "1) Voice of the Child" in html
    assert "Listening to children and analysing the information and impact." in html
    (box,) = re.findall(r'<input[^>]*id="make_current"[^>]*>', html)
    assert 'type="checkbox"' in box
    assert "checked" not in box
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FrameworkVersion)) == 1
    # Published without ticking the box: listed, but new records keep the current framework.
    published = _framework_publish(client, hampshire, make_current=False)
    assert published.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FrameworkVersion)) == 2
    assert current_framework() == framework
    listed = client.get("/admin/frameworks").get_data(as_text=True)
    assert "is published. It is not current." in listed
    again = client.post("/admin/frameworks/publish", data={"framework_text": hampshire.decode()})
    assert again.status_code == 302  # pressed twice: said, not stored twice
    assert "is already published" in client.get("/admin/frameworks").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FrameworkVersion)) == 2
    tampered = client.post("/admin/frameworks/publish", data={"framework_text": "{not json"})
    assert tampered.status_code == 422
    assert "The file is not valid JSON" in tampered.get_data(as_text=True)
