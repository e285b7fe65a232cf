"""Telling people what needs them: a notification in the app, and the same by email."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.database import db
from core.links import path_of
from core.mail import OutgoingEmail, queue_email


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


def notify(recipients: Iterable, subject: str, message: str, address: str) -> None:
    """Notify each recipient (anything with id, email, name) in the app and by email.

    `address` is the full address of the page it is about (`url_for(..., _external=True)`): the
    email carries it; the notification in the app links to its path, which works on whichever
    host the person uses. The email goes out only when the surrounding transaction commits.
    """
    link = path_of(address)
    seen: set[int] = set()
    for person in recipients:
        # Leavers (deactivated accounts) are not told: nobody reads their mail for them.
        if person is None or person.id in seen or not getattr(person, "is_active", True):
            continue
        seen.add(person.id)
        db.session.add(Notification(user_id=person.id, message=message, link=link))
        if not wants_each_email(person):
            continue  # it goes in their daily digest
        body = email_body(person.name, message, address)
        queue_email(db.session, OutgoingEmail(to=person.email, subject=subject, body=body))


def wants_each_email(person) -> bool:
    """False for a person who chose a daily digest instead of an email for each notification."""
    choice = getattr(person, "email_choice", None)
    return getattr(choice, "value", "everything") != "daily_digest"


def email_body(name: str, message: str, address: str) -> str:
    """The email that carries a notification: the message and the full address of its page."""
    return (
        f"Hello {name},\n\n{message}\n\nOpen it here: {address}\n\n"
        "This message was sent by the practice improvement pledge tracker.\n"
    )


def unread_count_clause(user_id):
    """The number of unread notifications of a user (an id, or a column), as a subquery."""
    return (
        sa.select(sa.func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def unread_count(user_id: int) -> int:
    return db.session.scalar(sa.select(unread_count_clause(user_id)))


def recent_notifications(user_id: int, limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(user_id: int) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def _header_counts():
    """The unread count for the page header: loaded with the signed-in user (people/auth.py),
    or one small query when it was not (or a commit since may have changed it)."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return {}
    count = current_user.unread_notification_count
    return {"unread_notifications": unread_count(current_user.id) if count is None else count}


def init_app(app) -> None:
    app.context_processor(_header_counts)
