"""Sending email through SMTP, after the transaction that decided to send it has committed.

Mail goes out on a background worker, so no request waits for the mail server (and a "forgotten
password" answer takes no longer for a registered address than for any other). The worker
finishes what it holds before the process exits. `MAIL_SEND_INLINE` sends in the committing
thread instead (the tests, which read what arrives at once).

Without MAIL_SERVER (development) messages are written to the log instead. A failure to send is
logged and never undoes the change that caused the message.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

OUTBOX_KEY = "outbox"


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    body: str


def queue_email(session: Session, message: OutgoingEmail) -> None:
    """Send `message` once `session` commits; forget it if the session rolls back."""
    session.info.setdefault(OUTBOX_KEY, []).append(message)


def build_message(message: OutgoingEmail, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.body)
    return email


def deliver(messages: list[OutgoingEmail]) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        for message in messages:
            log.info("email to %s: %s\n%s", message.to, message.subject, message.body)
        return
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            for message in messages:
                smtp.send_message(build_message(message, config["MAIL_DEFAULT_SENDER"]))
    except (OSError, smtplib.SMTPException):
        # The change is committed and the in-app notification stands; only the email is lost.
        log.exception("could not send %d email(s)", len(messages))


_sender: ThreadPoolExecutor | None = None
_sender_lock = threading.Lock()
_pending: list[Future] = []


def _deliver_with(app, messages: list[OutgoingEmail]) -> None:
    with app.app_context():
        deliver(messages)


def _send_after_commit(session: Session) -> None:
    global _sender
    messages = session.info.pop(OUTBOX_KEY, [])
    if not messages:
        return
    app = current_app._get_current_object()
    if app.config.get("MAIL_SEND_INLINE"):
        deliver(messages)
        return
    with _sender_lock:
        if _sender is None:
            # One worker: messages leave in the order they were committed.
            _sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail")
        _pending[:] = [future for future in _pending if not future.done()]
        _pending.append(_sender.submit(_deliver_with, app, messages))


def wait_until_sent(timeout: float = 60) -> None:
    """Block until the mail handed to the worker so far has gone (or failed and been logged)."""
    with _sender_lock:
        pending = list(_pending)
    for future in pending:
        future.result(timeout=timeout)


def _forget_after_rollback(session: Session, previous_transaction=None) -> None:
    session.info.pop(OUTBOX_KEY, None)


def init_app(app) -> None:
    # Registered on the Session class once: every session of every app sends its own outbox.
    if not event.contains(Session, "after_commit", _send_after_commit):
        event.listen(Session, "after_commit", _send_after_commit)
        event.listen(Session, "after_soft_rollback", _forget_after_rollback)
