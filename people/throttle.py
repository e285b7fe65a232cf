"""The sign-in throttle: attempts counted per account and per source address in the database.

Each attempt is counted *before* the password is checked, by one statement that adds and
returns the new count (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, PostgreSQL and SQLite
3.35+), so parallel guesses cannot all read "not locked yet" and slip through together: each
one takes a numbered place, and only the first few are checked. A correct password gives its
place back (both counts go down by one), so the counts are of failures, and a person signing
in while someone guesses at their account never resets the guesser's count.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from core.clock import utcnow
from core.database import db
from people.models import SignInThrottle

WINDOW = timedelta(minutes=15)
FAILURES_PER_ACCOUNT = 5
# An office behind one address shares this; 100 guesses across 25 accounts must meet it.
FAILURES_PER_ADDRESS = 30


def account_key(email: str) -> str:
    return "email:" + email.strip().lower()[:254]


def address_key(address: str | None) -> str:
    return "address:" + (address or "unknown")[:60]


def _count_attempt(key: str) -> tuple[int, datetime]:
    """Add one to the key's count in one statement and return (count, window start).

    A window older than WINDOW starts again at one; reaching the limit restarts the window,
    so the lock lasts a whole window after the last attempt that was checked.
    """
    now = utcnow()
    limit = _limit(key)
    table = SignInThrottle.__table__
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(
        table
    ).values(key=key, failures=1, window_started_at=now)
    expired = table.c.window_started_at <= now - WINDOW
    statement = insert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "failures": sa.case((expired, 1), else_=table.c.failures + 1),
            "window_started_at": sa.case(
                (expired, now),
                (table.c.failures + 1 == limit, now),
                else_=table.c.window_started_at,
            ),
        },
    ).returning(table.c.failures, table.c.window_started_at)
    failures, started = db.session.execute(statement).one()
    return failures, started


def _limit(key: str) -> int:
    if key.startswith("address:"):
        return current_app.config.get("SIGN_IN_FAILURES_PER_ADDRESS", FAILURES_PER_ADDRESS)
    return current_app.config.get("SIGN_IN_FAILURES_PER_ACCOUNT", FAILURES_PER_ACCOUNT)


@dataclasses.dataclass(frozen=True)
class Attempt:
    """One sign-in attempt's place in the counts."""

    email_key: str
    address_key: str
    allowed: bool
    # When the lock ends, once this attempt used the last place (or found none left).
    locked_until: datetime | None
    locked_by_address: bool = False


def count_attempt(email: str, address: str | None) -> Attempt:
    """Count an attempt against the account and the address; allowed while both have places.

    The caller commits at once, before checking the password, so other requests see it.
    """
    keys = account_key(email), address_key(address)
    locked_until = None
    locked_by_address = False
    allowed = True
    for key in keys:
        failures, started = _count_attempt(key)
        limit = _limit(key)
        if failures > limit:
            allowed = False
        if failures >= limit:
            ends = started + WINDOW
            locked_until = max(ends, locked_until or ends)
            locked_by_address = locked_by_address or key.startswith("address:")
    return Attempt(keys[0], keys[1], allowed, locked_until, locked_by_address)


def give_back(attempt: Attempt) -> None:
    """The attempt succeeded: its place in both counts is returned."""
    db.session.execute(
        sa.update(SignInThrottle)
        .where(
            SignInThrottle.key.in_([attempt.email_key, attempt.address_key]),
            SignInThrottle.failures > 0,
        )
        .values(failures=SignInThrottle.failures - 1)
    )


def forget_account(email: str) -> None:
    """A password set from a link: the account starts with a clean slate."""
    db.session.execute(sa.delete(SignInThrottle).where(SignInThrottle.key == account_key(email)))
