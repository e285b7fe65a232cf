"""People and the organisation they work in: agencies, districts, teams and line management."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, aliased, mapped_column, query_expression, relationship

from core.clock import utcnow
from core.database import db, enum_column
from core.labels import LabelledEnum


class Role(LabelledEnum):
    """Roles held on top of being a practitioner. Line managers are those who have supervisees."""

    DISTRICT_TEAM = "district_team", "District safeguarding team"
    TRAINING_TEAM = "training_team", "Training team"
    ADMINISTRATOR = "administrator", "Administrator"


class _Place:
    """An agency or a district: a name unique among its kind, which administrators keep."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class Agency(_Place, db.Model):
    __tablename__ = "agencies"


class District(_Place, db.Model):
    __tablename__ = "districts"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class EmailChoice(LabelledEnum):
    """How a person wants their notifications by email; the app shows every one either way."""

    EVERYTHING = "everything", "An email for each notification"
    DAILY_DIGEST = "daily_digest", "One email a day listing the day's notifications"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "line_manager_id IS NULL OR line_manager_id <> id", name="not_own_line_manager"
        ),
        # The people list, a page of 50 by name: read in order from the index, not a sort of
        # the county (46 ms to 0.4 ms for 10,000 people on PostgreSQL).
        sa.Index("ix_users_name_id", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    job_title: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    work_base_address: Mapped[str] = mapped_column(sa.Text, default="")
    telephone: Mapped[str] = mapped_column(sa.String(40), default="")
    line_manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Flask-Login's "alternative id": rotated on sign-out so every copy of the cookie dies.
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a "forgotten password" link last went out: one every few minutes at most.
    reset_link_sent_at: Mapped[datetime | None]
    email_choice: Mapped[EmailChoice] = mapped_column(
        enum_column(EmailChoice, "email_choice"), default=EmailChoice.EVERYTHING
    )
    # The daily digest covers notifications made after this (set when the digest is chosen).
    digest_covers_from: Mapped[datetime | None]

    agency: Mapped[Agency | None] = relationship()
    district: Mapped[District | None] = relationship()
    line_manager: Mapped[User | None] = relationship(remote_side=[id], back_populates="supervisees")
    supervisees: Mapped[list[User]] = relationship(
        back_populates="line_manager", order_by="User.name"
    )
    role_grants: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    memberships: Mapped[list[TeamMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    managed_teams: Mapped[list[Team]] = relationship(back_populates="manager", order_by="Team.name")
    # Loaded with the signed-in user (people/auth.py) for every page's header, in the same
    # query; None when the user was loaded any other way, or after a commit expired them.
    manages_anyone: Mapped[bool | None] = query_expression()
    unread_notification_count: Mapped[int | None] = query_expression()

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def roles(self) -> set[Role]:
        return {grant.role for grant in self.role_grants}

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def teams(self) -> list[Team]:
        return sorted((m.team for m in self.memberships), key=lambda team: team.name)

    @property
    def is_line_manager(self) -> bool:
        """Anyone with a supervisee or a team to manage. One EXISTS query (every page's menu
        asks), not a load of every supervisee and team; none when it came with the user."""
        if self.manages_anyone is not None:
            return bool(self.manages_anyone)
        return bool(db.session.scalar(sa.select(manages_anyone_clause(self.id))))

    def __repr__(self) -> str:
        return f"<User {self.email}>"


def manages_anyone_clause(user_id):
    """True when the user (an id, or a column) has a supervisee or manages a team. The
    supervisees are an alias: with `User.id` as the column, an unaliased EXISTS would correlate
    to the outer row and ask whether the user manages themselves."""
    supervisee = aliased(User)
    return sa.or_(
        sa.exists().where(supervisee.line_manager_id == user_id),
        sa.exists().where(Team.manager_id == user_id),
    )


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (sa.UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))

    user: Mapped[User] = relationship(back_populates="role_grants")


class Team(db.Model):
    """A real or 'virtual' multi-agency group that completes one shared record."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)

    agency: Mapped[Agency | None] = relationship()
    district: Mapped[District | None] = relationship()
    manager: Mapped[User | None] = relationship(back_populates="managed_teams")
    memberships: Mapped[list[TeamMembership]] = relationship(
        back_populates="team", cascade="all, delete-orphan"
    )

    @property
    def members(self) -> list[User]:
        return sorted((m.user for m in self.memberships), key=lambda user: user.name)

    def has_member(self, user: User) -> bool:
        return any(m.user_id == user.id for m in self.memberships)

    @property
    def is_multi_agency(self) -> bool:
        return self.agency_id is None

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


class TeamMembership(db.Model):
    __tablename__ = "team_memberships"
    __table_args__ = (sa.UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class SignInThrottle(db.Model):
    """Sign-in attempts per key ("email:<address>" for an account, registered or not, and
    "address:<ip>" for where the attempts come from), counted in our own database by one
    statement that adds and returns, so the limit holds across processes, restarts and
    parallel requests, on SQLite and PostgreSQL alike (people/throttle.py)."""

    __tablename__ = "sign_in_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(320), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    # The counting window starts at the first attempt and starts again when the limit is hit,
    # so a lock lasts the whole window after the last attempt allowed.
    window_started_at: Mapped[datetime]
