"""axe-core (carried by axe-playwright-python, nothing fetched) on the pages the journeys visit.

WCAG 2.2 AA rules; a serious or critical violation fails the test, with what and where.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import sign_in

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def check(page, name: str) -> None:
    # After a click the next page may still be loading; unstyled, it fails for the wrong reason.
    page.wait_for_load_state("load")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{name}: " + "; ".join(bad)


@pytest.mark.parametrize(
    ("email", "path_steps"),
    [
        ("practitioner@demo.test", ["records", "own-record", "team-entry", "submit", "review"]),
        ("manager@demo.test", ["supervision", "session", "notifications"]),
        ("training@demo.test", ["dashboard", "export"]),
        ("admin@demo.test", ["admin-mail"]),
    ],
)
def test_the_journeys_pages_have_no_serious_accessibility_violations(
    live_server, new_page, email, path_steps
):
    page = new_page()
    page.goto(f"{live_server}/sign-in")
    check(page, "sign in")
    sign_in(page, live_server, email)
    for step in path_steps:
        if step == "records":
            page.goto(f"{live_server}/records")
        elif step == "own-record":
            page.get_by_role("link", name="Priya Shah, cycle 1").click()
        elif step == "team-entry":
            page.goto(f"{live_server}/records")
            page.get_by_role(
                "link", name=re.compile("Open the record of Chesterfield North")
            ).click()
            check(page, "team record")
            page.locator(".entry-card").first.get_by_role("link").first.click()
            # An error summary and a field in error, as a user would meet them.
            page.get_by_label(re.compile("^To improve my/our practice")).fill("x" * 10_001)
            page.get_by_role("button", name="Save", exact=True).click()
        elif step == "submit":
            page.goto(f"{live_server}/records")
            page.get_by_role(
                "link", name=re.compile("Open the record of Chesterfield North")
            ).click()
            page.get_by_role("link", name="Check and submit").click()
        elif step == "review":
            page.goto(f"{live_server}/records")
            page.get_by_role("link", name="Priya Shah, cycle 1").click()
            page.get_by_role("button", name="Start the six-month review").click()
            page.locator("section[aria-labelledby=review]").get_by_role("link").first.click()
        elif step == "supervision":
            page.goto(f"{live_server}/supervision")
        elif step == "session":
            page.get_by_role("link", name=re.compile("^Start a session with")).first.click()
            page.get_by_role("button", name="Start the session").click()
        elif step == "notifications":
            page.goto(f"{live_server}/notifications")
        elif step == "dashboard":
            page.goto(f"{live_server}/collation")
        elif step == "export":
            page.get_by_role("button", name="Prepare the collated pdf").click()
        elif step == "admin-mail":
            _mail_not_yet_sent(live_server.app)
            page.goto(f"{live_server}/admin/mail")
        check(page, step)


def _mail_not_yet_sent(app) -> None:
    from core.database import db
    from core.mail import OutboxEmail, OutboxStatus

    with app.app_context():
        db.session.add_all(
            [
                OutboxEmail(
                    to_address="gone@example.org",
                    subject="Your six-month review is overdue",
                    body="Body",
                    status=OutboxStatus.FAILED,
                    attempts=6,
                    last_error="The mail server refused the address: 550 No such user here",
                ),
                OutboxEmail(
                    to_address="later@example.org",
                    subject="Your six-month review is open",
                    body="Body",
                    attempts=1,
                    last_error="Could not reach the mail server: Connection refused",
                ),
            ]
        )
        db.session.commit()
