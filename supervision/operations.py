"""Supervision: holding a session, approving or returning entries, and signing a stage off.

Operations flush and leave the commit to the caller. Each refusal says why in words for users.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from core.clock import today_in_london, utcnow
from core.database import db
from core.errors import ActionRefused, AlreadyDone
from core.formatting import long_date
from core.history import field_changes
from core.locks import lock_row
from core.notifications import notify
from people.models import Team, User
from pledges.decisions import decision_text
from pledges.history import record_event
from pledges.links import record_address, record_page
from pledges.models import Approval, Entry, Evidence, EvidenceSource, Record, Transition
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

    Approving it again (a second click) changes nothing and says so (AlreadyDone). The owners
    hear of it in the session's one message (`tell_owners_of_session`), not entry by entry.
    """
    lock_record(entry.record)
    if entry.approval is Approval.APPROVED:
        raise AlreadyDone(f"{entry.title} is already approved.", record_page(entry.record))
    record = _check_decision(entry, manager, session)
    _approve(entry, manager, session, record)
    _settle(record, manager)
    db.session.flush()


def _approve(entry, manager, session, record) -> None:
    entry.approval = Approval.APPROVED
    entry.return_comment = ""
    _clear_reply(entry)
    entry.decided_at = utcnow()
    entry.decided_by = manager
    entry.text_at_decision = decision_text(entry)
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
    _settle(record, manager)
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
    _clear_reply(entry)
    entry.decided_at = utcnow()
    entry.decided_by = manager
    entry.text_at_decision = decision_text(entry)
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


def _settle(record: Record, manager: User) -> None:
    """After a decision: sign off when all is approved, hand back when all is decided. The
    owners hear of the outcome in the session's message."""
    if record.entries_awaiting_decision:
        return
    if record.returned_entries:
        record.move(Transition.RETURN)
        record_event(record, manager, "returned_record", "Returned to its owners for changes")
    elif record.in_review_stage:
        _complete_cycle(record, manager)
    else:
        _sign_off(record, manager)


def _clear_reply(entry: Entry) -> None:
    entry.reply_to_return = ""
    entry.replied_at = None
    entry.replied_by = None


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
    log.info("record %s signed off by user %s", record.id, manager.id)


def add_manager_report(
    entry: Entry,
    manager: User,
    session: SupervisionSession,
    *,
    description: str,
    occurred_on: date | None = None,
) -> Evidence:
    """The manager notes, in the session, evidence of their own for a pledge under review: a
    manager report (MR), recorded as theirs. Refused outside a submitted review they may sign
    off."""
    lock_record(entry.record)
    record = _check_decision(entry, manager, session)
    if not record.in_review_stage or not entry.has_pledge:
        raise ActionRefused("Manager reports are added to the six-month review of a pledge.")
    description = normalise_text(description).strip()
    if not description:
        raise ActionRefused("Describe what you have seen of this practice, and when.")
    item = Evidence(
        entry=entry,
        description=description,
        occurred_on=occurred_on,
        created_by=manager,
        **{EvidenceSource.MANAGER.column: True},
    )
    db.session.add(item)
    db.session.flush()
    record_event(
        record,
        manager,
        "evidence_added",
        f"Added a manager report (MR) to {entry.title} in supervision"
        f"{_acting_note(manager, record)}",
        entry=entry,
        changes=field_changes(
            {},
            {
                "evidence": description,
                "when": occurred_on.isoformat() if occurred_on else "",
                "sources": EvidenceSource.MANAGER.value,
            },
        ),
    )
    log.info("manager report %s added by user %s in session %s", item.id, manager.id, session.id)
    return item


# A session left with decisions not yet told (the manager closed the page instead of
# finishing) is told this long after its last decision.
IDLE_BEFORE_TELLING = timedelta(minutes=30)


