"""Changes to people: creating them, checking a sign-in, ending sessions."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app

from core.database import db
from core.errors import ActionRefused
from people.models import (
    Agency,
    District,
    Role,
    Team,
    TeamMembership,
    User,
    UserRole,
    new_session_token,
)
from people.passwords import (
    DEMO_PASSWORD,
    MINIMUM_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    stand_in_hash,
    verify_password,
)

log = logging.getLogger(__name__)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def new_user(
    *,
    email: str,
    name: str,
    password: str | None = None,
    job_title: str = "",
    agency: Agency | None = None,
    district: District | None = None,
    line_manager: User | None = None,
    work_base_address: str = "",
    telephone: str = "",
    roles: set[Role] | frozenset[Role] = frozenset(),
) -> User:
    """A new person, added to the session but not flushed (so a bulk import flushes once)."""
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        job_title=job_title,
        agency=agency,
        district=district,
        line_manager=line_manager,
        work_base_address=work_base_address,
        telephone=telephone,
        password_hash=hash_password(password) if password else None,
        session_token=new_session_token(),
    )
    user.role_grants = [UserRole(role=role) for role in sorted(roles, key=lambda r: r.value)]
    db.session.add(user)
    return user


def create_user(**details) -> User:
    """Create a person. Refuses nothing itself: callers check the email is free first."""
    user = new_user(**details)
    db.session.flush()
    return user


def add_team_member(team: Team, user: User) -> TeamMembership:
    """Add a person to a team; adding someone already in it changes nothing."""
    for membership in team.memberships:
        if membership.user_id == user.id:
            return membership
    membership = TeamMembership(team=team, user=user)
    db.session.add(membership)
    db.session.flush()
    return membership


def authenticate(email: str, password: str) -> User | None:
    """The active person with this email and password, or None. Upgrades an old hash on the way.

    Every answer costs exactly one password hash verification (against a stand-in hash when
    there is no account, no password yet or the account is deactivated), so response times do
    not tell whether an address has an account. The demo password is refused where the
    configuration does not allow it (production), even for accounts that have it.
    """
    user = find_user_by_email(email)
    usable = user is not None and user.is_active and bool(user.password_hash)
    matches = verify_password(user.password_hash if usable else stand_in_hash(), password)
    if not (usable and matches):
        return None
    if password == DEMO_PASSWORD and not current_app.config.get("DEMO_PASSWORD_ALLOWED"):
        log.warning("demo password refused for user %s: this configuration forbids it", user.id)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def end_all_sessions(user: User) -> None:
    """Rotate the session token: every cookie issued for this person stops working."""
    user.session_token = new_session_token()
    db.session.flush()
    log.info("sessions ended for user %s", user.id)


def update_profile(user: User, *, work_base_address: str, telephone: str) -> None:
    """A person's own contact details. Records already started keep the details they have."""
    user.work_base_address = work_base_address.replace("\r\n", "\n").strip()
    user.telephone = telephone.strip()
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """Change a password: the current one must be right and the new one long enough.

    Every session of the person ends (the session token rotates); the caller signs the current
    browser back in.
    """
    if not verify_password(user.password_hash, current):
        raise ActionRefused("Your current password is not right.", field="current_password")
    if len(new) < MINIMUM_PASSWORD_LENGTH:
        raise ActionRefused(
            f"Use at least {MINIMUM_PASSWORD_LENGTH} characters.", field="current_password"
        )
    user.password_hash = hash_password(new)
    end_all_sessions(user)
    log.info("password changed for user %s", user.id)
