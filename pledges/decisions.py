"""What an entry said when its manager last decided on it, and what has changed since: what a
resubmission session shows word by word."""

from __future__ import annotations

from dataclasses import dataclass

from core.formatting import long_date
from core.word_diff import has_changed
from pledges.models import Entry
from pledges.wording import ENTRY_FIELD_SHORT_NAMES

STAGE_ONE_FIELDS = (
    "finding_title",
    "finding_source",
    "good_practice",
    "pledge",
    "helps",
    "hinders",
    "signs_of_success",
)


def _evidence_line(item) -> str:
    when = long_date(item.occurred_on) if item.occurred_on else "undated"
    return f"{when} ({item.source_codes or 'no source'}): {item.description}"


def decision_text(entry: Entry) -> dict[str, str]:
    """The entry as its manager decides on it: stage 1's texts, or stage 2's review (evidence,
    judgement and what next), each under the short name people read in the history."""
    if entry.record.in_review_stage:
        return {
            "Evidence": "\n".join(_evidence_line(item) for item in entry.evidence),
            ENTRY_FIELD_SHORT_NAMES["judgement_value"]: (
                entry.change_judgement.label if entry.change_judgement else ""
            ),
            ENTRY_FIELD_SHORT_NAMES["what_next"]: entry.what_next,
        }
    return {ENTRY_FIELD_SHORT_NAMES[name]: getattr(entry, name) for name in STAGE_ONE_FIELDS}


@dataclass(frozen=True)
class TextChange:
    label: str
    old: str
    new: str


def changes_since_decision(entry: Entry) -> list[TextChange]:
    """Each part of the entry that reads differently from when it was last approved or
    returned (nothing when it has never been decided on)."""
    if not entry.text_at_decision:
        return []
    now = decision_text(entry)
    return [
        TextChange(label, entry.text_at_decision.get(label, ""), text)
        for label, text in now.items()
        if has_changed(entry.text_at_decision.get(label, ""), text)
    ]
