"""Landing where the work is, in a real browser: each demo person signs in to their page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import check


@pytest.mark.parametrize(
    ("email", "path", "heading"),
    [
        ("practitioner@demo.test", "/records", "My records"),
        ("manager@demo.test", "/supervision", "Supervision"),
        ("training@demo.test", "/collation", "County dashboard"),
        ("district@demo.test", "/collation", "Chesterfield district dashboard"),
    ],
)
def test_each_person_signs_in_to_where_their_work_is(live_server, new_page, email, path, heading):
    page = new_page()
    sign_in(page, live_server, email)
    assert page.url == f"{live_server}{path}"
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    if path == "/supervision":
        expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    if path == "/records":
        expect(page.get_by_text("Next:").first).to_be_visible()
    check(page, f"landing of {email}")
