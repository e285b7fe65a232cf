"""The people import reads Excel workbooks, names other kinds of file in words, warns of new
names and managerless teams, and leaves a trail of every team, agency and membership it adds."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from admin.models import AdminEvent
from admin.people_files import kind_of_file, people_file_text
from admin.people_import import ImportFileError, apply_import, plan_import
from core.database import db
from people.models import Agency, Team, User

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, content: bytes, filename: str):
    return client.post(
        "/admin/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def as_admin(client, auth, people):
    auth.login(people["admin"])
    return client


def test_an_excel_workbook_is_imported_with_the_same_checks_as_csv(as_admin, people):
    workbook = _workbook(
        [
            ["Name", "Email", "Job title", "Team", "Line manager's email", "Started"],
            [
                "Ann Able",
                "ann@example.org",
                "Social worker",
                "North team",
                people["manager"].email,
                date(2026, 11, 23),
            ],
            ["Bob Bad", "not-an-email", "Teacher", None, None, None],
            [None, None, None, None, None, None],
            ["Cat Cole", "cat@example.org", 42, None, None, None],
        ]
    )
    upload = _upload(as_admin, workbook, "staff.xlsx")
    assert upload.status_code == 302
    dry_run = as_admin.get(upload.headers["Location"]).get_data(as_text=True)
    assert "“not-an-email” is not a valid email address." in dry_run
    assert "Import 2 new and 0 changed people, leaving out 1 row" in dry_run
    assert as_admin.post(upload.headers["Location"], data={}).status_code == 302
    ann = db.session.scalar(sa.select(User).where(User.email == "ann@example.org"))
    cat = db.session.scalar(sa.select(User).where(User.email == "cat@example.org"))
    assert ann.line_manager == people["manager"]
    assert [team.name for team in ann.teams] == ["North team"]
    assert cat.job_title == "42"  # a number typed in a cell, as the sheet shows it


def test_a_workbook_without_the_headings_names_the_headings_it_found(as_admin):
    response = _upload(as_admin, _workbook([["Forename", "Mail"], ["Ann", "a@x.org"]]), "w.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The headings found were: “Forename”, “Mail”." in html


@pytest.mark.parametrize(
    ("content", "filename", "said"),
    [
        (PNG, "photo.png", "This looks like a PNG picture, not a CSV or Excel file."),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "scan.csv", "This looks like a JPEG picture"),
        (b"%PDF-1.7\n%\xe2\xe3", "list.pdf", "This looks like a PDF document"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40,
            "old.xls",
            "older Excel workbook (.xls)",
        ),
        (b"\x00\x01\x02\x03garbage\x00", "data.bin", "This looks like a file of binary data"),
    ],
)
def test_a_picture_or_other_file_is_named_in_words_not_shown_as_headings(
    as_admin, content, filename, said
):
    response = _upload(as_admin, content, filename)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert said in html
    assert "The headings found were" not in html
    assert "IHDR" not in html


def test_a_word_document_and_a_damaged_workbook_are_explained():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert kind_of_file(out.getvalue()) == "a Word document"
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("xl/workbook.xml", "not xml at all")
    with pytest.raises(ImportFileError, match="The Excel workbook could not be opened"):
        people_file_text(broken.getvalue())
    assert kind_of_file(b"name,email\nAnn,ann@example.org\n") == "csv"


def _events(action: str) -> list[AdminEvent]:
    return list(db.session.scalars(sa.select(AdminEvent).where(AdminEvent.action == action)))


def test_the_trail_records_the_teams_agencies_and_memberships_an_import_adds(people):
    csv = (
        "name,email,agency,district,team\n"
        "Ann Able,ann@example.org,Youth Servics,Bolsover,North team; Bolsover hub\n"
        f"{people['practitioner'].name},{people['practitioner'].email},,,Bolsover hub\n"
    )
    apply_import(plan_import(csv), people["admin"], send_links=False, source="staff.csv")
    db.session.commit()
    (agency,) = _events("agency_added")
    assert agency.summary == "Added the agency Youth Servics by importing staff.csv"
    assert agency.actor == people["admin"]
    (district,) = _events("district_added")
    assert district.summary == "Added the district Bolsover by importing staff.csv"
    (team,) = _events("team_added")
    hub = db.session.scalar(sa.select(Team).where(Team.name == "Bolsover hub"))
    assert team.team_id == hub.id
    assert team.summary == "Added the team Bolsover hub by importing staff.csv"
    joined = sorted(event.summary for event in _events("member_added"))
    assert joined == [
        "Added Ann Able to Bolsover hub by importing staff.csv",
        "Added Ann Able to North team by importing staff.csv",
        f"Added {people['practitioner'].name} to Bolsover hub by importing staff.csv",
    ]
    assert db.session.scalar(sa.select(Agency).where(Agency.name == "Youth Servics"))


def test_the_dry_run_warns_of_managerless_teams_and_likely_misspellings(as_admin, people):
    db.session.add(Agency(name="Youth Services"))
    db.session.commit()
    csv = (
        "name,email,agency,team\nAnn Able,ann@example.org,Youth Servics,North team; Bolsover hub\n"
    )
    plan = plan_import(csv)
    assert plan.new_agencies == ["Youth Servics"]
    assert plan.close_to == {"Youth Servics": "Youth Services"}
    assert plan.teams_without_manager == ["Bolsover hub"]  # North team has Morgan Manager
    upload = _upload(as_admin, csv.encode(), "staff.csv")
    page = as_admin.get(upload.headers["Location"]).get_data(as_text=True)
    assert "Check these new names before importing" in page
    assert (
        "<strong>Youth Servics</strong> – is this a misspelling of <strong>Youth Services</strong>"
        in page
    )
    assert "1 team will have no manager" in page
    assert "Nobody can sign off a team's record until the team has a manager" in page
    assert "<li>Bolsover hub (new)</li>" in page
    as_admin.post(upload.headers["Location"], data={})
    trail = as_admin.get("/admin/history").get_data(as_text=True)
    for entry in (
        "Added the agency Youth Servics by importing staff.csv",
        "Added the team Bolsover hub by importing staff.csv",
        "Added Ann Able to Bolsover hub by importing staff.csv",
        "Added Ann Able to North team by importing staff.csv",
    ):
        assert entry in trail


def test_the_command_line_imports_a_workbook_and_warns_the_same(runner, people, tmp_path):
    path = tmp_path / "staff.xlsx"
    path.write_bytes(
        _workbook(
            [["Name", "Email", "Agency", "Team"], ["Ann Able", "ann@example.org", "Health", "Hub"]]
        )
    )
    dry = runner.invoke(args=["users", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "New teams: Hub" in dry.output
    assert "No manager (nobody can sign off their records until one is chosen): Hub" in dry.output
    assert "1 to add, 0 to change" in dry.output
    picture = tmp_path / "staff.png"
    picture.write_bytes(PNG)
    refused = runner.invoke(args=["users", "import", str(picture), "--dry-run"])
    assert refused.exit_code == 1
    assert "This looks like a PNG picture, not a CSV or Excel file." in refused.output


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from(
        [b"", b"PK\x03\x04", b"\x89PNG\r\n\x1a\n", b"\xd0\xcf\x11\xe0", b"RIFF"]
    ),
    body=st.binary(max_size=300),
)
def test_any_bytes_are_read_or_refused_in_words(prefix, body):
    from admin.people_import import read_csv

    try:
        read_csv(people_file_text(prefix + body))
    except ImportFileError as problem:  # anything else (a crash) fails the test
        message = str(problem)
    else:
        message = "read"
    assert message


def test_a_workbook_damaged_inside_its_sheet_is_refused_in_words(as_admin):
    whole = zipfile.ZipFile(io.BytesIO(_workbook([["Name", "Email"], ["Ann", "ann@x.org"]])))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        for name in whole.namelist():
            part = whole.read(name)
            if name == "xl/worksheets/sheet1.xml":
                part = part[: len(part) // 2]  # cut off half way, as a failed download is
            archive.writestr(name, part)
    response = _upload(as_admin, damaged.getvalue(), "staff.xlsx")
    assert response.status_code == 422
    assert "The Excel workbook could not be opened" in response.get_data(as_text=True)


def test_rows_of_a_workbook_keep_the_numbers_excel_shows():
    from admin.people_import import read_csv

    book = Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"] = "Name", "Email"
    sheet["A2"], sheet["B2"] = "Ann Able", "ann@example.org"
    sheet["A7"], sheet["B7"] = "Bob Bad", "bob"
    out = io.BytesIO()
    book.save(out)
    _, rows = read_csv(people_file_text(out.getvalue()))
    assert [line for line, _ in rows] == [2, 7]
