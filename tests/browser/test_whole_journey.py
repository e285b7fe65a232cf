"""The whole journey in one browser run, as issue 7 names it.

A practitioner fills in and submits their team's record; the manager returns one entry and
approves the rest in supervision; the practitioner fixes it and resubmits; sign-off; the review
sweep runs six months later; the practitioner completes the review with SR and SUR evidence;
sign-off; the training team downloads the collated PDF, which carries that evidence.
"""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from core.clock import today_in_london
from pledges.review.sweep import sweep_review_prompts
from tests.browser.conftest import sign_in
from tests.browser.test_stage_one_journeys import open_team_record

PLEDGE_LABEL = re.compile(r"^To improve my/our practice")
EVIDENCE = "Families told the review panel they felt heard at core groups (whole journey)."


def test_the_whole_journey_from_pledge_to_the_county_pdf(live_server, new_page):
    priya = new_page()
    sign_in(priya, live_server, "practitioner@demo.test")
    open_team_record(priya, live_server)
    priya.locator(".entry-card").first.get_by_role("link").first.click()
    priya.get_by_label(PLEDGE_LABEL).fill("We will record the child's words at every visit.")
    priya.get_by_role("button", name="Save and return to the record").click()
    priya.get_by_role("link", name="Check and submit").click()
    priya.get_by_role("button", name="Submit for sign-off").click()
    expect(priya.get_by_role("status")).to_contain_text("sent to Morgan Ellis")

    morgan = new_page()
    sign_in(morgan, live_server, "manager@demo.test")
    morgan.goto(f"{live_server}/supervision")
    morgan.get_by_role(
        "link", name="Start a session with Chesterfield North multi-agency team"
    ).click()
    morgan.get_by_role("button", name="Start the session").click()
    cards = morgan.locator("article.entry-card")
    returned_title = cards.first.get_by_role("heading", level=3).inner_text()
    cards.first.get_by_text("Return with a comment").click()
    cards.first.get_by_label("What should change").fill("By when?")
    cards.first.get_by_role("button", name=re.compile("^Return it")).click()
    morgan.get_by_role(
        "button", name=re.compile(r"^Approve (all \d+ remaining entries|the remaining entry)")
    ).click()

    open_team_record(priya, live_server)
    expect(priya.locator(".comment").get_by_text("By when?")).to_be_visible()
    priya.get_by_role("link", name=f"Change {returned_title}").click()
    pledge = priya.get_by_label(PLEDGE_LABEL)
    pledge.fill(pledge.input_value() + " Starting in March.")
    priya.get_by_role("button", name="Save and return to the record").click()
    priya.get_by_role("link", name="Check and submit").click()
    priya.get_by_role("button", name="Submit for sign-off").click()
    morgan.reload()
    morgan.get_by_role("button", name=f"Approve {returned_title}").click()
    expect(morgan.locator(".tag-signed_off")).to_have_text("Signed off")

    # Six months later: the server's clock moves (Chromium keeps its own) and the sweep runs.
    later = today_in_london() + timedelta(days=190)
    with time_machine.travel(later, tick=True), live_server.app.app_context():
        sent = sweep_review_prompts(later)
        assert any("Chesterfield North" in prompt.record_name for prompt in sent)

        # Sessions last a month: six months on, people sign in again.
        sign_in(priya, live_server, "practitioner@demo.test")
        sign_in(morgan, live_server, "manager@demo.test")
        open_team_record(priya, live_server)
        expect(priya.get_by_role("link", name="Notifications")).to_contain_text("unread")
        priya.get_by_role("button", name="Start the six-month review").click()
        review = priya.locator("section[aria-labelledby=review]")
        review.get_by_role("link").first.click()
        priya.get_by_label("What happened, and what does it show?").fill(EVIDENCE)
        priya.get_by_label("SR – self report").check()
        priya.get_by_label("SUR – service user report").check()
        priya.get_by_role("button", name="Add the evidence").click()
        expect(priya.locator("table")).to_contain_text("SR / SUR")
        priya.get_by_label("Improved", exact=True).check()
        priya.get_by_role("button", name="Save the judgement").click()
        priya.get_by_role("link", name="Back to the record").click()
        priya.get_by_role("link", name="Check and submit").click()
        priya.get_by_role("button", name="Submit for sign-off").click()
        expect(priya.get_by_role("status")).to_contain_text("sent to Morgan Ellis")

        morgan.goto(f"{live_server}/supervision")
        morgan.get_by_role(
            "link", name="Start a session with Chesterfield North multi-agency team"
        ).click()
        morgan.get_by_role("button", name="Start the session").click()
        morgan.get_by_role(
            "button", name=re.compile(r"^Approve (all \d+ remaining|the remaining entry)")
        ).click()
        expect(morgan.locator(".tag-complete")).to_have_text("Cycle complete")

        training = new_page()
        sign_in(training, live_server, "training@demo.test")
        training.goto(f"{live_server}/collation")
        training.get_by_role("button", name="Prepare the collated pdf").click()
        expect(training.get_by_text("The export is ready")).to_be_visible(timeout=60_000)
        with training.expect_download() as download:
            training.get_by_role("link", name="Download the").click()
        pdf = PdfReader(download.value.path())
        text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
        assert "Families told the review panel they felt heard" in text
        assert "[SR, SUR]" in text or "[SR / SUR]" in text
        assert "Judgement of change: Improved" in text
