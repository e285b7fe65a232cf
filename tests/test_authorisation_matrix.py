"""Who reaches what: every page, for every role and relationship, against a table.

Relationships around Pat's record: the owner, a teammate, another practitioner, the line manager,
another manager, the manager's manager, district teams in and out of the district, the training
team, an administrator, and someone signed out.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine

from admin.models import PeopleImport
from collation.models import ExportJob, ExportKind, ExportStatus
from core.database import db
from people.models import Agency, District, Role
from pledges.models import EvidenceSource
from pledges.operations import save_entry, submit_record
from pledges.review.operations import add_evidence, start_review
from supervision.operations import approve_all_remaining, start_session

WHO = ["owner", "teammate", "other", "manager", "other_manager", "senior", "district_in",
       "district_out", "training", "admin", "signed_out"]  # fmt: skip

# page -> the status each person gets. The district team in the record's district and the training
# team read the signed-off record and its PDF, never the review being written ("review"), a
# draft ("team_record") or supervision notes. 302 for signed out is the redirect to sign in; 302 for
# an owner on an entry page of a signed-off record is the redirect to the read-only record.
MATRIX = {
    "record":        [200, 403, 403, 200, 403, 200, 200, 403, 200, 200, 302],
    "record_pdf":    [200, 403, 403, 200, 403, 200, 200, 403, 200, 200, 302],
    "entry":         [302, 403, 403, 403, 403, 403, 403, 403, 403, 403, 302],
    "review":        [200, 403, 403, 200, 403, 200, 403, 403, 403, 200, 302],
    "team_record":   [200, 200, 403, 200, 403, 200, 403, 403, 403, 200, 302],
    "session":       [200, 403, 403, 200, 403, 403, 403, 403, 403, 403, 302],
    "new_session":   [403, 403, 403, 200, 403, 200, 403, 403, 403, 403, 302],
    "dashboard":     [403, 403, 403, 403, 403, 403, 200, 200, 200, 403, 302],
    "records_list":  [403, 403, 403, 403, 403, 403, 200, 200, 200, 403, 302],
    "export":        [403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 302],
    "my_records":    [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 302],
    "profile":       [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 302],
    "admin":         [403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 302],
    "admin_people":  [403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 302],
    "admin_person":  [403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 302],
    "deactivate":    [403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 302],
    "admin_team":    [403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 302],
    "organisation":  [403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 302],
    "import":        [403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 302],
    "import_plan":   [403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 302],
    "frameworks":    [403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 302],
    "admin_history": [403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 302],
    "people_csv":    [403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 302],
    "admin_mail":    [403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 302],
    "library":       [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 302],
    "impact":        [403, 403, 403, 403, 403, 403, 200, 200, 200, 200, 302],
}  # fmt: skip


@pytest.fixture
def world(make_user, make_team, make_record):
    north, south = District(name="North"), District(name="South")
    agency = Agency(name="Children's social care")
    db.session.add_all([north, south, agency])
    db.session.flush()
    senior = make_user("Senior", district=north, agency=agency)
    manager = make_user("Manager", line_manager=senior, district=north, agency=agency)
    other_manager = make_user("Other manager", line_manager=senior, district=north, agency=agency)
    people = {
        "senior": senior, "manager": manager, "other_manager": other_manager,
        "owner": make_user("Owner", line_manager=manager, district=north, agency=agency),
        "teammate": make_user("Teammate", line_manager=manager, district=north, agency=agency),
        "other": make_user("Other", line_manager=other_manager, district=north, agency=agency),
        "district_in": make_user("In", roles={Role.DISTRICT_TEAM}, district=north),
        "district_out": make_user("Out", roles={Role.DISTRICT_TEAM}, district=south),
        "training": make_user("Training", roles={Role.TRAINING_TEAM}),
        "admin": make_user("Admin", roles={Role.ADMINISTRATOR}),
    }  # fmt: skip
    owner = people["owner"]
    team = make_team("Team", manager=manager, members=[owner, people["teammate"]])
    record = make_record(owner)
    save_entry(record.entries[0], owner, {"pledge": "A pledge"}, base_revision=1)
    submit_record(record, owner)
    with time_machine.travel(date(2026, 5, 1)):
        session = start_session(manager, supervisee=owner, notes="Private notes")
        approve_all_remaining(record, manager, session)
    start_review(record, owner, today=date(2026, 11, 1))
    add_evidence(
        record.entries[0], owner, description="Unsigned evidence", sources={EvidenceSource.SELF}
    )
    team_record = make_record(owner, team=team)
    job = ExportJob(requested_by=people["training"], kind=ExportKind.CSV,
                    status=ExportStatus.RUNNING, items_total=10)  # fmt: skip
    db.session.add(job)
    upload = PeopleImport(uploaded_by=people["admin"], content="name,email\n")
    db.session.add(upload)
    db.session.commit()
    entry = record.entries[0]
    urls = {
        "record": f"/records/{record.id}",
        "record_pdf": f"/records/{record.id}/record.pdf",
        "entry": f"/records/{record.id}/entries/{entry.id}",
        "review": f"/records/{record.id}/review/{entry.id}",
        "team_record": f"/records/{team_record.id}",
        "session": f"/supervision/sessions/{session.id}",
        "new_session": f"/supervision/sessions/new?person={owner.id}",
        "dashboard": "/collation",
        "records_list": "/collation/records",
        "export": f"/collation/exports/{job.id}",
        "my_records": "/records",
        "profile": "/profile",
        "admin": "/admin/",
        "admin_people": "/admin/people?q=own",
        "admin_person": f"/admin/people/{owner.id}",
        "deactivate": f"/admin/people/{owner.id}/deactivate",
        "admin_team": f"/admin/teams/{team.id}",
        "organisation": "/admin/organisation",
        "import": "/admin/import",
        "import_plan": f"/admin/import/{upload.id}",
        "frameworks": "/admin/frameworks",
        "admin_history": "/admin/history",
        "people_csv": "/admin/people.csv",
        "admin_mail": "/admin/mail",
        "library": "/library",
        "impact": "/impact",
    }
    return people, urls


def test_every_page_answers_every_person_as_the_table_says(client, auth, world):
    people, urls = world
    differences = []
    for page, expected_row in MATRIX.items():
        for who, expected in zip(WHO, expected_row, strict=True):
            if who == "signed_out":
                auth.logout()
            else:
                auth.login(people[who])
            status = client.get(urls[page]).status_code
            if status != expected:
                differences.append(f"{page} as {who}: got {status}, table says {expected}")
    assert differences == []


def test_supervision_notes_reach_only_the_supervisor_and_supervisee(client, auth, world):
    people, urls = world
    for who in WHO[:-1]:
        auth.login(people[who])
        html = client.get(urls["session"]).get_data(as_text=True)
        assert ("Private notes" in html) == (who in ("owner", "manager")), who
        for page in ("record", "dashboard", "records_list", "library", "impact"):
            assert "Private notes" not in client.get(urls[page]).get_data(as_text=True), (who, page)


def test_the_district_and_training_teams_read_no_review_until_it_is_signed_off(client, auth, world):
    from io import BytesIO

    from pypdf import PdfReader

    people, urls = world
    for who in ("district_in", "training", "owner", "manager"):
        auth.login(people[who])
        page = client.get(urls["record"]).get_data(as_text=True)
        pdf = PdfReader(BytesIO(client.get(urls["record_pdf"]).data))
        text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
        writer = who in ("owner", "manager")
        assert ('id="review"' in page) is writer, who
        assert ("Unsigned evidence" in text) is writer, who
        assert ("History" in page) is writer, who  # the drafts before sign-off are in it
        assert "A pledge" in page, who
        assert "A pledge" in text, who


def test_the_records_behind_the_figures_are_those_the_reader_may_read(client, auth, world):
    """The signed-off record is listed to its district's team and the training team, and opens
    for them; the other district's team lists nothing; the draft is listed to nobody."""
    people, urls = world
    for who, listed in (("district_in", True), ("training", True), ("district_out", False)):
        auth.login(people[who])
        for query in ("", "?status=review_open", "?key_point=1", "?status=draft"):
            html = client.get(urls["records_list"] + query).get_data(as_text=True)
            opened = re.findall(r'href="(/records/\d+)"', html)
            expected = [urls["record"]] if listed and "draft" not in query else []
            assert opened == expected, (who, query)
            assert urls["team_record"] not in opened
            for address in opened:
                assert client.get(address).status_code == 200
