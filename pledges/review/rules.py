"""What a six-month review needs before it can go to the line manager."""

from __future__ import annotations

from datetime import date

from pledges.models import Record, RecordState


def review_problems(record: Record) -> list[str]:
    """Every reason the review cannot be submitted yet, in words for its owners."""
    problems = []
    if not any(entry.evidence for entry in record.entries):
        problems.append("Add at least one piece of evidence of improved practice to a pledge.")
    for entry in record.entries:
        for number, item in enumerate(entry.evidence, start=1):
            if not item.sources:
                problems.append(
                    f"Say where evidence {number} for “{entry.title}” came from "
                    "(self report, service user, manager or colleague)."
                )
    return problems


def rests_on_self_report_only(record: Record) -> bool:
    """True when the review has evidence and every piece of it is self report alone.

    Such a review is weaker than one with service-user, manager or colleague evidence.
    """
    items = [item for entry in record.entries for item in entry.evidence]
    return bool(items) and all(
        not (item.from_service_user or item.from_manager or item.from_colleague) for item in items
    )


OVERDUE_AFTER_DAYS = 28


def review_timing(record: Record, today: date) -> str | None:
    """Where the six-month review stands against its due date, in words; None if it has none.

    "overdue" four weeks after the due date (when the overdue prompt goes), matching the sweep.
    """
    if record.review_due_on is None or record.is_complete:
        return None
    if record.state is RecordState.REVIEW_SUBMITTED:
        return "submitted"
    if today < record.review_due_on:
        return "not yet due"
    if (today - record.review_due_on).days >= OVERDUE_AFTER_DAYS:
        return "overdue"
    return "due"
