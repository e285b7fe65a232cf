"""Issue 15 in a real browser: evidence logged before the review opens, the review in the
session with its evidence and sources, a return answered where the work is done, the next
session leading with what changed word by word, and one message per session naming the record."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from core.clock import today_in_london
from core.database import db
from core.notifications import Notification
from people.models import User
from pledges.operations import existing_record
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import check

RECORD = "Priya Shah, cycle 1"


def _priyas_record(app, *, review_due_in_days: int | None = None):
    """Priya's record: its pledges' ids and titles; moves its due date if asked (the months
    between sign-off and the review passing)."""
    with app.app_context():
        priya = db.session.scalar(sa.select(User).where(User.email == "practitioner@demo.test"))
        record = existing_record(owner=priya, team=None)
        if review_due_in_days is not None:
            record.review_due_on = today_in_london() + timedelta(days=review_due_in_days)
            db.session.commit()
        return record.id, [(e.id, e.title) for e in record.pledged_entries]


def _session_messages(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Notification.message)
                .join(User, User.id == Notification.user_id)
                .where(User.email == "practitioner@demo.test")
                .where(Notification.message.contains("went through the six-month review"))
            )
        )


def _add_evidence(page, text: str, *sources: str) -> None:
    page.get_by_label("What happened, and what does it show?").fill(text)
    for source in sources:
        page.get_by_label(source).check()
    page.get_by_role("button", name="Add the evidence").click()
    expect(page.get_by_role("status")).to_contain_text("The evidence has been added.")


def test_the_review_is_signed_off_in_supervision_with_its_evidence_in_view(
    live_server, new_page, browser_mail
):
    inbox, _port = browser_mail
    app = live_server.app
    # Signed off a month ago: the review is five months away.
    record_id, [(first_id, first_title), (second_id, _), *_] = _priyas_record(
        app, review_due_in_days=150
    )

    # Months before the review opens, Priya notes evidence as it happens.
    priya = new_page()
    sign_in(priya, live_server, "practitioner@demo.test")
    priya.goto(f"{live_server}/records/{record_id}")
    log = priya.locator("section[aria-labelledby=evidence-log]")
    expect(log).to_contain_text("4 of 4 pledges have no evidence yet.")
    check(priya, "record with its evidence log")
    log.get_by_role("link").first.click()
    expect(priya.get_by_role("heading", name="Evidence log", exact=True)).to_be_visible()
    expect(priya.get_by_role("heading", level=1)).to_have_text(first_title)
    _add_evidence(
        priya, "I now write the child's words first in every assessment.", "SR – self report"
    )
    check(priya, "evidence log of a pledge")
    priya.goto(f"{live_server}/records/{record_id}/review/{second_id}")
    _add_evidence(
        priya,
        "A mother said the plan finally made sense to her.",
        "SR – self report",
        "SUR – service user report",
    )

    # The review opens: the log is already there.
    _priyas_record(app, review_due_in_days=0)
    priya.goto(f"{live_server}/records/{record_id}")
    priya.get_by_role("button", name="Start the six-month review").click()
    priya.goto(f"{live_server}/records/{record_id}/review/{first_id}")
    expect(priya.locator("#evidence + p + p + table, table")).to_contain_text("child's words first")
    priya.get_by_label("Some improvement", exact=True).check()
    priya.get_by_label("What next").fill(
        "Keep writing the child's words first in every assessment."
    )
    priya.get_by_role("button", name="Save the judgement").click()
    priya.goto(f"{live_server}/records/{record_id}/review/{second_id}")
    priya.get_by_label("Improved", exact=True).check()
    priya.get_by_role("button", name="Save the judgement").click()
    priya.goto(f"{live_server}/records/{record_id}")
    priya.get_by_role("link", name="Check and submit").click()
    priya.get_by_role("button", name="Submit for sign-off").click()
    expect(priya.get_by_role("status")).to_contain_text("sent to Morgan Ellis")

    # The manager's session: every piece with its sources and judgement; self report flagged.
    morgan = new_page()
    sign_in(morgan, live_server, "manager@demo.test")
    morgan.goto(f"{live_server}/supervision")
    morgan.get_by_role("link", name="Start a session with Priya Shah").click()
    morgan.get_by_role("button", name="Start the session").click()
    first, second = morgan.locator(f"#entry-{first_id}"), morgan.locator(f"#entry-{second_id}")
    expect(first).to_contain_text("I now write the child's words first")
    expect(first).to_contain_text("SR (self report)")
    expect(first).to_contain_text("Some improvement")
    expect(first).to_contain_text("Keep writing the child's words first")
    expect(first).to_contain_text("Evidenced by self report only")
    expect(second).to_contain_text("SUR (service user report)")
    expect(second).not_to_contain_text("Evidenced by self report only")
    check(morgan, "review-stage session")
    second.get_by_text("Add a manager report (MR)").click()
    second.get_by_label("What you have seen of this practice").fill(
        "In two case discussions Priya's plans were clear to the family."
    )
    second.get_by_role("button", name=re.compile("Add the manager report")).click()
    second = morgan.locator(f"#entry-{second_id}")
    expect(second).to_contain_text("MR (manager report)")
    expect(second).to_contain_text("noted by Morgan Ellis")
    first = morgan.locator(f"#entry-{first_id}")
    first.get_by_text("Return with a comment").click()
    first.get_by_label("What should change").fill("Say how often you checked this, and with whom.")
    first.get_by_role("button", name=re.compile("Return it")).click()
    morgan.locator(f"#entry-{second_id}").get_by_role("button", name=re.compile("^Approve")).click()
    assert _session_messages(app) == []  # nothing until the session is finished
    morgan.get_by_role("button", name="Finish the session and send the decisions").click()
    (message,) = _session_messages(app)
    assert RECORD in message
    assert "1 approved, 1 returned" in message

    # The owner sees the comment where they fix the pledge, replies and resubmits.
    priya.goto(f"{live_server}/records/{record_id}/review/{first_id}")
    returned = priya.locator("#returned")
    expect(returned).to_contain_text("Returned by Morgan Ellis on ")
    expect(returned).to_contain_text("Say how often you checked this, and with whom.")
    check(priya, "returned review of a pledge")
    priya.get_by_label("Your reply to the comment").fill("Weekly, with my team manager.")
    priya.get_by_role("button", name="Save the reply").click()
    expect(priya.locator("#returned")).to_contain_text("Reply from Priya Shah")
    priya.get_by_label("What next").fill(
        "Keep writing the child's words first, checked weekly with my team manager."
    )
    priya.get_by_role("button", name="Save the judgement").click()
    priya.goto(f"{live_server}/records/{record_id}")
    priya.get_by_role("link", name="Check and submit").click()
    priya.get_by_role("button", name="Submit for sign-off").click()

    # The next session leads with that pledge and its word-level changes.
    morgan.goto(f"{live_server}/supervision")
    morgan.get_by_role("link", name="Start a session with Priya Shah").click()
    morgan.get_by_role("button", name="Start the session").click()
    expect(morgan.get_by_role("heading", name=re.compile("To decide: returned"))).to_be_visible()
    first = morgan.locator(f"#entry-{first_id}")
    expect(first.locator("ins")).to_contain_text("checked weekly with my team manager")
    expect(first.locator("del")).to_contain_text("in every assessment")
    expect(first).to_contain_text("Reply from Priya Shah")
    expect(morgan.locator("details", has_text="1 approved entry")).not_to_have_attribute("open", "")
    check(morgan, "resubmission session")
    first.get_by_role("button", name=re.compile("^Approve")).click()
    expect(morgan.locator(".tag-complete")).to_have_text("Cycle complete")
    morgan.get_by_role("button", name="Finish the session and send the decisions").click()

    messages = _session_messages(app)
    assert len(messages) == 2
    assert all(RECORD in m for m in messages)
    assert "cycle is complete" in messages[-1]
    subjects = [
        str(m["Subject"]).strip()
        for m in inbox.to("practitioner@demo.test")
        if "went through the six-month review" in " ".join(m.get_content().split())
    ]
    assert len(subjects) == 2
    assert all(s.startswith(RECORD) for s in subjects)
