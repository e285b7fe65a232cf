"""The session's end in a real browser: a save after the idle limit goes to sign-in and the typed
text comes back after signing in again; the warning before the end offers to stay signed in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import time_machine
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from core.database import db
from pledges.models import Entry
from tests.browser.conftest import sign_in
from tests.browser.test_stage_one_journeys import PLEDGE_LABEL, open_team_entry

TYPED = "We pledge to hold a chronology clinic every month, typed before the session ended."


def test_text_typed_when_the_session_ended_comes_back_after_signing_in(live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "practitioner@demo.test")
    open_team_entry(page, live_server, 4)
    entry_url = page.url
    page.get_by_label(PLEDGE_LABEL).fill(TYPED)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=31)):
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(page.get_by_role("status")).to_contain_text("nothing had happened for 30 minutes")
        page.get_by_label("Email address").fill("practitioner@demo.test")
        page.get_by_label("Password").fill("demo-password")
        page.get_by_role("button", name="Sign in").click()

        expect(page).to_have_url(entry_url)
        expect(page.locator("[data-put-back]")).to_contain_text("It has been put back below")
        expect(page.get_by_label(PLEDGE_LABEL)).to_have_value(TYPED)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("status").first).to_contain_text("Saved.")
        with live_server.app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).where(Entry.pledge == TYPED)) == 1
        # Saved, so nothing is offered back any more.
        page.goto(entry_url)
        expect(page.locator("[data-put-back]")).to_have_count(0)


def test_the_warning_before_the_end_offers_to_stay_signed_in(live_server, new_page):
    live_server.app.config["SESSION_WARNING_MINUTES"] = 30  # warn at once
    page = new_page()
    sign_in(page, live_server, "practitioner@demo.test")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="You will be signed out soon")).to_be_visible()
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    results = Axe().run(page, context="#session-timeout")
    assert results.violations_count == 0, results.generate_report()
    with page.expect_response(re.compile(r"/session/keep-alive$")) as kept:
        stay.click()
    assert kept.value.json()["signed_in"] is True
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=31)):
        expect(dialog.get_by_role("heading", name="You have been signed out")).to_be_visible()
        expect(dialog.get_by_role("link", name="Sign in again")).to_be_visible()
