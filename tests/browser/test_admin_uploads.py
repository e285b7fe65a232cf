"""Uploads an administrator makes, in a browser: an Excel workbook to the people import (with a
misspelt agency and a team that will have no manager), a picture by mistake, and a framework
previewed before it is published. axe checks each changed page at phone and laptop widths."""

from __future__ import annotations

import re

from openpyxl import Workbook

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import check
from tests.pledges.test_personal_data import kinds

WIDTHS = (390, 1366)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def check_at_both_widths(page, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        check(page, f"{name} at {width} pixels")


def test_an_administrator_imports_a_workbook_and_is_told_about_a_picture(
    live_server, new_page, tmp_path
):
    book = Workbook()
    book.active.append(["Name", "Email", "Agency", "Team"])
    book.active.append(["Nadia Newby", "nadia.newby@demo.test", "Childrens Social Care", "Hub 7"])
    workbook = tmp_path / "staff.xlsx"
    book.save(workbook)
    picture = tmp_path / "staff.png"
    picture.write_bytes(PNG)

    admin = new_page()
    sign_in(admin, live_server, "admin@demo.test")
    admin.goto(f"{live_server}/admin/import")
    admin.get_by_label("File").set_input_files(str(picture))
    admin.get_by_role("button", name="Check the file").click()
    admin.get_by_role("heading", name="There is a problem").wait_for()
    assert "This looks like a PNG picture, not a CSV or Excel file." in (
        admin.locator(".field-error").inner_text()
    )
    check_at_both_widths(admin, "import with a picture")

    admin.get_by_label("File").set_input_files(str(workbook))
    admin.get_by_role("button", name="Check the file").click()
    admin.get_by_text("Nothing has changed yet.").wait_for()
    names = admin.locator("#new-names").inner_text()
    assert "Childrens Social Care – is this a misspelling of Children's social care" in names
    assert "1 team will have no manager" in names
    check_at_both_widths(admin, "import dry run with new names")


def test_a_framework_is_previewed_then_published_without_becoming_current(live_server, new_page):
    admin = new_page()
    sign_in(admin, live_server, "training@demo.test")
    admin.goto(f"{live_server}/admin/frameworks")
    admin.get_by_label("File").set_input_files("pledges/frameworks/hampshire-themes-v1.json")
    admin.get_by_role("button", name="Check and preview").click()
    admin.get_by_text("Preview: nothing is published yet").wait_for()
    assert admin.get_by_role("heading", name="1) Voice of the Child").is_visible()
    box = admin.get_by_label("Make it the current framework for new records")
    assert not box.is_checked()
    check_at_both_widths(admin, "framework preview")
    admin.get_by_role("button", name=re.compile("^Publish Five key themes")).click()
    admin.get_by_text("is published. It is not current.").wait_for()
    check_at_both_widths(admin, "frameworks")


def test_saving_a_name_with_an_age_says_which_words_and_why(live_server, new_page):
    text = "Visit Jayden Smith, 4, with his nan every week."
    assert kinds(text)
    page = new_page()
    sign_in(page, live_server, "practitioner@demo.test")
    page.goto(f"{live_server}/records")
    page.get_by_role("link", name=re.compile("Open the record of Chesterfield North")).click()
    page.locator(".entry-card").first.get_by_role("link").first.click()
    page.get_by_label(re.compile("^To improve my/our practice")).fill(text)
    page.get_by_role("button", name="Save", exact=True).click()
    hint = page.get_by_text(re.compile("some words may identify a child or family"))
    hint.wait_for()
    assert "“Jayden Smith, 4” in Pledge" in hint.inner_text()
    assert page.get_by_label(re.compile("^To improve my/our practice")).input_value() == text
    check_at_both_widths(page, "entry saved with a hint")
