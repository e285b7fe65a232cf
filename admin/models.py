"""An uploaded people file, kept between its dry run and its import, and as a record of who
imported what and when."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.database import db
from people.models import User


class PeopleImport(db.Model):
    __tablename__ = "people_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    content: Mapped[str] = mapped_column(sa.Text)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_at: Mapped[datetime | None]
    # What the import did, in words, once it has run.
    outcome: Mapped[str] = mapped_column(sa.Text, default="")

    uploaded_by: Mapped[User] = relationship()

    @property
    def is_imported(self) -> bool:
        return self.imported_at is not None


class AdminEvent(db.Model):
    """One change an administrator (or the training team, for frameworks) made: who, when, what.

    People and teams are kept by id with their name at the time, so the trail outlives renames.
    """

    __tablename__ = "admin_events"
    __table_args__ = (sa.Index("ix_admin_events_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # None when the change came from the command line.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    summary: Mapped[str] = mapped_column(sa.Text)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    person: Mapped[User | None] = relationship(foreign_keys=[person_id])
