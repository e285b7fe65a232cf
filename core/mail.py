"""Outgoing mail through an outbox: a row in the same transaction as the change that causes it.

`queue_email(session, OutgoingEmail(...))` adds the row, so a rollback drops the email and a
commit keeps it. Once the transaction commits, one queued task per email sends it (see
`core.queue`). Each email stands alone: its own SMTP conversation, its own retries. A failure
the server calls temporary (4xx, or no answer at all) is tried again after 30 s, 2 min, 10 min,
1 h and 6 h, then marked failed with the reason; a permanent refusal (5xx, an address no
server will take) is marked failed at once. Administrators see failed and pending mail and can
send it again (`/admin/mail`).

A task claims its row (pending -> sending, a conditional UPDATE) before it talks to the mail
server, so two workers given the same email send it once. The reconcile (every minute, from the
scheduler) queues pending rows whose task was lost, and frees rows left "sending" by a worker that
died mid-send. Every email carries a Message-ID fixed by its row, so in the rare case that a
worker dies after the server accepted a message but before recording it, mail clients see the
repeat as the same message.

Without MAIL_SERVER (development) messages are written to the log instead.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import queue
from core.clock import utcnow
from core.database import db, enum_column
from core.labels import LabelledEnum

log = logging.getLogger(__name__)

OUTBOX_KEY = "outbox"
# Ids of rows written in bulk (`queue_emails`): queued after the commit like the rows above.
OUTBOX_IDS_KEY = "outbox_ids"
# Seconds to wait before the 2nd, 3rd, ... attempt; after the last, the email is marked failed.
RETRY_AFTER_SECONDS = (30, 2 * 60, 10 * 60, 60 * 60, 6 * 60 * 60)
# A delayed task may reach a worker whose clock runs a little ahead of the one that queued it.
CLOCK_TOLERANCE = timedelta(seconds=5)


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    body: str


class OutboxStatus(LabelledEnum):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent now"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboxEmail(db.Model):
    """One email: pending until the mail server has taken it (sent) or refused it for good."""

    __tablename__ = "outbox_emails"
    __table_args__ = (
        sa.Index("ix_outbox_emails_status_next_attempt_at", "status", "next_attempt_at"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(sa.Text, default="")

    @property
    def is_being_sent(self) -> bool:
        return self.status is OutboxStatus.SENDING


def queue_email(session: Session, message: OutgoingEmail) -> None:
    """Add `message` to the outbox in `session`'s transaction; it is sent once that commits."""
    row = OutboxEmail(to_address=message.to, subject=message.subject, body=message.body)
    session.add(row)
    session.info.setdefault(OUTBOX_KEY, []).append(row)


def queue_emails(session: Session, messages: list[OutgoingEmail]) -> None:
    """Add many emails to the outbox in one statement (the review sweep's batches)."""
    if not messages:
        return
    now = utcnow()
    ids = session.scalars(
        sa.insert(OutboxEmail).returning(OutboxEmail.id),  # ids in any order: each is queued
        [
            {
                "to_address": message.to,
                "subject": message.subject,
                "body": message.body,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "created_at": now,
                "next_attempt_at": now,
                "last_error": "",
            }
            for message in messages
        ],
    ).all()
    session.info.setdefault(OUTBOX_IDS_KEY, []).extend(ids)


def header_value(value: str) -> str:
    """One line of printable text: line breaks (any kind) and control characters become spaces."""
    printable = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(printable.split())


