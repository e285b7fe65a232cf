"""A record at a glance: the counts at the top of the record page (issue 18), so a reader knows
where it stands before scrolling through fourteen key points."""

from __future__ import annotations

from dataclasses import dataclass

from pledges.models import Approval, Record


@dataclass(frozen=True)
class RecordSummary:
    key_points: int  # the framework's key points on this record
    filled: int  # key points with anything written in them
    pledges: int
    findings: int  # other findings added, a) b) …
    approved: int
    returned: int
    awaiting: int  # completed entries with no decision yet (once submitted)
    decided: bool  # whether sign-off has begun: approvals mean something only then


def summarise(record: Record) -> RecordSummary:
    """Counts from the entries already loaded with the record: no query of its own."""
    key_points = [entry for entry in record.entries if not entry.is_added_finding]
    completed = record.completed_entries
    return RecordSummary(
        key_points=len(key_points),
        filled=sum(1 for entry in key_points if not entry.is_blank),
        pledges=record.pledge_count,
        findings=sum(1 for entry in record.entries if entry.is_added_finding),
        approved=sum(1 for entry in completed if entry.approval is Approval.APPROVED),
        returned=sum(1 for entry in completed if entry.approval is Approval.RETURNED),
        awaiting=sum(1 for entry in completed if entry.approval is Approval.UNDECIDED),
        decided=not record.is_draft,
    )
