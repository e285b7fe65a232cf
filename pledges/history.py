"""Writing a record's history: every change, with who, when and what changed field by field
(`core.history.field_changes`)."""

from __future__ import annotations

from typing import Any

from core.database import db
from people.models import User
from pledges.models import Entry, Record, RecordEvent


def record_event(
    record: Record,
    actor: User,
    action: str,
    summary: str,
    *,
    entry: Entry | None = None,
    changes: dict[str, Any] | None = None,
) -> RecordEvent:
    event = RecordEvent(
        record=record,
        entry=entry,
        actor=actor,
        action=action,
        summary=summary,
        changes=changes or {},
    )
    db.session.add(event)
    return event
