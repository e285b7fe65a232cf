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
