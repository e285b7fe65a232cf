"""Stage 1 in a real browser: fill in and submit, co-edit a team record, keyboard only, unsaved work."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

PLEDGE_LABEL = re.compile(r"^To improve my/our practice")


def open_team_record(page, base_url):
    page.goto(f"{base_url}/records")
    page.get_by_role("link", name=re.compile("Open the record of Chesterfield North")).click()


def open_team_entry(page, base_url, number):
    open_team_record(page, base_url)
    page.locator(".entry-card").nth(number - 1).get_by_role("link").first.click()


def test_a_practitioner_fills_in_and_submits_their_teams_record(live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "practitioner@demo.test")
    open_team_record(page, live_server)
    expect(page.get_by_role("heading", name="Process of ‘case’ management")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^(Fill in|Change) 4\) Assessment")).click()
    page.get_by_text("Guidance for this point from the source document").click()
    expect(page.get_by_text("Chronologies and records of significant")).to_be_visible()
    page.get_by_label("Examples of current good practice").fill("We share chronologies.")
    page.get_by_label(PLEDGE_LABEL).fill("I pledge to build a multi-agency chronology by June.")
    page.get_by_label("Factors that will help").fill("The chronology template.")
    page.get_by_label("Factors that may hinder").fill("Different recording systems.")
    page.get_by_label(re.compile("^Anticipated signs of success")).fill(
        "Chronologies at core groups."
    )
    page.get_by_role("button", name="Save and go to the next point").click()
    expect(page.get_by_role("heading", name="5) Decision-making and planning")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Saved.")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Chesterfield North multi-agency team"
    ).click()
    expect(
        page.locator(".entry-card").get_by_text(
            "I pledge to build a multi-agency chronology by June."
        )
    ).to_be_visible()
    page.get_by_role("link", name="Check and submit").click()
    expect(page.get_by_text(re.compile(r"You have written \d+ pledges"))).to_be_visible()
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Your record has been sent to Morgan Ellis for sign-off."
    )  # the team's manager
    expect(page.locator(".tag-submitted")).to_have_text("Submitted for sign-off")
    expect(page.get_by_role("link", name="Check and submit")).to_have_count(0)


def test_two_teammates_saving_the_same_entry_see_both_texts_and_choose(live_server, new_page):
    priya, tom = new_page(), new_page()
    sign_in(priya, live_server, "practitioner@demo.test")
    sign_in(tom, live_server, "teammate@demo.test")
    open_team_entry(priya, live_server, 13)
    open_team_entry(tom, live_server, 13)

    priya.get_by_label(PLEDGE_LABEL).fill("We pledge to re-read the thresholds together.")
    tom.get_by_label(PLEDGE_LABEL).fill("We pledge to invite the front door team to a meeting.")
    tom.get_by_label("Factors that will help").fill("A named safeguarding lead.")
    priya.get_by_role("button", name="Save", exact=True).click()
    expect(priya.get_by_role("status")).to_contain_text("Saved.")
    tom.get_by_role("button", name="Save", exact=True).click()

    expect(
        tom.get_by_role("heading", name=re.compile("Someone else saved this point"))
    ).to_be_visible()
    expect(tom.locator(".saved-text")).to_have_text("We pledge to re-read the thresholds together.")
    expect(tom.get_by_label(PLEDGE_LABEL)).to_have_value(
        "We pledge to invite the front door team to a meeting."
    )
    expect(tom.get_by_label("Factors that will help")).to_have_value("A named safeguarding lead.")
    tom.get_by_label(re.compile("^Use the text saved by Priya Shah")).check()
    tom.get_by_role("button", name="Save", exact=True).click()
    expect(tom.get_by_role("status")).to_contain_text("the text the other person saved was kept")
    expect(tom.get_by_label(PLEDGE_LABEL)).to_have_value(
        "We pledge to re-read the thresholds together."
    )
    expect(tom.get_by_label("Factors that will help")).to_have_value("A named safeguarding lead.")


def test_an_entry_can_be_completed_with_the_keyboard_alone(live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "practitioner@demo.test")
    open_team_record(page, live_server)
    entry_link = page.get_by_role("link", name=re.compile(r"^(Fill in|Change) 9\) Information"))
    entry_link.focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name=re.compile(r"^9\) Information sharing"))
    ).to_be_visible()

    page.get_by_text("Guidance for this point from the source document").focus()
    page.keyboard.press("Enter")  # opens the guidance
    expect(page.get_by_text("Communication, communication and communication!")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Examples of current good practice")).to_be_focused()
    page.keyboard.type("We follow up referrals in writing.")
    page.keyboard.press("Tab")
    expect(page.get_by_label(PLEDGE_LABEL)).to_be_focused()
    page.keyboard.type("I pledge to check every referral was received.")
    for _ in range(4):  # helps, hinders, signs of success, then the Save button
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(page.get_by_label(PLEDGE_LABEL)).to_have_value(
        "I pledge to check every referral was received."
    )


def test_leaving_with_unsaved_changes_warns_and_keeps_the_text(live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "practitioner@demo.test")
    open_team_record(page, live_server)
    page.get_by_role("link", name=re.compile(r"^(Fill in|Change) 10\) Knowledge")).click()
    page.get_by_label(PLEDGE_LABEL).fill("Not saved yet")
    warnings = []

    def stay(dialog):
        warnings.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My records").click()
    page.wait_for_timeout(300)
    assert warnings == ["beforeunload"]
    expect(page.get_by_label(PLEDGE_LABEL)).to_have_value("Not saved yet")
