"""The GOV.UK date input with a wrong month, and pages that fit a phone and a laptop (issue 18):
no table pushes the page sideways at 390 px, the navigation is one line at 1,366 px, headings
clear the header, and axe finds nothing serious on the changed pages at either width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import check

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

# The pages each sign-in lands on in the demo county, with the tables among them.
PAGES = {
    "practitioner@demo.test": ["/records", "/records/1", "/framework", "/supervision/sessions"],
    "manager@demo.test": ["/supervision", "/supervision/sessions", "/records"],
    "training@demo.test": ["/collation"],
    "admin@demo.test": [
        "/admin",
        "/admin/people",
        "/admin/teams",
        "/admin/organisation/agencies",
        "/admin/frameworks",
        "/admin/import",
        "/admin/import/1",
        "/admin/history",
    ],
}


def _page(chromium, live_server, email, viewport):
    context = chromium.new_context(viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, live_server, email)
    return context, page


def _start_a_session_with_tom(page, live_server) -> None:
    page.goto(f"{live_server}/supervision")
    page.get_by_role("link", name="Start a session with Tom Whitworth").click()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_a_wrong_month_is_named_linked_to_and_kept(live_server, chromium, viewport):
    context, page = _page(chromium, live_server, "manager@demo.test", viewport)
    try:
        _start_a_session_with_tom(page, live_server)
        date = page.get_by_role("group", name="Date of the session")
        expect(date).to_contain_text("For example, 27 3 2027")
        for part in ("Day", "Month", "Year"):
            expect(date.get_by_label(part, exact=True)).to_have_attribute("inputmode", "numeric")
        date.get_by_label("Day", exact=True).fill("27")
        date.get_by_label("Month", exact=True).fill("13")
        date.get_by_label("Year", exact=True).fill("2026")
        page.get_by_role("button", name="Start the session").click()

        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("There is a problem")
        link = summary.get_by_role("link", name="Month must be between 1 and 12")
        expect(link).to_have_attribute("href", "#held_on-month")
        expect(date).to_contain_text("Error: Month must be between 1 and 12")
        # What was typed is kept; only the month is marked wrong.
        expect(date.get_by_label("Day", exact=True)).to_have_value("27")
        expect(date.get_by_label("Month", exact=True)).to_have_value("13")
        expect(date.get_by_label("Year", exact=True)).to_have_value("2026")
        expect(date.get_by_label("Month", exact=True)).to_have_attribute("aria-invalid", "true")
        expect(date.get_by_label("Day", exact=True)).not_to_have_attribute("aria-invalid", "true")
        check(page, f"a wrong month at {viewport['width']} px")
        link.click()
        expect(date.get_by_label("Month", exact=True)).to_be_focused()

        date.get_by_label("Month", exact=True).fill("11")
        page.get_by_role("button", name="Start the session").click()
        expect(
            page.get_by_role("heading", name="Supervision session with Tom Whitworth")
        ).to_be_visible()
        expect(page.get_by_text("27 November 2026").first).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("email", list(PAGES))
def test_no_table_pushes_the_page_sideways_on_a_phone(live_server, chromium, email):
    context, page = _page(chromium, live_server, email, PHONE)
    try:
        for path in PAGES[email]:
            page.goto(f"{live_server}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} is {width} px wide"
            tables = page.locator("table.table")
            for index in range(tables.count()):
                region = tables.nth(index).locator("xpath=..")
                expect(region).to_have_attribute("role", "region")
                expect(region).to_have_attribute("tabindex", "0")
                expect(region).to_have_attribute("aria-label", re.compile(r"\w"))
    finally:
        context.close()


@pytest.mark.parametrize("email", ["manager@demo.test", "training@demo.test", "admin@demo.test"])
def test_the_navigation_is_one_line_on_a_laptop_and_headings_clear_the_header(
    live_server, chromium, email
):
    context, page = _page(chromium, live_server, email, LAPTOP)
    try:
        for path in PAGES[email][:3]:
            page.goto(f"{live_server}{path}")
            tops = page.evaluate(
                "[...document.querySelectorAll('nav[aria-label=Main] li')]"
                ".map(item => Math.round(item.getBoundingClientRect().top))"
            )
            assert len(tops) >= 5
            assert len(set(tops)) == 1, f"{path}: the navigation wraps ({tops})"
            gap = page.evaluate(
                "document.querySelector('h1').getBoundingClientRect().top"
                " - document.querySelector('.site-header').getBoundingClientRect().bottom"
            )
            assert gap >= 24, f"{path}: the heading is {gap} px under the header"
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_the_sign_in_button_stands_clear_of_the_line_below(live_server, chromium, viewport):
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/sign-in")
        gap = page.evaluate(
            "(() => { const button = document.querySelector('main button[type=submit]');"
            " const next = button.closest('form').nextElementSibling;"
            " return next.getBoundingClientRect().top - button.getBoundingClientRect().bottom })()"
        )
        assert gap >= 16
        check(page, f"sign in at {viewport['width']} px")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_the_changed_pages_have_no_serious_accessibility_violations(
    live_server, chromium, viewport
):
    width = viewport["width"]
    context, page = _page(chromium, live_server, "manager@demo.test", viewport)
    try:
        page.goto(f"{live_server}/supervision")
        check(page, f"supervision at {width} px")
        _start_a_session_with_tom(page, live_server)
        check(page, f"new session at {width} px")
        page.get_by_role("button", name="Start the session").click()
        page.get_by_role("link", name=re.compile("^Delete this session")).click()
        expect(page.get_by_role("heading", name="Delete this supervision session?")).to_be_visible()
        check(page, f"deleting a session at {width} px")
        page.get_by_role("button", name="Delete the session").click()
        expect(page.get_by_role("status")).to_contain_text("has been deleted")
        check(page, f"sessions at {width} px")
        expect(
            page.get_by_role("region", name="Supervision sessions, newest first")
        ).to_contain_text(re.compile(r"\d{1,2} \w+ \d{4}, \d\d:\d\d"))
    finally:
        context.close()
    for email, paths in [
        ("training@demo.test", ["/collation"]),
        ("admin@demo.test", ["/admin/people", "/admin/import/1", "/admin/teams"]),
        ("practitioner@demo.test", ["/records/1", "/framework"]),
    ]:
        context, page = _page(chromium, live_server, email, viewport)
        try:
            for path in paths:
                page.goto(f"{live_server}{path}")
                check(page, f"{path} at {width} px")
        finally:
            context.close()
