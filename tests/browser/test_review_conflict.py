"""The review page under a conflict, in a browser: two windows on the same review; the second
save shows both texts, keeps what was typed, and lets the owner choose."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import check


def _open_first_review_entry(page, live_server):
    page.goto(f"{live_server}/records")
    page.get_by_role("link", name="Priya Shah, cycle 1").click()
    page.locator("section[aria-labelledby=review]").get_by_role("link").first.click()


def test_two_windows_saving_the_same_review_never_lose_text(live_server, new_page):
    laptop = new_page()
    sign_in(laptop, live_server, "practitioner@demo.test")
    laptop.get_by_role("link", name="Priya Shah, cycle 1").click()
    laptop.get_by_role("button", name="Start the six-month review").click()
    laptop.locator("section[aria-labelledby=review]").get_by_role("link").first.click()
    laptop.get_by_label("What happened, and what does it show?").fill("A case audit.")
    laptop.get_by_label("MR – manager report").check()
    laptop.get_by_role("button", name="Add the evidence").click()
    expect(laptop.get_by_role("status")).to_contain_text("The evidence has been added.")

    phone = new_page()
    sign_in(phone, live_server, "practitioner@demo.test")
    _open_first_review_entry(phone, live_server)

    laptop.get_by_label("What next").fill("Keep the audit going monthly.")
    laptop.get_by_role("button", name="Save the judgement").click()
    expect(laptop.get_by_role("status")).to_contain_text("Saved.")

    phone.get_by_label("What next").fill("Share the audit with the team.")
    phone.get_by_role("button", name="Save the judgement").click()
    expect(
        phone.get_by_role("heading", name="Someone else saved this review while you were editing")
    ).to_be_visible()
    expect(phone.locator(".conflict")).to_contain_text("Keep the audit going monthly.")
    expect(phone.get_by_label("What next")).to_have_value("Share the audit with the team.")
    check(phone, "review conflict")

    phone.get_by_label("Use the saved one").check()
    phone.get_by_role("button", name="Save the judgement").click()
    expect(phone.get_by_role("status")).to_contain_text("Nothing had changed")
    _open_first_review_entry(laptop, live_server)
    expect(laptop.get_by_label("What next")).to_have_value("Keep the audit going monthly.")
