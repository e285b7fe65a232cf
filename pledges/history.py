"""Writing a record's history: every change, with who, when and what changed field by field."""

from __future__ import annotations

from typing import Any

from core.database import db
from people.models import User
from pledges.models import Entry, Record, RecordEvent


def field_changes(before: dict[str, str], after: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The fields whose value differs, each with its old and new text."""
    return {
        field: {"from": before.get(field, ""), "to": value}
        for field, value in after.items()
        if before.get(field, "") != value
    }


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
