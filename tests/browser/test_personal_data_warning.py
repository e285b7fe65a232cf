"""The personal-data warning in a browser: flagged text is listed before submission, the
question is asked (and stays asked when skipped), and the record goes once it is answered."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import check
from tests.browser.test_stage_one_journeys import open_team_record

PLEDGE_LABEL = re.compile(r"^To improve my/our practice")


def test_identifying_details_are_questioned_before_submission(live_server, new_page):
    priya = new_page()
    sign_in(priya, live_server, "practitioner@demo.test")
    open_team_record(priya, live_server)
    priya.locator(".entry-card").first.get_by_role("link").first.click()
    priya.get_by_label(PLEDGE_LABEL).fill("Visit Jayden Smith, born 12/03/2015, every week.")
    priya.get_by_role("button", name="Save and return to the record").click()
    priya.get_by_role("link", name="Check and submit").click()

    warning = priya.locator("#personal-data")
    expect(warning.get_by_role("heading", name="Check for identifying details")).to_be_visible()
    expect(warning).to_contain_text("12/03/2015")
    priya.get_by_role("button", name="Submit for sign-off").click()

    summary = priya.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile("Change the text listed below")).click()
    expect(priya.get_by_label("None of this identifies a child or family")).to_be_focused()
    check(priya, "personal-data question")

    priya.keyboard.press("Space")
    priya.get_by_role("button", name="Submit for sign-off").click()
    expect(priya.get_by_role("status")).to_contain_text("sent to Morgan Ellis")
