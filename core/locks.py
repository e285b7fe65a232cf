"""Row locks around a check and the change it allows, so that two requests at once cannot both
pass the check (a double click, two managers, two administrators).

`lock_rows` takes `SELECT … FOR UPDATE` on PostgreSQL, always in id order so that two
transactions locking the same rows never deadlock. A second request waits there until the first
commits, and then reads what it committed: everything the session held is expired, so the check
that follows sees the database as it is now. SQLite has no row locks (it allows one writer at a
time), so there the select locks nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from core.database import db


def lock_rows(model, ids: Iterable[int]) -> None:
    """Lock these rows of `model` until the transaction ends, then forget what was read before.

    Call it before changing anything in the unit of work (it flushes what is pending first).
    """
    ids = sorted(set(ids))
    db.session.flush()
    if ids:
        db.session.execute(
            sa.select(model.id).where(model.id.in_(ids)).order_by(model.id).with_for_update()
        )
    db.session.expire_all()


def lock_row(item) -> None:
    """Lock one object's row (see `lock_rows`)."""
    lock_rows(type(item), [item.id])
