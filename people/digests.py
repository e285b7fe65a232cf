"""The daily digest: one email listing a day's notifications, for people who chose it in their
profile instead of an email for each. Notifications in the app are the same either way."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa

from core.database import db
from core.formatting import date_and_time
from core.links import address_of
from core.mail import OutgoingEmail, queue_email
from core.notifications import Notification
from people.models import EmailChoice, User

log = logging.getLogger(__name__)

# The scheduler also runs the daily jobs when it starts (a catch-up): a restart during the day
# sends nobody a second digest.
AT_LEAST_BETWEEN_DIGESTS = timedelta(hours=20)


def choose_email(user: User, choice: EmailChoice, now: datetime) -> None:
    """Email for everything, or a daily digest. A digest chosen now covers what comes after."""
    if choice is user.email_choice:
        return
    user.email_choice = choice
    user.digest_covers_from = now if choice is EmailChoice.DAILY_DIGEST else None
    db.session.flush()


def digest_body(user: User, notifications: list[Notification]) -> str:
    lines = [f"Hello {user.name},", "", "Since your last digest:", ""]
    for note in notifications:
        lines.append(f"- {date_and_time(note.created_at)}: {note.message}")
        if note.link:
            lines.append(f"  {address_of(note.link)}")
    lines += [
        "",
        "This daily digest was sent by the practice improvement pledge tracker. "
        "To have an email for each notification instead, change it in your profile.",
        "",
    ]
    return "\n".join(lines)


def send_daily_digests(now: datetime) -> int:
    """One email to each active person on the daily digest who has notifications since their
    last one, through the outbox. Each person is claimed with a conditional UPDATE of
    `digest_covers_from`, so two runs at once send one digest. Returns how many were queued."""
    people = db.session.scalars(
        sa.select(User).where(
            User.email_choice == EmailChoice.DAILY_DIGEST,
            User.is_active_account,
            sa.or_(
                User.digest_covers_from.is_(None),
                User.digest_covers_from <= now - AT_LEAST_BETWEEN_DIGESTS,
            ),
        )
    ).all()
    sent = 0
    for user in people:
        since = user.digest_covers_from
        notes = list(
            db.session.scalars(
                sa.select(Notification)
                .where(
                    Notification.user_id == user.id,
                    Notification.created_at <= now,
                    *([Notification.created_at > since] if since else []),
                )
                .order_by(Notification.created_at, Notification.id)
            )
        )
        if not notes:
            continue
        same_as_read = (
            User.digest_covers_from == since if since else User.digest_covers_from.is_(None)
        )
        claimed = db.session.execute(
            sa.update(User)
            .where(User.id == user.id, same_as_read)
            .values(digest_covers_from=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            db.session.rollback()
            continue
        subject = f"Your daily digest: {len(notes)} notification{'s' if len(notes) != 1 else ''}"
        queue_email(
            db.session,
            OutgoingEmail(to=user.email, subject=subject, body=digest_body(user, notes)),
        )
        db.session.commit()
        sent += 1
    log.info("daily digests: %d sent", sent)
    return sent
