"""Sending email through SMTP, after the transaction that decided to send it has committed.

Without MAIL_SERVER (development) messages are written to the log instead. A failure to send is
logged and never undoes the change that caused the message.
"""

from __future__ import annotations

import logging
import smtplib
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


def _send_after_commit(session: Session) -> None:
    messages = session.info.pop(OUTBOX_KEY, [])
    if messages:
        deliver(messages)


def _forget_after_rollback(session: Session, previous_transaction=None) -> None:
    session.info.pop(OUTBOX_KEY, None)


def init_app(app) -> None:
    # Registered on the Session class once: every session of every app sends its own outbox.
    if not event.contains(Session, "after_commit", _send_after_commit):
        event.listen(Session, "after_commit", _send_after_commit)
        event.listen(Session, "after_soft_rollback", _forget_after_rollback)
