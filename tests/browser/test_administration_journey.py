"""Running the service in a browser: import new staff with one bad row explained before anything
changes; a new person sets their password from the emailed link and signs in; the administrator
moves a practitioner to a new line manager. axe checks each page on the way."""

from __future__ import annotations

import re

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import check

NEW_STAFF = (
    "Name,Email,Job title,Agency,District,Team,Line manager's email,Roles\n"
    "Nadia Newby,nadia.newby@demo.test,Social worker,Children's social care,Chesterfield,,"
    "manager@demo.test,\n"
    "Oscar Oddrow,oscar-at-demo.test,Teacher,Education,Chesterfield,,manager@demo.test,\n"
    "Pia Plenty,pia.plenty@demo.test,Health visitor,Health,Chesterfield,,manager@demo.test,\n"
)


def test_an_administrator_imports_new_staff_and_a_newcomer_sets_a_password(
    live_server, new_page, browser_mail, tmp_path
):
    inbox, _ = browser_mail
    admin = new_page()
    sign_in(admin, live_server, "admin@demo.test")
    admin.get_by_role("link", name="Administration").click()
    check(admin, "administration")
    admin.get_by_role("link", name="Import people from a spreadsheet").click()
    check(admin, "import upload")

    # A file that is not a people list is explained next to the field.
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("first,second\n1,2\n", encoding="utf-8")
    admin.get_by_label("File").set_input_files(str(wrong))
    admin.get_by_role("button", name="Check the file").click()
    admin.get_by_role("heading", name="There is a problem").wait_for()
    assert "The first row must be the column headings" in admin.locator(".field-error").inner_text()
    check(admin, "import upload with an error")

    staff = tmp_path / "new-staff.csv"
    staff.write_text(NEW_STAFF, encoding="utf-8")
    admin.get_by_label("File").set_input_files(str(staff))
    admin.get_by_role("button", name="Check the file").click()
    admin.get_by_text("Nothing has changed yet.").wait_for()
    problems = admin.locator(".error-summary")
    assert "1 row with a problem" in problems.inner_text()
    assert "“oscar-at-demo.test” is not a valid email address." in problems.inner_text()
    check(admin, "import dry run")
    assert inbox.to("nadia.newby@demo.test") == []

    admin.get_by_role("button", name=re.compile(r"^Import 2 new")).click()
    admin.get_by_text("Import done: 2 added, 0 changed, 0 unchanged, 1 left out").wait_for()

    # The newcomer opens the emailed link in their own browser.
    (welcome,) = inbox.to("nadia.newby@demo.test")
    path = re.search(r"(/set-password/\S+)", welcome.get_content()).group(1)
    newcomer = new_page()
    newcomer.goto(live_server + path)
    newcomer.get_by_role("heading", name="Choose your password").wait_for()
    check(newcomer, "set password")
    newcomer.get_by_label("New password", exact=True).fill("short")
    newcomer.get_by_label("Type the new password again").fill("short")
    newcomer.get_by_role("button", name="Set your password").click()
    newcomer.get_by_role("link", name=re.compile("Use at least 12 characters")).wait_for()
    password = "three blind mice run"
    newcomer.get_by_label("New password", exact=True).fill(password)
    newcomer.get_by_label("Type the new password again").fill(password)
    newcomer.get_by_role("button", name="Set your password").click()
    newcomer.get_by_text("Your password is set").wait_for()
    assert newcomer.get_by_label("Email address").input_value() == "nadia.newby@demo.test"
    newcomer.get_by_label("Password").fill(password)
    newcomer.get_by_role("button", name="Sign in").click()
    newcomer.get_by_role("heading", name="My records").wait_for()

    # The link worked once.
    again = new_page()
    again.goto(live_server + path)
    again.get_by_text("This link has already been used").wait_for()


def test_an_administrator_moves_a_practitioner_to_a_new_line_manager(live_server, new_page):
    admin = new_page()
    sign_in(admin, live_server, "admin@demo.test")
    admin.goto(f"{live_server}/admin/people")
    check(admin, "people")
    admin.get_by_label("Name, email or job title contains").fill("practitioner@demo")
    admin.get_by_role("button", name="Search").click()
    admin.get_by_text("Showing 1 to 1 of 1 person").wait_for()
    admin.get_by_role("link", name="Priya Shah").click()
    check(admin, "person")
    manager_field = admin.get_by_label("Line manager's email address")
    assert manager_field.input_value() == "manager@demo.test"
    manager_field.fill("nobody@demo.test")
    admin.get_by_role("button", name="Save changes").click()
    admin.get_by_role("link", name=re.compile("Nobody here has the email address")).click()
    assert admin.evaluate("document.activeElement.id") == "line_manager_email"
    check(admin, "person with an error")
    manager_field.fill("senior@demo.test")
    admin.get_by_role("button", name="Save changes").click()
    admin.get_by_text("Priya Shah's details have been saved.").wait_for()
    assert admin.get_by_label("Line manager's email address").input_value() == "senior@demo.test"
    admin.goto(f"{live_server}/admin/history")
    trail = admin.locator("ol.history").inner_text()
    assert "Changed Priya Shah's line manager" in trail
    assert "Morgan Ellis → Sam Hargreaves" in trail
    check(admin, "history")
    admin.goto(f"{live_server}/admin/frameworks")
    check(admin, "frameworks")
    admin.goto(f"{live_server}/admin/teams")
    check(admin, "teams")
    admin.get_by_role("link", name=re.compile("Chesterfield North")).first.click()
    check(admin, "team")
    admin.goto(f"{live_server}/admin/organisation")
    check(admin, "organisation")
