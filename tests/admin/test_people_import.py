"""Importing people from CSV: a dry run that explains every row, then the import; the same file
twice changes nothing; 10,000 rows."""

from __future__ import annotations

import sqlalchemy as sa

from admin.people_import import ImportFileError, apply_import, plan_import
from core.database import db
from people.models import Agency, Role, Team, User, UserRole
from supervision.permissions import can_supervise_person

HEADINGS = "Name,Email,Job title,Agency,District,Team,Line manager's email,Roles\n"


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_dry_run_explains_a_bad_row_and_changes_nothing(people):
    csv = HEADINGS + (
        "Ann Able,ann@example.org,Social worker,Health,Chesterfield,North team,"
        f"{people['manager'].email},\n"
        "Bob Bad,not-an-email,Teacher,Education,Chesterfield,,,\n"
        "Cat Cole,cat@example.org,Health visitor,Health,Chesterfield,New virtual team,"
        "ann@example.org,Training team\n"
    )
    users_before = _count(User)
    plan = plan_import(csv)
    assert [row.action for row in plan.rows] == ["create", "error", "create"]
    (bad,) = plan.errors
    assert bad.line == 3
    assert bad.problems == ["“not-an-email” is not a valid email address."]
    assert plan.new_agencies == ["Education", "Health"][1:]  # Bob's row is left out
    assert plan.new_teams == ["New virtual team"]
    assert _count(User) == users_before


def test_the_import_creates_the_good_rows_with_their_managers_and_teams(people, smtp_inbox):
    csv = HEADINGS + (
        "Ann Able,ann@example.org,Social worker,Health,Chesterfield,North team,"
        f"{people['manager'].email},\n"
        "Bob Bad,not-an-email,Teacher,Education,Chesterfield,,,\n"
        "Cat Cole,CAT@example.org,Health visitor,health,Chesterfield,New virtual team; North team,"
        "ann@example.org,Training team\n"
    )
    result = apply_import(plan_import(csv), people["admin"])
    db.session.commit()
    assert (result.created, result.changed, result.skipped) == (2, 0, 1)
    ann = db.session.scalar(sa.select(User).where(User.email == "ann@example.org"))
    cat = db.session.scalar(sa.select(User).where(User.email == "cat@example.org"))
    assert ann.line_manager == people["manager"]
    assert cat.line_manager == ann
    assert can_supervise_person(ann, cat)
    assert cat.agency == ann.agency
    assert cat.agency.name == "Health"
    assert {team.name for team in cat.teams} == {"New virtual team", "North team"}
    assert cat.roles == {Role.TRAINING_TEAM}
    assert ann.password_hash is None
    assert sorted(m["To"] for m in smtp_inbox.messages) == ["ann@example.org", "cat@example.org"]
    assert not db.session.scalar(sa.select(User).where(User.name == "Bob Bad"))


def test_importing_the_same_file_again_changes_nothing(people, smtp_inbox):
    csv = HEADINGS + (
        "Ann Able,ann@example.org,Social worker,Health,Chesterfield,North team,"
        f"{people['manager'].email},District team\n"
    )
    apply_import(plan_import(csv), people["admin"])
    db.session.commit()
    sent = len(smtp_inbox.messages)
    again = plan_import(csv)
    assert [row.action for row in again.rows] == ["unchanged"]
    assert not again.has_work
    assert (again.new_agencies, again.new_teams) == ([], [])
    result = apply_import(again, people["admin"])
    db.session.commit()
    assert (result.created, result.changed, result.unchanged) == (0, 0, 1)
    assert len(smtp_inbox.messages) == sent


def test_changes_to_people_already_here_are_listed_and_blank_cells_keep_details(people):
    pat = people["practitioner"]
    csv = HEADINGS + (
        f"Pat Practitioner,{pat.email},Senior practitioner,,,North team,{people['senior'].email},\n"
    )
    (row,) = plan_import(csv).rows
    assert row.action == "change"
    assert row.changes == [
        "Job title: “none” becomes “Senior practitioner”",
        f"Line manager: “{people['manager'].email}” becomes “{people['senior'].email}” "
        "(anything awaiting sign-off moves to them)",
    ]
    apply_import(plan_import(csv), people["admin"])
    assert pat.line_manager == people["senior"]
    assert pat.agency == people["agency"]  # blank: kept


def test_every_kind_of_problem_is_explained_in_words(people):
    admin = people["admin"]
    csv = HEADINGS + (
        ",nameless@example.org,,,,,,\n"
        "No Email,,,,,,,\n"
        "Dee Dup,dup@example.org,,,,,,\n"
        "Dee Again,DUP@example.org,,,,,,\n"
        "Manager Missing,mm@example.org,,,,,ghost@example.org,\n"
        "Self Managed,self@example.org,,,,,self@example.org,\n"
        "Role Wrong,rw@example.org,,,,,,Superuser\n"
        "Two Wrongs,tw@example.org,,,,,nobody@example.org,Superuser\n"
        f"Loop Maker,{people['senior'].email},,,,,{people['practitioner'].email},\n"
        f"Last Admin,{admin.email},,,,,,Training team\n"
        "Under Bad Manager,ubm@example.org,,,,,rw@example.org,\n"
        f"{'L' * 121},long@example.org,,,,,,\n"
    )
    people["outsider"].is_active_account = False
    db.session.commit()
    csv += f"Left Already,{people['outsider'].email},,,,,,\n"
    problems = {row.line: " ".join(row.problems) for row in plan_import(csv).errors}
    assert "The name is missing" in problems[2]
    assert "The email address is missing" in problems[3]
    assert 4 not in problems
    assert "also on row 4" in problems[5]
    assert "ghost@example.org, is not in this file and has no account here" in problems[6]
    assert "cannot be their own line manager" in problems[7]
    assert "“Superuser” is not one we know" in problems[8]
    assert "“Superuser” is not one we know" in problems[9]
    assert "nobody@example.org, is not in this file" in problems[9]
    assert "reports to them" in problems[10]
    assert "remove the last administrator" in problems[11]
    assert "is on row 8, which has a problem" in problems[12]
    assert "Name is longer than 120 characters" in problems[13]
    assert "has left" in problems[14]