def _outcome_sentence(record: Record) -> str:
    if record.is_complete:
        return (
            "The six-month review is signed off and the cycle is complete: you can start the next "
            "one, carrying forward the pledges you choose."
        )
    if record.is_signed_off and not record.in_review_stage:
        return (
            f"The record is signed off. Its six-month review is due on "
            f"{long_date(record.review_due_on)}: meanwhile, note evidence in its evidence log."
        )
    if record.is_returned:
        return (
            "Read each comment at the top of the page where you change that entry, reply if you "
            "wish, make your changes and submit again."
        )
    return "The rest is still to be decided."


def _session_message(session: SupervisionSession, record: Record, decisions: list) -> str:
    latest = {}
    for decision in decisions:  # in order: a later decision on an entry replaces an earlier
        latest[decision.entry_id] = decision
    approved = [d for d in latest.values() if d.decision is Decision.APPROVED]
    returned = [d for d in latest.values() if d.decision is Decision.RETURNED]
    what = "six-month review" if record.in_review_stage else "record"
    parts = [
        f"{session.supervisor.name} went through the {what} of {record.label} in supervision "
        f"on {long_date(session.held_on)}: {len(approved)} approved, {len(returned)} returned."
    ]
    if returned:
        parts.append(
            "Returned: "
            + "; ".join(f"“{d.entry_title}”, because: {d.comment}" for d in returned)
            + "."
        )
    parts.append(_outcome_sentence(record))
    return " ".join(parts)


def tell_owners_of_session(session: SupervisionSession) -> int:
    """Tell each owner, in one message per record, the decisions of this session not yet told:
    which record, how many approved, which returned and why, and where the record now stands.

    Claims the decisions with one conditional UPDATE first, so finishing twice (or the idle
    job and the manager at once) tells once. Returns how many records' owners were told.
    """
    untold = [d for d in session.decisions if d.told_at is None]
    if not untold:
        return 0
    now = utcnow()
    claimed = db.session.execute(
        sa.update(EntryDecision)
        .where(EntryDecision.id.in_([d.id for d in untold]), EntryDecision.told_at.is_(None))
        .values(told_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != len(untold):
        raise AlreadyDone("The decisions of this session have already been sent.")
    by_record: dict[int, list] = defaultdict(list)
    records = {}
    for decision in untold:
        decision.told_at = now
        if decision.entry is None:  # removed since (an added finding): nothing to tell
            continue
        records[decision.entry.record_id] = decision.entry.record
        by_record[decision.entry.record_id].append(decision)
    for record_id, decisions in by_record.items():
        record = records[record_id]
        notify(
            record.owners,
            f"{record.label}: decisions in supervision on {long_date(session.held_on)}",
            _session_message(session, record, decisions),
            record_address(record),
        )
    db.session.flush()
    log.info("session %s: owners of %d record(s) told", session.id, len(by_record))
    return len(by_record)


def finish_session(session: SupervisionSession, manager: User) -> int:
    """The manager has finished: the owners are told what was decided (see
    `tell_owners_of_session`). Nothing left to tell is AlreadyDone."""
    if not can_run_session(manager, session):
        raise ActionRefused("Only the supervisor finishes the session.")
    told = tell_owners_of_session(session)
    if not told:
        raise AlreadyDone("Everyone had already been told of this session's decisions.")
    return told


def tell_idle_sessions(now: datetime) -> int:
    """Sessions whose manager left without finishing: once their last decision is
    IDLE_BEFORE_TELLING old, tell the owners as `finish_session` would. Returns how many
    sessions were told; each is committed on its own."""
    idle = (
        sa.select(EntryDecision.session_id)
        .where(EntryDecision.told_at.is_(None))
        .group_by(EntryDecision.session_id)
        .having(sa.func.max(EntryDecision.decided_at) <= now - IDLE_BEFORE_TELLING)
    )
    told = 0
    for session_id in db.session.scalars(idle).all():
        session = db.session.get(SupervisionSession, session_id)
        try:
            told += 1 if tell_owners_of_session(session) else 0
        except AlreadyDone:
            db.session.rollback()
            continue
        db.session.commit()
    return told
