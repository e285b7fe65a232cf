"""Supervision sessions: where line managers go through records with a supervisee or a team."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.database import db, enum_column
from core.labels import LabelledEnum
from people.models import Team, User
from pledges.models import Entry, Record


class SupervisionSession(db.Model):
    """One supervision meeting. Its notes are for the supervisor and supervisee (or team) only."""

    __tablename__ = "supervision_sessions"
    __table_args__ = (
        sa.CheckConstraint(
            "(supervisee_id IS NULL) <> (team_id IS NULL)", name="one_supervisee_or_one_team"
        ),
        sa.CheckConstraint(
            "supervisee_id IS NULL OR supervisee_id <> supervisor_id", name="not_with_oneself"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supervisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    supervisee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    # Set when the supervisor's own manager holds the session because the line manager is absent.
    acting_for_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    held_on: Mapped[date]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    supervisor: Mapped[User] = relationship(foreign_keys=[supervisor_id])
    supervisee: Mapped[User | None] = relationship(foreign_keys=[supervisee_id])
    team: Mapped[Team | None] = relationship()
    acting_for: Mapped[User | None] = relationship(foreign_keys=[acting_for_id])
    discussed: Mapped[list[SessionRecord]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionRecord.id"
    )
    decisions: Mapped[list[EntryDecision]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="EntryDecision.id"
    )

    @property
    def with_name(self) -> str:
        return self.team.name if self.team is not None else self.supervisee.name

    @property
    def participants(self) -> list[User]:
        """The supervisee, or every member of the team: who may read this session."""
        if self.team is not None:
            return self.team.members
        return [self.supervisee]

    @property
    def records(self) -> list[Record]:
        return [link.record for link in self.discussed]


class SessionRecord(db.Model):
    """A record discussed in a session."""

    __tablename__ = "session_records"
    __table_args__ = (sa.UniqueConstraint("session_id", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supervision_sessions.id", ondelete="CASCADE")
    )
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("records.id"), index=True)

    session: Mapped[SupervisionSession] = relationship(back_populates="discussed")
    record: Mapped[Record] = relationship()


class Decision(LabelledEnum):
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned"


class EntryDecision(db.Model):
    """The outcome for one entry taken in a session: approved, or returned with a comment."""

    __tablename__ = "entry_decisions"
    __table_args__ = (
        sa.CheckConstraint("decision <> 'returned' OR comment <> ''", name="returned_has_comment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supervision_sessions.id", ondelete="CASCADE"), index=True
    )
    entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("entries.id", ondelete="SET NULL"), index=True
    )
    entry_title: Mapped[str] = mapped_column(sa.Text)
    decision: Mapped[Decision] = mapped_column(enum_column(Decision, "decision"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[SupervisionSession] = relationship(back_populates="decisions")
    entry: Mapped[Entry | None] = relationship()
