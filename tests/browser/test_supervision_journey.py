"""Supervision in a real browser: return one entry, fix it, resubmit, sign off."""

from __future__ import annotations

import os
import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_stage_one_journeys import open_team_record

PLEDGE_LABEL = re.compile(r"^To improve my/our practice")
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def test_a_manager_returns_one_entry_then_signs_the_record_off(live_server, new_page):
    priya = new_page()
    sign_in(priya, live_server, "practitioner@demo.test")
    open_team_record(priya, live_server)
    priya.get_by_role("link", name="Check and submit").click()
    priya.get_by_role("button", name="Submit for sign-off").click()
    expect(priya.get_by_role("status")).to_contain_text("sent to Morgan Ellis")

    morgan = new_page()
    sign_in(morgan, live_server, "manager@demo.test")
    expect(morgan.get_by_role("link", name="Notifications")).to_contain_text("unread")
    morgan.get_by_role("navigation", name="Main").get_by_role("link", name="Supervision").click()
    expect(morgan.get_by_text(re.compile(r"\d+ records? awaiting your sign-off"))).to_be_visible()
    morgan.get_by_role(
        "link", name="Start a session with Chesterfield North multi-agency team"
    ).click()
    morgan.get_by_label("Notes (optional)").fill("Talked about workload and the team's plans.")
    morgan.get_by_role("button", name="Start the session").click()
    expect(
        morgan.get_by_role(
            "heading", name="Supervision session with Chesterfield North multi-agency team"
        )
    ).to_be_visible()
    shot(morgan, "session")

    cards = morgan.locator("article.entry-card")
    first_title = cards.first.get_by_role("heading").inner_text()
    cards.first.get_by_text("Return with a comment").click()
    cards.first.get_by_label("What should change").fill("Please add a timescale.")
    cards.first.get_by_role("button", name=re.compile("^Return it")).click()
    expect(morgan.get_by_role("status")).to_contain_text("Returned with your comment")
    morgan.get_by_role(
        "button", name=re.compile(r"^Approve (all \d+ remaining entries|the remaining entry)")
    ).click()
    expect(morgan.locator(".tag-returned").first).to_be_visible()

    open_team_record(priya, live_server)
    expect(priya.locator(".comment").get_by_text("Please add a timescale.")).to_be_visible()
    shot(priya, "returned")
    priya.get_by_role("link", name=f"Change {first_title}").click()
    pledge = priya.get_by_label(PLEDGE_LABEL)
    pledge.fill(pledge.input_value() + " I will do this by the end of March.")
    priya.get_by_role("button", name="Save and return to the record").click()
    priya.get_by_role("link", name="Check and submit").click()
    priya.get_by_role("button", name="Submit for sign-off").click()
    expect(priya.locator(".tag-submitted")).to_be_visible()

    morgan.reload()
    expect(morgan.locator(".tag-undecided")).to_have_count(1)
    morgan.get_by_role("button", name=re.compile(f"^Approve {re.escape(first_title)}")).click()
    expect(morgan.locator(".tag-signed_off")).to_have_text("Signed off")

    open_team_record(priya, live_server)
    expect(priya.get_by_text(re.compile("Six-month review due on"))).to_be_visible()
    # The record page shows the latest changes; the whole history is a page of its own.
    priya.get_by_role("link", name=re.compile("^Show the whole history")).click()
    history = priya.locator("ol.history")
    for step in (
        "Submitted to Morgan Ellis for sign-off",
        "Returned",
        "Resubmitted to",
        "Signed off",
    ):
        expect(history).to_contain_text(step)
    shot(priya, "signed-off")
