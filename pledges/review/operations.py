"""Stage 2, the six-month review: opening it, evidence and judgements, and the next cycle.

Submitting and signing off reuse stage 1's operations and supervision: the review is the same
record in its second stage.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Unpack

from core.clock import today_in_london, utcnow
from core.database import db
from core.errors import ActionRefused, AlreadyDone
from core.formatting import long_date, plural
from core.history import field_changes
from core.locks import lock_row
from people.models import User
from pledges.history import record_event
from pledges.links import record_page
from pledges.models import (
    Approval,
    ChangeJudgement,
    Entry,
    Evidence,
    EvidenceSource,
    Record,
    Transition,
)
from pledges.operations import (
    EditorsPage,
    SaveOutcome,
    add_finding,
    existing_record,
    lock_owner,
    lock_record,
    merge_and_save,
    normalise_text,
    save_entry,
    start_record,
)
from pledges.review.rules import evidence_log_open

log = logging.getLogger(__name__)

REVIEW_FIELDS = ("judgement_value", "what_next")


def review_opens_on(record: Record) -> date | None:
    return record.review_due_on


def can_start_review(record: Record, today: date) -> bool:
    return (
        record.state.allows(Transition.START_REVIEW)
        and record.review_due_on is not None
        and today >= record.review_due_on
    )


def start_review(record: Record, by: User, *, today: date | None = None) -> None:
    """Open the six-month review: the record moves to stage 2, its pledges stay locked."""
    today = today or today_in_london()
    lock_record(record)
    if record.in_review_stage:
        raise AlreadyDone("The six-month review had already been started.", record_page(record))
    if not record.state.allows(Transition.START_REVIEW):
        raise ActionRefused("The review starts once the pledges have been signed off.")
    if today < record.review_due_on:
        raise ActionRefused(f"The review opens on {long_date(record.review_due_on)}.")
    record.move(Transition.START_REVIEW)
    record.review_started_at = utcnow()
    for entry in record.entries:
        entry.approval = Approval.UNDECIDED
        entry.return_comment = ""
        entry.text_at_decision = {}  # stage 1's text: the review is decided afresh
    record_event(record, by, "review_started", "Started the six-month review")
    db.session.flush()


def _require_review_editable(record: Record) -> None:
    if not record.in_review_stage:
        raise ActionRefused("The six-month review has not started yet.")
    if not record.is_editable:
        raise ActionRefused(
            f"The review is {record.state.label.lower()}, so it cannot be changed now."
        )


def _require_evidence_open(record: Record) -> None:
    """Evidence is noted from stage 1's sign-off (the evidence log) until the review is handed
    in, and again while it is returned."""
    if evidence_log_open(record):
        return
    if not record.is_signed_off:
        raise ActionRefused("Evidence is noted once the pledges have been signed off.")
    raise ActionRefused(f"Its evidence cannot be changed now: {record.state.label.lower()}.")


def _require_owners_evidence(item: Evidence, by: User) -> None:
    if item.is_by_someone_else(item.entry.record) and item.created_by_id != by.id:
        raise ActionRefused(
            f"This is {item.created_by.name}'s report, noted in supervision: only they change it."
        )


def _require_pledge(entry: Entry) -> None:
    if not entry.has_pledge:
        raise ActionRefused("Only entries with a pledge are reviewed.")


def save_review(
    entry: Entry, by: User, submitted: dict[str, str], **page: Unpack[EditorsPage]
) -> SaveOutcome:
    """Save the judgement of change and what next for one pledge, merging like stage 1."""
    _require_review_editable(entry.record)
    _require_pledge(entry)
    return merge_and_save(entry, by, REVIEW_FIELDS, submitted, **page)


def _evidence_values(item: Evidence) -> dict[str, str]:
    return {
        "evidence": item.description,
        "when": item.occurred_on.isoformat() if item.occurred_on else "",
        "sources": item.source_codes,
    }


def _set_sources(item: Evidence, sources: set[EvidenceSource]) -> None:
    for source in EvidenceSource:
        setattr(item, source.column, source in sources)


def add_evidence(
    entry: Entry,
    by: User,
    *,
    description: str,
    occurred_on: date | None = None,
    sources: set[EvidenceSource] | frozenset[EvidenceSource] = frozenset(),
) -> Evidence:
    """Add a piece of evidence to a pledge: to its evidence log from stage 1's sign-off, or to
    its review once open. Sources may wait until the review is submitted."""
    lock_row(entry.record)
    _require_evidence_open(entry.record)
    _require_pledge(entry)
    description = normalise_text(description).strip()
    if not description:
        raise ActionRefused("Describe the evidence: what happened, and what it shows.")
    item = Evidence(entry=entry, description=description, occurred_on=occurred_on, created_by=by)
    _set_sources(item, set(sources))
    db.session.add(item)
    db.session.flush()
    _reopen_decision(entry)
    record_event(
        entry.record,
        by,
        "evidence_added",
        f"Added evidence to {entry.title}",
        entry=entry,
        changes=field_changes({}, _evidence_values(item)),
    )
    return item


def update_evidence(
    item: Evidence,
    by: User,
    *,
    base_revision: int,
    description: str,
    occurred_on: date | None,
    sources: set[EvidenceSource],
) -> None:
    """Change a piece of evidence. Refused, with nothing lost, if someone changed it meanwhile.

    The record's row is locked first, so the revision compared is the one saved now; the
    version counter on `Evidence.revision` makes the UPDATE itself conditional too.
    """
    lock_row(item.entry.record)
    _require_evidence_open(item.entry.record)
    _require_owners_evidence(item, by)
    if item.revision != base_revision:
        raise ActionRefused(
            "Someone else changed this evidence while you were editing. Their version is shown; "
            "your text is still in the form."
        )
    description = normalise_text(description).strip()
    if not description:
        raise ActionRefused("Describe the evidence: what happened, and what it shows.")
    before = _evidence_values(item)
    item.description = description
    item.occurred_on = occurred_on
    _set_sources(item, sources)
    changes = field_changes(before, _evidence_values(item))
    if changes:
        item.updated_at = utcnow()
        _reopen_decision(item.entry)
        record_event(
            item.entry.record,
            by,
            "evidence_changed",
            f"Changed evidence for {item.entry.title}",
            entry=item.entry,
            changes=changes,
        )
    db.session.flush()


def remove_evidence(item: Evidence, by: User) -> None:
    """Remove a piece of evidence; removing it twice (a second click) changes nothing more."""
    item_id, record = item.id, item.entry.record
    lock_row(record)
    item = db.session.get(Evidence, item_id)
    if item is None:
        raise AlreadyDone("The evidence had already been removed.", record_page(record))
    entry = item.entry
    _require_evidence_open(entry.record)
    _require_owners_evidence(item, by)
    record_event(
        entry.record,
        by,
        "evidence_removed",
        f"Removed evidence from {entry.title}",
        entry=entry,
        changes=field_changes(_evidence_values(item), {"evidence": "", "when": "", "sources": ""}),
    )
    entry.evidence.remove(item)
    _reopen_decision(entry)
    db.session.flush()


def _reopen_decision(entry: Entry) -> None:
    """A review approved and changed since needs deciding again (stage 1's approvals stand
    while evidence is logged before the review)."""
    if entry.record.in_review_stage and entry.approval is Approval.APPROVED:
        entry.approval = Approval.UNDECIDED


def suggest_carrying_forward(entry: Entry) -> bool:
    """A pledge judged less than improved is offered for the next cycle by default."""
    return entry.change_judgement in (
        ChangeJudgement.SOME_IMPROVEMENT,
        ChangeJudgement.NO_CHANGE,
        ChangeJudgement.WORSE,
    )


def start_next_cycle(record: Record, by: User, carry_forward: list[Entry]) -> Record:
    """Start the next cycle's draft from a completed one, with the chosen pledges carried over.

    A pledge is carried to the same key point of the current framework (or, if that point no
    longer exists, as an added finding), with its factors and signs of success. A second
    request (a second click) finds the next cycle started and changes nothing (AlreadyDone).
    """
    carry_ids = {entry.id for entry in carry_forward}
    lock_owner(by, record.team)
    if not record.is_complete:
        raise ActionRefused("The next cycle starts once this cycle's review is signed off.")
    latest = existing_record(owner=record.owner, team=record.team)
    if latest is not None and latest.id != record.id:
        raise AlreadyDone("The next cycle has already been started.", record_page(latest))
    if record.team is None and by.id != record.owner_id:
        raise ActionRefused("Only the record's owner starts their next cycle.")
    chosen = [entry for entry in record.entries if entry.id in carry_ids and entry.has_pledge]
    new = start_record(by, team=record.team)
    by_number = {e.key_point.number: e for e in new.key_point_entries}
    for old in chosen:
        values = {
            "pledge": old.pledge,
            "helps": old.helps,
            "hinders": old.hinders,
            "signs_of_success": old.signs_of_success,
        }
        target = by_number.get(old.key_point.number) if old.key_point else None
        if target is None:
            target = add_finding(
                new, by, title=old.title, source=f"Carried forward from cycle {record.cycle}"
            )
        save_entry(target, by, values, base_revision=target.revision)
    record_event(
        new,
        by,
        "carried_forward",
        f"Started cycle {new.cycle}, carrying forward {plural(len(chosen), 'pledge')} from cycle "
        f"{record.cycle}",
    )
    log.info("record %s: next cycle %s started by user %s", record.id, new.id, by.id)
    return new
