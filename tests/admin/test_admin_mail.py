"""The administrators' mail page: failed and waiting emails, and "send again"."""

from __future__ import annotations

import sqlalchemy as sa

from core.database import db
from core.mail import OutboxEmail, OutboxStatus, OutgoingEmail, queue_email


def test_failed_and_waiting_mail_is_listed_and_can_be_sent_again(client, auth, people, smtp_inbox):
    smtp_inbox.refuse.add("gone@example.org")
    queue_email(db.session, OutgoingEmail(to="gone@example.org", subject="Overdue", body="B"))
    db.session.commit()
    db.session.add(OutboxEmail(to_address="later@example.org", subject="Waiting", body="B"))
    db.session.flush()  # a pending row whose task has not run yet
    db.session.commit()
    auth.login(people["admin"])
    html = client.get("/admin/mail").get_data(as_text=True)
    assert "Failed (1)" in html
    assert "gone@example.org" in html
    assert "The mail server refused the address: 550" in html
    assert "Waiting to be sent (1)" in html
    assert "later@example.org" in html
    failed = db.session.scalars(
        sa.select(OutboxEmail).where(OutboxEmail.status == OutboxStatus.FAILED)
    ).one()
    smtp_inbox.refuse.clear()
    response = client.post(f"/admin/mail/{failed.id}/send-again")
    assert response.status_code == 302
    assert [m["To"] for m in smtp_inbox.messages] == ["gone@example.org"]
    # Twice, or after it has gone: nothing more is sent.
    client.post(f"/admin/mail/{failed.id}/send-again")
    assert len(smtp_inbox.messages) == 1
    assert "No email has failed" in client.get("/admin/mail").get_data(as_text=True)
    assert client.post("/admin/mail/99999/send-again").status_code == 404
    assert client.post("/admin/mail/x/send-again").status_code == 404


def test_all_failed_mail_can_be_sent_again_after_an_outage(client, auth, people, smtp_inbox):
    smtp_inbox.refuse.update({"a@example.org", "b@example.org"})
    for address in ("a@example.org", "b@example.org"):
        queue_email(db.session, OutgoingEmail(to=address, subject="Hi", body="B"))
    db.session.commit()
    smtp_inbox.refuse.clear()
    auth.login(people["admin"])
    client.post("/admin/mail/send-all-failed-again")
    assert sorted(m["To"] for m in smtp_inbox.messages) == ["a@example.org", "b@example.org"]


def test_only_administrators_see_the_mail(client, auth, people):
    auth.login(people["practitioner"])
    assert client.get("/admin/mail").status_code == 403
    assert client.post("/admin/mail/send-all-failed-again").status_code == 403
