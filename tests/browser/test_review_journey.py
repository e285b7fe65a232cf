"""Stage 2 in a real browser: the practitioner's review with SR and SUR evidence, signed off."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_a_practitioner_completes_the_review_and_the_manager_signs_it_off(live_server, new_page):
    priya = new_page()
    sign_in(priya, live_server, "practitioner@demo.test")
    priya.get_by_role("link", name="Priya Shah, cycle 1").click()
    expect(priya.get_by_role("heading", name="Your six-month review is open")).to_be_visible()
    priya.get_by_role("button", name="Start the six-month review").click()
    expect(priya.get_by_role("status")).to_contain_text("Your six-month review has started")

    review = priya.locator("section[aria-labelledby=review]")
    review.get_by_role("link").first.click()
    expect(priya.get_by_role("heading", name="What the review is judged against")).to_be_visible()
    priya.get_by_label("What happened, and what does it show?").fill(
        "An audit of my last ten records found the child's own words in nine."
    )
    priya.get_by_label("SR – self report").check()
    priya.get_by_label("SUR – service user report").check()
    priya.get_by_role("button", name="Add the evidence").click()
    expect(priya.get_by_role("status")).to_contain_text("The evidence has been added.")
    expect(priya.locator("table")).to_contain_text("SR / SUR")
    priya.get_by_label("Improved", exact=True).check()
    priya.get_by_label("What next").fill("Share the approach with the team.")
    priya.get_by_role("button", name="Save the judgement").click()
    expect(priya.get_by_role("status")).to_contain_text("Saved.")

    priya.get_by_role("link", name="Back to the record").click()
    priya.get_by_role("link", name="Check and submit").click()
    expect(
        priya.get_by_role("heading", name=re.compile("six-month review for sign-off"))
    ).to_be_visible()
    priya.get_by_role("button", name="Submit for sign-off").click()
    expect(priya.get_by_role("status")).to_contain_text("Your review has been sent to Morgan Ellis")

    morgan = new_page()
    sign_in(morgan, live_server, "manager@demo.test")
    morgan.goto(f"{live_server}/supervision")
    morgan.get_by_role("link", name="Start a session with Priya Shah").click()
    morgan.get_by_role("button", name="Start the session").click()
    morgan.get_by_role(
        "button", name=re.compile(r"^Approve (all \d+ remaining|the remaining entry)")
    ).click()
    expect(morgan.locator(".tag-complete")).to_have_text("Cycle complete")

    priya.reload()
    expect(priya.get_by_role("link", name="Start the next cycle")).to_be_visible()
    priya.get_by_role("link", name="Start the next cycle").click()
    priya.get_by_role("button", name="Start cycle 2").click()
    expect(priya.get_by_role("status")).to_contain_text("Cycle 2 has started")
