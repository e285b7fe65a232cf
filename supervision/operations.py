"""Supervision: holding a session, approving or returning entries, and signing a stage off.

Operations flush and leave the commit to the caller. Each refusal says why in words for users.
"""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa
from flask import current_app

from core.clock import today_in_london, utcnow
from core.database import db
from core.errors import ActionRefused, AlreadyDone
from core.formatting import long_date, plural
from core.locks import lock_row
from core.notifications import notify
from people.models import Team, User
from pledges.history import record_event
from pledges.links import record_address, record_page
from pledges.models import Approval, Entry, Record, Transition
from pledges.operations import existing_record, lock_record, normalise_text, screen_shared_text
from pledges.review.dates import review_due_on
from supervision.models import Decision, EntryDecision, SessionRecord, SupervisionSession
from supervision.permissions import (
    acting_for,
    can_run_session,
    can_sign_off,
    can_supervise_person,
    can_supervise_team,
)

log = logging.getLogger(__name__)


def start_session(
    supervisor: User,
    *,
    supervisee: User | None = None,
    team: Team | None = None,
    held_on: date | None = None,
    notes: str = "",
) -> SupervisionSession:
    """Open a supervision session with a supervisee or a team, with their current record in it."""
    if (supervisee is None) == (team is None):
        raise ActionRefused("Choose one person or one team for the session.")
    if supervisee is not None and not can_supervise_person(supervisor, supervisee):
        raise ActionRefused(f"You are not {supervisee.name}'s line manager or their manager's.")
    if team is not None and not can_supervise_team(supervisor, team):
        raise ActionRefused(f"You are not the manager of {team.name} or their manager's.")
    absent = (supervisee.line_manager if supervisee else team.manager) or supervisor
    session = SupervisionSession(
        supervisor=supervisor,
        supervisee=supervisee,
        team=team,
        acting_for=absent if absent.id != supervisor.id else None,
        held_on=held_on or today_in_london(),
        notes=normalise_text(notes).strip(),
    )
    db.session.add(session)
    record = existing_record(owner=supervisee, team=team)
    if record is not None:
        session.discussed.append(SessionRecord(record=record))
    db.session.flush()
    log.info("supervision session %s started by user %s", session.id, supervisor.id)
    return session


def save_session_notes(session: SupervisionSession, by: User, notes: str) -> None:
    if not can_run_session(by, session):
        raise ActionRefused("Only the supervisor writes the session's notes.")
    session.notes = normalise_text(notes).strip()
    db.session.flush()


def delete_session(session: SupervisionSession, by: User) -> None:
    """Delete a session started by mistake, with its notes. Only the manager who started it may,
    and only while no entry has been approved or returned in it: a decision belongs to the
    record's history, so a session with one stays."""
    if not can_run_session(by, session):
        raise ActionRefused("Only the manager who started a session can delete it.")
    # Locked, so an approval at the same moment either comes first (and is seen) or waits.
    lock_row(session)
    decided = sa.select(EntryDecision.id).where(EntryDecision.session_id == session.id).limit(1)
    if db.session.scalar(decided) is not None:
        raise ActionRefused(
            "Entries have been approved or returned in this session, so it is part of the "
            "record's history and cannot be deleted."
        )
    db.session.delete(session)
    db.session.flush()
    log.info("supervision session %s deleted by user %s", session.id, by.id)


def _check_decision(entry: Entry, manager: User, session: SupervisionSession) -> Record:
    record = entry.record
    if not can_run_session(manager, session):
        raise ActionRefused("Only the supervisor of this session can decide on entries in it.")
    if record not in session.records:
        raise ActionRefused("This record is not part of this supervision session.")
    if not can_sign_off(manager, record):
        raise ActionRefused(
            "You cannot sign off this record: only the owner's line manager (or the team's "
            "manager), or that manager's own manager, can, and never for their own record."
        )
    if not record.is_submitted:
        raise ActionRefused(
            f"This record is {record.state.label.lower()}, so there is nothing to decide on now."
        )
    if entry not in record.completed_entries:
        what = "review" if record.in_review_stage else "entry"
        raise ActionRefused(f"This {what} is blank, so there is nothing to sign off.")
    return record


def _note_decision(session, entry, decision: Decision, comment: str = "") -> None:
    session.decisions.append(
        EntryDecision(entry=entry, entry_title=entry.title, decision=decision, comment=comment)
    )


def _acting_note(manager: User, record: Record) -> str:
    absent = acting_for(manager, record)
    return f", acting for {absent.name}" if absent else ""


def approve_entry(entry: Entry, manager: User, session: SupervisionSession) -> None:
    """Approve one entry of a submitted record; signs the stage off if it was the last.

    Approving it again (a second click) changes nothing and says so (AlreadyDone).
    """
    lock_record(entry.record)
    if entry.approval is Approval.APPROVED:
        raise AlreadyDone(f"{entry.title} is already approved.", record_page(entry.record))
    record = _check_decision(entry, manager, session)
    _approve(entry, manager, session, record)
    if not _settle(record, manager):
        notify(
            record.owners,
            f"{record.name}: an entry was approved",
            f"{manager.name} approved “{entry.title}” in supervision.",
            record_address(record),
        )
    db.session.flush()