def test_files_that_are_not_a_people_list_say_what_to_do():
    import pytest

    with pytest.raises(ImportFileError, match="The file is empty"):
        plan_import(b"")
    with pytest.raises(ImportFileError, match="including “email”"):
        plan_import("Name,Phone\nAnn,0123\n")


def test_windows_spreadsheets_and_semicolons_are_understood(people):
    csv = "Name;Email;Agency\nZoë Ñúñez;zoe@example.org;Health\n".encode("cp1252")
    (row,) = plan_import(csv).rows
    assert row.name == "Zoë Ñúñez"
    assert row.action == "create"


def test_ten_thousand_people_import_once_and_then_change_nothing(people):
    lines = [HEADINGS]
    for n in range(10_000):
        manager = f"{people['senior'].email}" if n < 100 else f"p{n % 100}@county.example"
        lines.append(
            f"Person {n},p{n}@county.example,Practitioner,Agency {n % 8},District {n % 8},"
            f"Team {n % 200},{manager},\n"
        )
    csv = "".join(lines)
    plan = plan_import(csv)
    assert len(plan.with_action("create")) == 10_000
    assert not plan.errors
    result = apply_import(plan, people["admin"], send_links=False)
    db.session.commit()
    assert result.created == 10_000
    assert _count(User) == 10_000 + 6
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Team)) == 201
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agency)) == 9
    again = plan_import(csv)
    assert len(again.with_action("unchanged")) == 10_000
    assert not again.has_work


def test_the_command_line_dry_run_and_import(runner, people, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(
        HEADINGS + "Ann Able,ann@example.org,,,,,,\nBob Bad,bad,,,,,,\n",
        encoding="utf-8",
    )
    dry = runner.invoke(args=["users", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Row 3 (bad): “bad” is not a valid email address." in dry.output
    assert "1 to add, 0 to change, 0 unchanged, 1 with problems." in dry.output
    assert "Dry run: nothing was changed." in dry.output
    assert not db.session.scalar(sa.select(User).where(User.email == "ann@example.org"))
    done = runner.invoke(args=["users", "import", str(path), "--no-links"])
    assert "Imported: 1 added" in done.output
    assert db.session.scalar(sa.select(User).where(User.email == "ann@example.org"))
    missing = runner.invoke(args=["users", "import", str(path), "--by", "ann@example.org"])
    assert "Nothing to import" in missing.output


def test_the_first_administrator_from_the_command_line(runner):
    result = runner.invoke(
        args=["users", "create-administrator", "--email", "Root@Example.org", "--name", "Ro Ot"]
    )
    assert result.exit_code == 0, result.output
    assert "/set-password/" in result.output
    root = db.session.scalar(sa.select(User).where(User.email == "root@example.org"))
    assert root.has_role(Role.ADMINISTRATOR)


def test_the_people_download_imports_back_unchanged_then_shows_an_edit(client, auth, people):
    """The round trip an administrator makes: download, change one cell, check, import."""
    from people.operations import create_user

    people["practitioner"].role_grants.append(UserRole(role=Role.DISTRICT_TEAM))
    create_user(email="odd@example.org", name="=Formula Looking", job_title="-lead")
    db.session.commit()
    auth.login(people["admin"])
    response = client.get("/admin/people.csv")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="people-')
    exported = response.data
    text = exported.decode("utf-8-sig")
    assert "'=Formula Looking" in text  # a spreadsheet shows it as text, never runs it
    assert "North team" in text
    plan = plan_import(exported)
    assert not plan.errors
    assert {row.action for row in plan.rows} == {"unchanged"}
    assert len(plan.rows) == 7  # everyone who can sign in

    edited = text.replace("Pat Practitioner,", "Pat Practitioner-Jones,", 1)
    (changed,) = plan_import(edited).with_action("change")
    assert changed.changes == ["Name: “Pat Practitioner” becomes “Pat Practitioner-Jones”"]


def test_leavers_are_not_in_the_download(client, auth, people):
    people["outsider"].is_active_account = False
    db.session.commit()
    auth.login(people["admin"])
    assert people["outsider"].email not in client.get("/admin/people.csv").get_data(as_text=True)
    auth.login(people["manager"])
    assert client.get("/admin/people.csv").status_code == 403


def test_names_that_differ_only_by_case_folding_are_the_same_team_and_agency(people):
    """The import compares names as the admin pages do (admin.operations.name_key): "STRASSE"
    and "Straße" are one name, so a file cannot create a second team an admin could not."""
    db.session.add_all([Team(name="Straße team"), Agency(name="Jugendamt Straße")])
    db.session.commit()
    csv = HEADINGS + (
        "Ann Able,ann@example.org,Social worker,JUGENDAMT STRASSE,Chesterfield,STRASSE TEAM,,\n"
    )
    plan = plan_import(csv)
    assert plan.new_teams == []
    assert plan.new_agencies == []
