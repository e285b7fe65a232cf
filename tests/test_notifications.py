"""Notifications: in the app with an unread count, and by email through a real SMTP server."""

from __future__ import annotations

import logging
import smtplib

from core.database import db
from core.mail import OutgoingEmail, queue_email
from pledges.operations import save_entry, submit_record
from supervision.operations import approve_all_remaining, return_entry, start_session


def _submit(people, make_record):
    practitioner = people["practitioner"]
    record = make_record(practitioner)
    save_entry(record.entries[0], practitioner, {"pledge": "A pledge"}, base_revision=1)
    submit_record(record, practitioner)
    return record


def test_submitting_emails_the_manager_with_a_plain_text_body_and_a_link(
    app, people, make_record, smtp_inbox
):
    record = _submit(people, make_record)
    assert smtp_inbox.messages == []  # nothing leaves before the commit
    db.session.commit()
    (message,) = smtp_inbox.to(people["manager"].email)
    assert message["Subject"] == "Pat Practitioner: record submitted for sign-off"
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    assert "Pat Practitioner submitted the record of Pat Practitioner" in body
    assert f"{app.config['BASE_URL']}/records/{record.id}" in body


def test_returned_and_signed_off_reach_the_owner(people, make_record, smtp_inbox):
    record = _submit(people, make_record)
    manager = people["manager"]
    session = start_session(manager, supervisee=people["practitioner"])
    return_entry(record.entries[0], manager, session, "By when?")
    db.session.commit()
    subjects = [m["Subject"] for m in smtp_inbox.to(people["practitioner"].email)]
    assert subjects == ["Pat Practitioner: returned with comments"]


def test_nothing_is_sent_when_the_change_is_rolled_back(people, make_record, smtp_inbox):
    _submit(people, make_record)
    db.session.rollback()
    db.session.commit()
    assert smtp_inbox.messages == []


def test_a_mail_failure_never_loses_the_change(app, people, make_record, caplog):
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", 9  # nothing listens
    try:
        record = _submit(people, make_record)
        db.session.commit()
    finally:
        app.config["MAIL_SERVER"] = ""
    db.session.refresh(record)
    assert record.state.value == "submitted"
    assert "could not send email" in caplog.text
    assert "trying again in 30 s" in caplog.text


def test_development_mail_goes_to_the_log(caplog):
    caplog.set_level(logging.INFO, logger="core.mail")
    queue_email(db.session, OutgoingEmail(to="a@example.org", subject="Hello", body="Body text"))
    db.session.commit()
    assert "email to a@example.org: Hello" in caplog.text


def test_the_header_counts_unread_notifications_and_the_list_marks_them_read(
    client, auth, people, make_record
):
    record = _submit(people, make_record)
    approve_all_remaining(
        record,
        people["manager"],
        start_session(people["manager"], supervisee=people["practitioner"]),
    )
    db.session.commit()
    auth.login(people["practitioner"])
    html = client.get("/records").get_data(as_text=True)
    assert '<span class="count">1<span class="visually-hidden"> unread</span></span>' in html
    page = client.get("/notifications").get_data(as_text=True)
    assert "Morgan Manager signed off the record" in page
    assert "New" in page
    assert f'href="/records/{record.id}"' in page
    assert 'class="count"' not in client.get("/records").get_data(as_text=True)


def test_smtp_server_fixture_is_real(smtp_inbox, app):
    with smtplib.SMTP(app.config["MAIL_SERVER"], app.config["MAIL_PORT"]) as smtp:
        smtp.sendmail(
            "a@example.org", ["b@example.org"], "Subject: hi\r\nTo: b@example.org\r\n\r\nx"
        )
    assert len(smtp_inbox.to("b@example.org")) == 1
