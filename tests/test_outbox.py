"""The mail outbox: a row per email, claimed before sending, retried with backoff, reconciled.

These run the queued tasks at once in the test process (HUEY_IMMEDIATE); tests/test_workers.py
runs real worker processes and kills them.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from core import queue
from core.clock import utcnow
from core.database import db
from core.mail import (
    RETRY_AFTER_SECONDS,
    OutboxEmail,
    OutboxStatus,
    OutgoingEmail,
    queue_email,
    send_again,
    send_email,
)
from tests.conftest import free_port


def _queue(*addresses: str, subject: str = "Hello") -> None:
    for address in addresses:
        queue_email(db.session, OutgoingEmail(to=address, subject=subject, body="Body"))


def _rows() -> list[OutboxEmail]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)))


def test_a_rollback_drops_the_email_and_a_commit_keeps_and_sends_it(smtp_inbox):
    _queue("a@example.org")
    db.session.rollback()
    assert _rows() == []
    _queue("a@example.org")
    db.session.commit()
    (row,) = _rows()
    assert row.status is OutboxStatus.SENT
    assert row.attempts == 1
    assert len(smtp_inbox.to("a@example.org")) == 1


def test_a_failing_server_is_tried_again_with_backoff_then_marked_failed(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens
    try:
        _queue("a@example.org")
        db.session.commit()
        waits = []
        for _ in RETRY_AFTER_SECONDS:
            (row,) = _rows()
            assert row.status is OutboxStatus.PENDING
            assert "Could not reach the mail server" in row.last_error
            waits.append(round((row.next_attempt_at - row.claimed_at).total_seconds()))
            with time_machine.travel(row.next_attempt_at + timedelta(seconds=1), tick=False):
                send_email(row.id)
    finally:
        app.config["MAIL_SERVER"] = ""
    assert waits == list(RETRY_AFTER_SECONDS)
    (row,) = _rows()
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == len(RETRY_AFTER_SECONDS) + 1
    assert "Could not reach the mail server" in row.last_error


def test_a_task_before_its_time_does_nothing(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    try:
        _queue("a@example.org")
        db.session.commit()
        (row,) = _rows()
        send_email(row.id)  # 30 s early: not claimed
    finally:
        app.config["MAIL_SERVER"] = ""
    (row,) = _rows()
    assert row.attempts == 1


def test_mail_queued_while_the_server_is_down_all_arrives_once_it_is_back(app, smtp_inbox):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # the server is down
    _queue("a@example.org", "b@example.org", "c@example.org")
    db.session.commit()
    assert {row.status for row in _rows()} == {OutboxStatus.PENDING}
    app.config["MAIL_PORT"] = port  # back
    for minutes in (3, 4, 10):
        with time_machine.travel(utcnow() + timedelta(minutes=minutes), tick=False):
            queue.reconcile(utcnow())
    assert {row.status for row in _rows()} == {OutboxStatus.SENT}
    assert sorted(m["To"] for m in smtp_inbox.messages) == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]


def test_one_refused_recipient_never_stops_the_others(smtp_inbox):
    smtp_inbox.refuse.add("nobody@example.org")
    _queue("a@example.org", "nobody@example.org", "b@example.org")
    db.session.commit()
    first, refused, last = _rows()
    assert (first.status, last.status) == (OutboxStatus.SENT, OutboxStatus.SENT)
    assert refused.status is OutboxStatus.FAILED  # a 5xx answer is final: no retries
    assert "550" in refused.last_error
    assert sorted(m["To"] for m in smtp_inbox.messages) == ["a@example.org", "b@example.org"]


def test_line_breaks_never_reach_a_header(smtp_inbox):
    _queue("a@example.org", subject="Line one\nBcc: victim@example.org\r\nline\u2028two")
    db.session.commit()
    (message,) = smtp_inbox.messages
    assert message["Subject"] == "Line one Bcc: victim@example.org line two"
    assert message["Bcc"] is None
    assert message["Message-ID"].startswith("<outbox-")


def test_an_email_queued_twice_is_sent_once(smtp_inbox):
    _queue("a@example.org")
    db.session.commit()
    (row,) = _rows()
    send_email(row.id)
    with time_machine.travel(utcnow() + timedelta(hours=1), tick=False):
        queue.reconcile(utcnow())
    assert len(smtp_inbox.messages) == 1


def test_an_email_left_sending_by_a_dead_worker_is_sent_by_the_reconcile(app, smtp_inbox):
    row = OutboxEmail(
        to_address="a@example.org",
        subject="Hello",
        body="Body",
        status=OutboxStatus.SENDING,
        attempts=1,
        claimed_at=utcnow(),
    )
    db.session.add(row)
    db.session.commit()
    start = utcnow()
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        queue.reconcile(utcnow())  # it may still be sending
    assert smtp_inbox.messages == []
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        queue.reconcile(utcnow())
    assert len(smtp_inbox.messages) == 1
    (row,) = _rows()
    assert row.status is OutboxStatus.SENT
    assert row.attempts == 2


def test_send_again_puts_a_failed_email_back_in_line(smtp_inbox):
    smtp_inbox.refuse.add("a@example.org")
    _queue("a@example.org")
    db.session.commit()
    (row,) = _rows()
    assert row.status is OutboxStatus.FAILED
    smtp_inbox.refuse.clear()
    send_again(row)
    db.session.commit()
    (row,) = _rows()
    assert row.status is OutboxStatus.SENT
    assert len(smtp_inbox.messages) == 1


def test_two_workers_racing_for_one_email_send_it_once(app, smtp_inbox):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("two real connections at once need PostgreSQL (SQLite in memory has one)")
    _queue(*[f"person{n}@example.org" for n in range(20)])
    with _held_back(app):
        db.session.commit()
    ids = [row.id for row in _rows()]
    barrier = threading.Barrier(2)

    def worker():
        with app.app_context():
            barrier.wait()
            for email_id in ids:
                send_email(email_id)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(m["To"] for m in smtp_inbox.messages) == sorted(
        f"person{n}@example.org" for n in range(20)
    )


class _held_back:
    """Queue into a queue nobody consumes, so the emails wait for the racing workers."""

    def __init__(self, app):
        self.huey = app.extensions["huey"]

    def __enter__(self):
        self.huey.immediate = False  # MemoryHuey: tasks stay in memory, unrun

    def __exit__(self, *exc):
        self.huey.immediate = True
