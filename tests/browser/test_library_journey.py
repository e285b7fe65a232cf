"""The good-practice library in a browser: the training team features an entry from another
district, and a practitioner in Chesterfield finds it by a word in it; axe on the library page."""

from __future__ import annotations

import re

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import check


def test_a_featured_entry_is_found_by_a_practitioner_in_another_district(live_server, new_page):
    training = new_page()
    sign_in(training, live_server, "training@demo.test")
    training.get_by_role("link", name="Good-practice library").click()
    training.get_by_role("heading", name="Good-practice library").wait_for()
    check(training, "library")
    training.get_by_label("District").select_option(label="High Peak")
    training.get_by_role("button", name="Search").click()
    first = training.locator("article.library-entry").first
    title = first.locator("h2").inner_text()
    text = first.locator("p.preserve-lines").first.inner_text()
    first.get_by_role("button", name=re.compile("^Feature")).click()
    training.get_by_text("The entry is featured: it leads the library.").wait_for()
    check(training, "library after featuring")

    practitioner = new_page()
    sign_in(practitioner, live_server, "practitioner@demo.test")
    practitioner.goto(f"{live_server}/library")
    leading = practitioner.locator("article.library-entry").first
    assert "Featured" in leading.locator("h2").inner_text()
    assert title in leading.locator("h2").inner_text()
    word = max(re.findall(r"[A-Za-z]{5,}", text), key=len)
    practitioner.get_by_label("Words in the good practice or pledge").fill(word)
    practitioner.get_by_role("button", name="Search").click()
    practitioner.get_by_role("status").filter(has_text=word).wait_for()
    found = practitioner.locator("article.library-entry").first
    assert text in found.inner_text()
    assert "High Peak" in found.locator("p.muted").inner_text()


def test_the_impact_report_reads_well_and_passes_axe(live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "district@demo.test")
    page.get_by_role("link", name="Impact report").click()
    page.get_by_role("heading", name="Impact report: Chesterfield").wait_for()
    check(page, "impact report")
    page.get_by_label("Anonymised: suppress numbers under 5").check()
    page.get_by_role("button", name="Show the report").click()
    page.get_by_text("Anonymised: counts from 1 to 4").wait_for()
    check(page, "impact report, anonymised")
    assert page.locator("table").count() == 4