def _approve(entry, manager, session, record) -> None:
    entry.approval = Approval.APPROVED
    entry.return_comment = ""
    entry.decided_at = utcnow()
    entry.decided_by = manager
    _note_decision(session, entry, Decision.APPROVED)
    record_event(
        record,
        manager,
        "approved",
        f"Approved {entry.title}{_acting_note(manager, record)}",
        entry=entry,
    )


def approve_all_remaining(record: Record, manager: User, session: SupervisionSession) -> int:
    """Approve every entry still awaiting a decision. Returns how many were approved.

    The record's row is locked first, so "Approve all" clicked twice (or by two managers at
    once) signs off once and tells the owners once; the repeat is refused as AlreadyDone.
    """
    lock_record(record)
    remaining = record.entries_awaiting_decision
    if not remaining or not record.is_submitted:
        raise AlreadyDone(
            "There are no entries awaiting a decision: the record is "
            f"{record.state.label.lower()}.",
            record_page(record),
        )
    for entry in remaining:
        _check_decision(entry, manager, session)
        _approve(entry, manager, session, record)
    if not _settle(record, manager):
        notify(
            record.owners,
            f"{record.name}: entries were approved",
            f"{manager.name} approved {plural(len(remaining), 'entry', 'entries')} in supervision.",
            record_address(record),
        )
    db.session.flush()
    return len(remaining)


def return_entry(entry: Entry, manager: User, session: SupervisionSession, comment: str) -> None:
    """Return one entry to its owners with a comment saying what to change."""
    lock_record(entry.record)
    comment = normalise_text(comment).strip()
    if entry.approval is Approval.RETURNED and entry.return_comment == comment:
        raise AlreadyDone(f"{entry.title} has already been returned with this comment.")
    record = _check_decision(entry, manager, session)
    if not comment:
        raise ActionRefused("Write a comment saying what should change before returning it.")
    entry.approval = Approval.RETURNED
    entry.return_comment = comment
    entry.decided_at = utcnow()
    entry.decided_by = manager
    _note_decision(session, entry, Decision.RETURNED, comment)
    record_event(
        record,
        manager,
        "returned",
        f"Returned {entry.title} with a comment{_acting_note(manager, record)}",
        entry=entry,
        changes={"comment": {"from": "", "to": comment}},
    )
    _settle(record, manager)
    db.session.flush()


def _settle(record: Record, manager: User) -> bool:
    """After a decision: sign off when all is approved, hand back when all is decided.

    Returns True when the owners were told of the outcome here.
    """
    if record.entries_awaiting_decision:
        return False
    if record.returned_entries:
        record.move(Transition.RETURN)
        record_event(record, manager, "returned_record", "Returned to its owners for changes")
        count = len(record.returned_entries)
        notify(
            record.owners,
            f"{record.name}: returned with comments",
            f"{manager.name} returned {plural(count, 'entry', 'entries')} with comments. "
            "Read the comments beside the entries, make your changes and submit the record again.",
            record_address(record),
        )
        return True
    if record.in_review_stage:
        _complete_cycle(record, manager)
    else:
        _sign_off(record, manager)
    return True


def _complete_cycle(record: Record, manager: User) -> None:
    """The review is signed off: the cycle is complete and the record locked for good."""
    record.move(Transition.SIGN_OFF)
    record.completed_at = utcnow()
    record.completed_by = manager
    record_event(
        record,
        manager,
        "completed",
        f"Signed off the six-month review{_acting_note(manager, record)}: the cycle is complete",
    )
    notify(
        record.owners,
        f"{record.name}: six-month review signed off",
        f"{manager.name} signed off the six-month review. The cycle is complete: you can start "
        "the next one, carrying forward the pledges you choose.",
        record_address(record),
    )
    log.info("record %s: cycle completed by user %s", record.id, manager.id)


def _sign_off(record: Record, manager: User) -> None:
    record.move(Transition.SIGN_OFF)
    record.signed_off_at = utcnow()
    record.signed_off_by = manager
    months = current_app.config["REVIEW_INTERVAL_MONTHS"]
    record.review_due_on = review_due_on(today_in_london(), months)
    screen_shared_text(record)  # before the good-practice library may show anything of it
    record_event(
        record,
        manager,
        "signed_off",
        f"Signed off{_acting_note(manager, record)}: the review is due on "
        f"{long_date(record.review_due_on)}",
    )
    notify(
        record.owners,
        f"{record.name}: signed off",
        f"{manager.name} signed off the record. Its six-month review is due on "
        f"{long_date(record.review_due_on)}.",
        record_address(record),
    )
    log.info("record %s signed off by user %s", record.id, manager.id)
