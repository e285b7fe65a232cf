"""What the library keeps of its own: the entries the training team features."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.database import db
from people.models import User
from pledges.models import Entry, Record


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


def has_shared_text() -> sa.ColumnElement[bool]:
    """A condition on `Entry` alone: checked, not flagged, and with something to share. Written
    with literal SQL (no bound values) so PostgreSQL matches it to the partial index
    `ix_entries_in_library` even in a cached generic plan."""
    nothing = sa.literal_column("''")
    return sa.and_(
        Entry.shared_text_flagged.is_(False),
        sa.or_(Entry.good_practice != nothing, Entry.pledge != nothing),
    )


# The library's indexes on the pledges' tables: a page of the library walks signed-off records
# newest first (this index, backwards) and takes each one's shared entries (the next), so it
# reads a few records, not the county. (With the entry's id, counting reads the index alone.)
RECORDS_BY_SIGN_OFF = sa.Index(
    "ix_records_signed_off",
    Record.signed_off_at,
    Record.id,
    postgresql_where=Record.signed_off_at.is_not(None),
    sqlite_where=Record.signed_off_at.is_not(None),
)
SHARED_ENTRIES = sa.Index(
    "ix_entries_in_library",
    Entry.record_id,
    Entry.position,
    Entry.id,
    postgresql_where=has_shared_text(),
    sqlite_where=has_shared_text(),
)
