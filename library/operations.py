"""Featuring entries in the library, and checking shared text once for records signed off before
the library existed."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from core.database import db
from core.errors import ActionRefused
from library.models import FeaturedEntry
from library.queries import is_in_library
from people.models import User
from pledges.models import Entry, Record
from pledges.operations import screen_shared_text
from pledges.record_scope import signed_off_records

log = logging.getLogger(__name__)


def feature_entry(entry: Entry, by: User) -> bool:
    """Feature a shared entry so it leads the library. Refused for an entry the library does not
    show. Featuring one already featured changes nothing (returns False)."""
    if not is_in_library(entry):
        raise ActionRefused("Only entries shared in the library can be featured.")
    if db.session.get(FeaturedEntry, entry.id) is not None:
        return False
    db.session.add(FeaturedEntry(entry_id=entry.id, featured_by=by))
    db.session.flush()
    log.info("entry %s featured by user %s", entry.id, by.id)
    return True


def unfeature_entry(entry: Entry, by: User) -> bool:
    """Stop featuring an entry; it stays in the library. Returns False when it was not featured."""
    featured = db.session.get(FeaturedEntry, entry.id)
    if featured is None:
        return False
    db.session.delete(featured)
    db.session.flush()
    log.info("entry %s no longer featured (user %s)", entry.id, by.id)
    return True


def screen_unchecked_records(batch_size: int = 500) -> int:
    """Run the identifying-details check on signed-off records none of whose entries has been
    checked (signed off before the library): until then the library leaves them out.
    Returns how many records were checked."""
    unchecked = (
        sa.select(Record.id)
        .where(signed_off_records(), Record.entries.any(Entry.shared_text_flagged.is_(None)))
        .order_by(Record.id)
    )
    ids = list(db.session.scalars(unchecked))
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        records = db.session.scalars(
            sa.select(Record).where(Record.id.in_(batch)).options(selectinload(Record.entries))
        )
        for record in records:
            screen_shared_text(record)
        db.session.flush()
    return len(ids)
