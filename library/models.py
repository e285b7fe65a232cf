"""What the library keeps of its own: the entries the training team features."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.database import db
from people.models import User
from pledges.models import Entry


class FeaturedEntry(db.Model):
    """An entry the training team chose to celebrate: featured entries lead the library."""

    __tablename__ = "featured_entries"

    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    featured_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    featured_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    entry: Mapped[Entry] = relationship()
    featured_by: Mapped[User] = relationship()
