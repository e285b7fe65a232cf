"""How a record is laid out in a session: what needs deciding first (returned, or changed since
approval, with what changed word by word), and what is approved folded away."""

from __future__ import annotations

from dataclasses import dataclass, field

from pledges.decisions import TextChange, changes_since_decision
from pledges.models import Approval, Entry, Record


@dataclass
class EntryInSession:
    entry: Entry
    changes: list[TextChange] = field(default_factory=list)


@dataclass
class RecordInSession:
    record: Record
    to_decide: list[EntryInSession]
    approved: list[EntryInSession]

    @property
    def is_resubmission(self) -> bool:
        """Some entries were decided before: the session leads with what needs deciding."""
        return any(item.entry.text_at_decision for item in self.to_decide + self.approved)


def session_view(record: Record) -> RecordInSession:
    to_decide, approved = [], []
    for entry in record.completed_entries:
        item = EntryInSession(entry, changes_since_decision(entry))
        (approved if entry.approval is Approval.APPROVED else to_decide).append(item)
    return RecordInSession(record, to_decide, approved)
