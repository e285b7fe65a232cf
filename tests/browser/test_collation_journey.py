"""Collation in a real browser: the training team prepares and downloads the county's exports."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_the_training_team_downloads_the_county_pdf_and_xlsx(live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "training@demo.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="County dashboard")).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()

    for button, suffix in (
        ("Prepare the collated pdf", ".pdf"),
        ("Prepare the spreadsheet (xlsx)", ".xlsx"),
    ):
        page.get_by_role("button", name=button).click()
        expect(page.get_by_text("The export is ready")).to_be_visible(timeout=30_000)
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the").click()
        name = download.value.suggested_filename
        assert re.fullmatch(rf"pledges-county-\d{{4}}-\d{{2}}-\d{{2}}\{suffix}", name), name
        page.get_by_role("link", name="Back to the dashboard").click()


def test_a_district_team_sees_only_its_district(live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "district@demo.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Chesterfield district dashboard")).to_be_visible()
    expect(page.get_by_label("District", exact=True)).to_have_count(0)