def build_message(email: OutboxEmail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = header_value(sender)
    message["To"] = header_value(email.to_address)
    message["Subject"] = header_value(email.subject)
    domain = sender.rpartition("@")[2] or "localhost"
    # Fixed by the row: a repeat after a crash is recognisably the same message.
    message["Message-ID"] = f"<outbox-{email.id}-{email.created_at:%Y%m%d%H%M%S}@{domain}>"
    message.set_content(email.body)
    return message


def deliver(email: OutboxEmail) -> None:
    """Hand one email to the mail server (or the log); raises if the server does not take it."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.info("email to %s: %s\n%s", email.to_address, email.subject, email.body)
        return
    message = build_message(email, config["MAIL_DEFAULT_SENDER"])
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def is_permanent(error: Exception) -> bool:
    """A refusal that sending again will not change: 5xx answers, or a message we cannot build."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return isinstance(error, ValueError | UnicodeError)


def describe_error(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        reasons = [
            f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values()
        ]
        return "The mail server refused the address: " + "; ".join(reasons)
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"The mail server answered {error.smtp_code} {text}"
    if isinstance(error, OSError | smtplib.SMTPServerDisconnected):
        return f"Could not reach the mail server: {error}"
    return f"{type(error).__name__}: {error}"


def _claim(email_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        sa.update(OutboxEmail)
        .where(
            OutboxEmail.id == email_id,
            OutboxEmail.status == OutboxStatus.PENDING,
            OutboxEmail.next_attempt_at <= now + CLOCK_TOLERANCE,
        )
        .values(status=OutboxStatus.SENDING, claimed_at=now, attempts=OutboxEmail.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _settle(email_id: int, **values) -> None:
    db.session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.id == email_id, OutboxEmail.status == OutboxStatus.SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


@queue.task("send_email")
def send_email(email_id: int) -> None:
    """Send one email from the outbox, if it is still waiting; record what happened."""
    if not _claim(email_id, utcnow()):
        return  # sent already, being sent by another worker, or not due yet
    email = db.session.get(OutboxEmail, email_id)
    try:
        deliver(email)
    except Exception as error:
        reason = describe_error(error)[:2000]
        attempts = email.attempts
        retry_after = current_app.config.get("MAIL_RETRY_AFTER_SECONDS") or RETRY_AFTER_SECONDS
        if is_permanent(error) or attempts > len(retry_after):
            log.warning(
                "email %s failed for good after %d attempt(s): %s", email_id, attempts, reason
            )
            _settle(email_id, status=OutboxStatus.FAILED, last_error=reason)
            return
        wait = retry_after[attempts - 1]
        log.warning(
            "could not send email %s (attempt %d), trying again in %d s: %s",
            email_id,
            attempts,
            wait,
            reason,
        )
        _settle(
            email_id,
            status=OutboxStatus.PENDING,
            next_attempt_at=utcnow() + timedelta(seconds=wait),
            last_error=reason,
        )
        _enqueue_quietly(email_id, delay=wait)
        return
    _settle(email_id, status=OutboxStatus.SENT, sent_at=utcnow(), last_error="")


def _enqueue_quietly(email_id: int, delay: float | None = None) -> None:
    try:
        queue.enqueue("send_email", email_id, delay=delay)
    except Exception:
        # The row stays pending: the reconcile queues it again within minutes.
        log.exception("could not queue email %s", email_id)


@queue.reconciler
def requeue_stale_mail(now: datetime) -> None:
    """Free emails left "sending" by a worker that died, and queue pending ones whose task is lost."""
    config = current_app.config
    stuck_before = now - timedelta(seconds=config.get("MAIL_SENDING_STALE_SECONDS", 300))
    stuck = db.session.scalars(
        sa.select(OutboxEmail.id).where(
            OutboxEmail.status == OutboxStatus.SENDING, OutboxEmail.claimed_at < stuck_before
        )
    ).all()
    if stuck:
        db.session.execute(
            sa.update(OutboxEmail)
            .where(
                OutboxEmail.id.in_(stuck),
                OutboxEmail.status == OutboxStatus.SENDING,
                OutboxEmail.claimed_at < stuck_before,
            )
            .values(
                status=OutboxStatus.PENDING,
                next_attempt_at=now,
                last_error="The worker sending it stopped before the mail server answered.",
            )
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    overdue_before = now - timedelta(seconds=config.get("MAIL_REQUEUE_AFTER_SECONDS", 120))
    overdue = db.session.scalars(
        sa.select(OutboxEmail.id).where(
            OutboxEmail.status == OutboxStatus.PENDING,
            OutboxEmail.next_attempt_at < overdue_before,
        )
    ).all()
    to_queue = sorted(set(stuck) | set(overdue))
    for email_id in to_queue:
        _enqueue_quietly(email_id)
    if to_queue:
        log.info("reconcile: %d email(s) freed, %d queued again", len(stuck), len(to_queue))


def send_again(email: OutboxEmail) -> None:
    """Put a failed (or waiting) email back in line now; it is queued once the change commits."""
    if email.status not in (OutboxStatus.FAILED, OutboxStatus.PENDING):
        return
    email.status = OutboxStatus.PENDING
    email.attempts = 0
    email.next_attempt_at = utcnow()
    db.session.flush()
    db.session.info.setdefault(OUTBOX_KEY, []).append(email)


def _queue_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the rows are not visible to a worker until the outer commit
    rows = session.info.pop(OUTBOX_KEY, [])
    for row in rows:
        identity = sa.inspect(row).identity
        if identity is not None:  # None: added inside a savepoint that was rolled back
            _enqueue_quietly(identity[0])
    for email_id in session.info.pop(OUTBOX_IDS_KEY, []):
        _enqueue_quietly(email_id)  # a row rolled back with a savepoint is simply not found


def _forget_after_rollback(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(OUTBOX_KEY, None)
        session.info.pop(OUTBOX_IDS_KEY, None)


def init_app(app) -> None:
    # Registered on the Session class once: every session of every app queues its own outbox.
    if not event.contains(Session, "after_commit", _queue_after_commit):
        event.listen(Session, "after_commit", _queue_after_commit)
        event.listen(Session, "after_soft_rollback", _forget_after_rollback)
