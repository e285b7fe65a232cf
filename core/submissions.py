"""Once-only forms: a form that creates something carries a random key, and the first post of
that key claims it under a primary key the database enforces. A second click, or the same page
posted again, finds the key claimed and is shown what the first post made instead of making it
twice (or failing on a unique email).
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.database import db

KEY_LENGTH = 43  # secrets.token_urlsafe(32)
KEY_PATTERN = re.compile(f"[A-Za-z0-9_-]{{{KEY_LENGTH}}}")


class FormSubmission(db.Model):
    """A once-only form's key, claimed by its first post, and where that post led."""

    __tablename__ = "form_submissions"

    key: Mapped[str] = mapped_column(sa.String(KEY_LENGTH), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The page showing what the first post made, once it has committed.
    path: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def new_submission_key() -> str:
    return secrets.token_urlsafe(32)


def is_submission_key(value: str | None) -> bool:
    return bool(value) and KEY_PATTERN.fullmatch(value) is not None


def claim_submission(key: str | None, user_id: int) -> tuple[FormSubmission | None, bool]:
    """Claim `key` for this post: (the claim, True) the first time; (the earlier claim, False)
    when it was posted before. (None, True) when the form carried no usable key.

    Call it first, before anything else is written: a second post at the same moment waits on
    the key (PostgreSQL) until the first commits, then fails the insert, and the transaction,
    which held nothing else, is rolled back. A post that is refused later rolls back with its
    claim, so the corrected form can be posted again with the same key.
    """
    if not is_submission_key(key):
        return None, True
    earlier = db.session.get(FormSubmission, key)
    if earlier is None:
        claim = FormSubmission(key=key, user_id=user_id)
        db.session.add(claim)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            earlier = db.session.get(FormSubmission, key)
        else:
            return claim, True
    if earlier is None or earlier.user_id != user_id:
        return None, True  # not this person's key: treat the form as keyless
    return earlier, False
