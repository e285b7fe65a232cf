"""The administrators' trail: every change to people, teams and places, imports and frameworks,
with who made it and each detail's old and new value."""

from __future__ import annotations

import sqlalchemy as sa

from admin.models import AdminEvent
from admin.operations import (
    add_member,
    create_team,
    deactivate_person,
    publish_framework_version,
    save_place,
    update_person,
)
from admin.people_import import apply_import, plan_import
from core.database import db
from people.models import Agency, Role
from pledges.framework import FRAMEWORKS_DIR, read_framework_file


def _events() -> list[AdminEvent]:
    return list(db.session.scalars(sa.select(AdminEvent).order_by(AdminEvent.id)))


def test_making_someone_an_administrator_is_on_the_record_with_who_did_it(people):
    pat, admin = people["practitioner"], people["admin"]
    update_person(
        pat,
        admin,
        email=pat.email,
        name=pat.name,
        job_title="Team leader",
        agency=pat.agency,
        district=pat.district,
        line_manager=people["senior"],
        roles={Role.ADMINISTRATOR},
    )
    db.session.commit()
    (event,) = _events()
    assert event.actor == admin
    assert event.person == pat
    assert event.changes == {
        "Job title": {"from": "", "to": "Team leader"},
        "Line manager": {"from": "Morgan Manager", "to": "Sam Senior"},
        "Roles": {"from": "", "to": "Administrator"},
    }
    assert event.summary == "Changed Pat Practitioner's job title, line manager, roles"


def test_saving_a_person_unchanged_records_nothing(people):
    pat = people["practitioner"]
    update_person(
        pat,
        people["admin"],
        email=pat.email,
        name=pat.name,
        job_title=pat.job_title,
        agency=pat.agency,
        district=pat.district,
        line_manager=pat.line_manager,
        roles=pat.roles,
    )
    assert _events() == []


def test_leavers_teams_places_imports_and_frameworks_are_recorded(people, framework):
    admin = people["admin"]
    deactivate_person(people["manager"], admin)
    team = create_team(admin, name="Virtual group", manager=people["senior"])
    add_member(team, people["practitioner"], admin)
    police = save_place(Agency, "Police", admin)
    save_place(Agency, "Derbyshire Constabulary", admin, police)
    apply_import(plan_import("name,email\nAnn Able,ann@example.org\n"), admin, source="new.csv")
    publish_framework_version(
        read_framework_file(FRAMEWORKS_DIR / "hampshire-themes-v1.json"), admin, make_current=False
    )
    db.session.commit()
    summaries = [event.summary for event in _events()]
    assert summaries[0] == (
        "Deactivated Morgan Manager: 2 supervisees and 1 team went to Sam Senior"
    )
    assert "Added the team Virtual group" in summaries
    assert "Added Pat Practitioner to Virtual group" in summaries
    assert "Added the agency Police" in summaries
    assert "Renamed the agency Police to Derbyshire Constabulary" in summaries
    assert (
        "Imported new.csv: 1 added, 0 changed, 0 unchanged, 0 left out because of problems"
        in summaries
    )
    assert (
        "Published Five key themes from serious case reviews and multi-agency reviews, version 1"
        in summaries
    )


def test_the_trail_is_on_its_page_and_on_the_persons_page(client, auth, people):
    pat, admin = people["practitioner"], people["admin"]
    auth.login(admin)
    client.post(f"/admin/people/{pat.id}/send-link")
    page = client.get("/admin/history").get_data(as_text=True)
    assert "Emailed Pat Practitioner a link to set their password" in page
    assert "Ada Admin" in page
    person_page = client.get(f"/admin/people/{pat.id}").get_data(as_text=True)
    assert "Changes by administrators" in person_page
    assert "Emailed Pat Practitioner a link" in person_page
    other = client.get(f"/admin/people/{people['teammate'].id}").get_data(as_text=True)
    assert "Emailed Pat Practitioner a link" not in other
    auth.login(people["manager"])
    assert client.get("/admin/history").status_code == 403


def test_the_first_administrator_made_on_the_command_line_is_recorded(runner):
    runner.invoke(args=["users", "create-administrator", "--email", "r@example.org", "--name", "R"])
    (event,) = _events()
    assert event.actor is None
    assert event.summary == "Made R an administrator"


def test_an_import_records_each_person_it_adds_or_changes(people):
    pat, admin = people["practitioner"], people["admin"]
    csv = f"name,email,job title\nAnn Able,ann@example.org,Nurse\n{pat.name},{pat.email},Lead\n"
    apply_import(plan_import(csv), admin, send_links=False, source="staff.csv")
    db.session.commit()
    by_person = {event.person.name: event for event in _events() if event.person}
    assert by_person["Ann Able"].summary == "Added Ann Able by importing staff.csv"
    assert by_person["Ann Able"].changes["Job title"] == {"from": "", "to": "Nurse"}
    assert by_person[pat.name].changes == {"Job title": {"from": "", "to": "Lead"}}
