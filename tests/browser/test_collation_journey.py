"""Collation in a real browser: the training team prepares and downloads the county's exports."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import check


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


def _words(text: str) -> str:
    return " ".join(text.split())


def test_from_a_figure_to_a_record_and_back_then_its_good_practice_is_shared(live_server, new_page):
    """Issue 17's journey: the training team follows a figure to the records behind it, reads
    one, comes back to the dashboard as it was, and features that record's entry in the
    library; a practitioner in another district finds it there by a word in it."""
    page = new_page()
    sign_in(page, live_server, "training@demo.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.get_by_label("Key point", exact=True).select_option("1")
    page.get_by_role("button", name="Apply the filters").click()
    page.wait_for_url(re.compile(r"/collation\?.*key_point=1"))
    check(page, "dashboard on key point 1")
    districts = page.locator("#table-districts")
    row = districts.get_by_role("row").filter(has_text="Erewash")
    figure = int(row.get_by_role("cell").first.inner_text())
    row.get_by_role("link", name=re.compile(r"^List the records\W+Erewash")).click()

    expect(page.get_by_role("heading", name="The records behind the figure")).to_be_visible()
    listed = page.locator("#records-list tbody tr")
    expect(listed).to_have_count(figure)
    check(page, "the records behind a figure")
    opened = listed.first.get_by_role("link")
    owner = opened.inner_text().split(",")[0]  # "Megan Varga, cycle 1"
    opened.click()
    page.wait_for_url(re.compile(r"/records/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(owner)
    record_text = _words(page.get_by_role("main").inner_text())
    page.go_back()
    page.get_by_role("link", name="Back to the dashboard with the same filters").click()
    page.wait_for_url(re.compile(r"/collation\?key_point=1$"))
    expect(page.get_by_label("Key point", exact=True)).to_have_value("1")
    expect(page.get_by_label("District", exact=True)).to_have_value("")

    page.get_by_role("link", name="Good-practice library").click()
    page.get_by_label("District").select_option(label="Erewash")
    page.get_by_label("Key point", exact=True).select_option("1")
    page.get_by_role("button", name="Search").click()
    entries = page.locator("article.library-entry")
    expect(entries.first).to_be_visible()
    chosen = next(
        entries.nth(index)
        for index in range(entries.count())
        if _words(entries.nth(index).locator("p.preserve-lines").last.inner_text()) in record_text
    )
    shared = _words(chosen.locator("p.preserve-lines").last.inner_text())
    chosen.get_by_role("button", name=re.compile("^Feature")).click()
    page.get_by_text("The entry is featured: it leads the library.").wait_for()

    practitioner = new_page()
    sign_in(practitioner, live_server, "practitioner@demo.test")  # Chesterfield
    practitioner.goto(f"{live_server}/library")
    word = max(re.findall(r"[A-Za-z]{5,}", shared), key=len)
    practitioner.get_by_label("Words in the good practice or pledge").fill(word)
    practitioner.get_by_role("button", name="Search").click()
    practitioner.get_by_role("status").filter(has_text=word).wait_for()
    found = practitioner.locator("article.library-entry").first
    assert "Featured" in found.locator("h2").inner_text()
    assert shared in _words(found.inner_text())
    assert "Erewash" in found.locator("p.muted").inner_text()
