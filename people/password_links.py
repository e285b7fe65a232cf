"""Set-password links: emailed, single-use and time-limited (itsdangerous).

A link carries the person's id and a fingerprint of their current password hash, signed with
the app's secret key. Setting a password changes the hash, so every link issued before it stops
working: each link works once. New people get a week to use theirs; a "forgotten password" link
lasts two hours.
"""

from __future__ import annotations

import enum
import hashlib
import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from core.clock import utcnow
from core.database import db
from core.errors import ActionRefused
from core.mail import OutgoingEmail, queue_email
from people.models import User, new_session_token
from people.operations import find_user_by_email
from people.passwords import MINIMUM_PASSWORD_LENGTH, hash_password
from people.throttle import forget_account

log = logging.getLogger(__name__)

SALT = "set-password"


class LinkPurpose(enum.Enum):
    WELCOME = "welcome"
    RESET = "reset"

    @property
    def hours(self) -> int:
        return {LinkPurpose.WELCOME: 7 * 24, LinkPurpose.RESET: 2}[self]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    # Only a digest travels in the link: the hash itself never leaves the database.
    return hashlib.sha256((user.password_hash or "no password yet").encode()).hexdigest()[:20]


def make_token(user: User, purpose: LinkPurpose) -> str:
    return _serializer().dumps({"user": user.id, "hash": _fingerprint(user), "for": purpose.value})


def set_password_address(user: User, purpose: LinkPurpose) -> str:
    """The link's full address (with or without a request: the import and the command line send
    links too)."""
    return url_for("people.set_password_link", token=make_token(user, purpose), _external=True)


class LinkProblem(Exception):
    """A link that cannot be used; the message says why and what to do, in words for users."""


def person_for_token(token: str) -> User:
    """The person a link is for, or LinkProblem when it is expired, used, altered or theirs no
    longer (the person was deactivated)."""
    serializer = _serializer()
    try:
        _, payload = serializer.loads_unsafe(token)
        purpose = LinkPurpose(payload["for"])
        serializer.loads(token, max_age=purpose.hours * 3600)
    except SignatureExpired as error:
        raise LinkProblem(
            "This link has expired. Ask for a new one: links last "
            f"{_duration(purpose)} for your security."
        ) from error
    except (BadSignature, KeyError, TypeError, ValueError) as error:
        raise LinkProblem(
            "This link is not right. Copy the whole link from the email, or ask for a new one."
        ) from error
    user = (
        db.session.get(User, payload.get("user")) if isinstance(payload.get("user"), int) else None
    )
    if user is None or not user.is_active:
        raise LinkProblem("This link no longer works. Ask your administrator for help.")
    if payload.get("hash") != _fingerprint(user):
        raise LinkProblem(
            "This link has already been used. Sign in with your password, or ask for a new link."
        )
    return user


def _duration(purpose: LinkPurpose) -> str:
    hours = purpose.hours
    return f"{hours // 24} days" if hours >= 48 else f"{hours} hours"


def set_password_from_link(user: User, password: str) -> None:
    """Set a password from a link: the link (and any older one) stops working, and every
    session of the person ends.

    The new hash is written only where the old one is still there (one conditional UPDATE), so
    a link posted twice at once works once: the second post finds the hash changed and gets
    LinkProblem ("already been used").
    """
    if len(password) < MINIMUM_PASSWORD_LENGTH:
        raise ActionRefused(f"Use at least {MINIMUM_PASSWORD_LENGTH} characters.")
    seen = user.password_hash
    unchanged = User.password_hash.is_(None) if seen is None else User.password_hash == seen
    result = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, unchanged)
        .values(password_hash=hash_password(password), session_token=new_session_token())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise LinkProblem(
            "This link has already been used. Sign in with your password, or ask for a new link."
        )
    db.session.expire(user, ["password_hash", "session_token"])
    forget_account(user.email)
    log.info("password set from a link for user %s; their sessions ended", user.id)


def send_password_link(user: User, purpose: LinkPurpose) -> None:
    """Email the person a link to set their password; it goes when the transaction commits."""
    link = set_password_address(user, purpose)
    if purpose is LinkPurpose.WELCOME:
        subject = "Set your password for the practice improvement pledge tracker"
        opening = (
            "An account has been made for you on the practice improvement pledge tracker, where "
            "you record your self-assessment and practice improvement pledges and review them "
            "six months on."
        )
    else:
        subject = "Reset your password for the practice improvement pledge tracker"
        opening = "Someone asked to reset the password for this email address."
    body = (
        f"Hello {user.name},\n\n{opening}\n\n"
        f"Choose your password here: {link}\n\n"
        f"The link works once and lasts {_duration(purpose)}. Your sign-in email address is "
        f"{user.email}.\n\n"
        + (
            "If you did not ask for this, you can ignore this email: your password has not "
            "changed.\n"
            if purpose is LinkPurpose.RESET
            else ""
        )
    )
    queue_email(db.session, OutgoingEmail(to=user.email, subject=subject, body=body))


RESET_LINK_EVERY = timedelta(minutes=5)


def request_password_reset(email: str) -> None:
    """Send a reset link when the address belongs to an active person; otherwise do nothing.
    At most one link every five minutes goes to a person, so nobody can flood their inbox.

    The caller answers the same either way, so the page never tells whether an address is
    registered (or was asked for a moment ago).
    """
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        log.info("password reset asked for an address with no active account")
        return
    now = utcnow()
    if user.reset_link_sent_at is not None and now - user.reset_link_sent_at < RESET_LINK_EVERY:
        log.info("password reset for user %s not sent: one went out minutes ago", user.id)
        return
    user.reset_link_sent_at = now
    send_password_link(user, LinkPurpose.RESET)
    log.info("password reset link sent to user %s", user.id)
