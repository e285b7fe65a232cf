"""The review sweep: for a given date, send each review prompt that is owed, exactly once.

Prompts: a heads-up two weeks before the review is due, "your review is open" on the due date,
and "overdue" four weeks after it to the owners and their line manager. The database decides
what is owed, so the sweep can run for any date, twice, or in two processes at once: each prompt
is claimed by inserting a unique row before anything is sent. A sweep after days of downtime
sends the latest prompt that is owed and records the staler ones as not sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from core.database import db
from core.formatting import long_date
from core.notifications import notify
from people.models import Team, TeamMembership, User
from pledges.models import PromptKind, Record, RecordStatus, ReviewPrompt

log = logging.getLogger(__name__)

HEADS_UP_BEFORE = timedelta(days=14)
OVERDUE_AFTER = timedelta(days=28)


def prompt_date(kind: PromptKind, due_on: date) -> date:
    return {
        PromptKind.HEADS_UP: due_on - HEADS_UP_BEFORE,
        PromptKind.OPEN: due_on,
        PromptKind.OVERDUE: due_on + OVERDUE_AFTER,
    }[kind]


@dataclass(frozen=True)
class SentPrompt:
    record_id: int
    record_name: str
    kind: PromptKind
    recipient: str


def review_is_handed_in(record: Record) -> bool:
    """Submitted or finished: nothing is overdue any more."""
    return record.in_review_stage and record.status in (
        RecordStatus.SUBMITTED,
        RecordStatus.COMPLETE,
    )


def latest_kind_owed(record: Record, as_of: date) -> PromptKind | None:
    """The newest prompt whose date has come, or None if none applies to this record."""
    if record.review_due_on is None or record.is_complete:
        return None
    owed = [kind for kind in PromptKind if prompt_date(kind, record.review_due_on) <= as_of]
    if not owed:
        return None
    latest = owed[-1]
    if latest is PromptKind.OVERDUE and review_is_handed_in(record):
        return None
    if latest is not PromptKind.OVERDUE and record.in_review_stage:
        return None  # the review is already under way: no need to announce it
    return latest


def recipients(record: Record, kind: PromptKind) -> list[User]:
    people = [person for person in record.owners if person.is_active]
    if kind is PromptKind.OVERDUE and record.signing_manager is not None:
        people.append(record.signing_manager)
    return people


def _message(record: Record, kind: PromptKind, person: User) -> tuple[str, str]:
    due = long_date(record.review_due_on)
    whose = "the team's" if record.is_team_record else "your"
    if kind is PromptKind.HEADS_UP:
        return (
            f"Your six-month review is due on {due}",
            f"The six-month review of {whose} practice improvement pledges is due on {due}. "
            "It opens that day: meanwhile, note evidence of how practice has changed and where it "
            "came from (self, service users, your manager, colleagues).",
        )
    if kind is PromptKind.OPEN:
        return (
            "Your six-month review is open",
            f"The six-month review of {whose} pledges is open (due {due}). For each pledge, add "
            "evidence of improved practice, say where it came from, and judge the change.",
        )
    if record.signing_manager is not None and person.id == record.signing_manager.id:
        return (
            f"{record.name}: six-month review overdue",
            f"The six-month review of {record.name}'s pledges was due on {due} and is now four "
            "weeks overdue.",
        )
    return (
        "Your six-month review is overdue",
        f"The six-month review of {whose} pledges was due on {due} and is now four weeks "
        "overdue. Please complete it with your line manager.",
    )


def _claim(record: Record, kind: PromptKind, person: User, as_of: date, *, sent: bool) -> bool:
    """Insert the prompt's row; False if another sweep (or an earlier one) already has it."""
    try:
        with db.session.begin_nested():
            db.session.add(
                ReviewPrompt(
                    record_id=record.id,
                    review_due_on=record.review_due_on,
                    kind=kind,
                    recipient_id=person.id,
                    was_sent=sent,
                    swept_for=as_of,
                )
            )
    except IntegrityError:
        return False
    return True


def records_to_consider(as_of: date) -> list[Record]:
    """Records whose earliest prompt date has come and whose cycle is not finished."""
    return list(
        db.session.scalars(
            sa.select(Record)
            .where(
                Record.review_due_on.is_not(None),
                Record.review_due_on <= as_of + HEADS_UP_BEFORE,
                Record.status != RecordStatus.COMPLETE,
            )
            .order_by(Record.review_due_on, Record.id)
            .options(
                selectinload(Record.owner).selectinload(User.line_manager),
                selectinload(Record.team)
                .selectinload(Team.memberships)
                .selectinload(TeamMembership.user),
                selectinload(Record.team).selectinload(Team.manager),
            )
        )
    )


def sweep_review_prompts(as_of: date) -> list[SentPrompt]:
    """Send every review prompt owed on `as_of` that has not been claimed yet; commit each."""
    sent: list[SentPrompt] = []
    for record in records_to_consider(as_of):
        kind = latest_kind_owed(record, as_of)
        if kind is None:
            continue
        for earlier in list(PromptKind)[: list(PromptKind).index(kind)]:
            # Missed while the sweep was not running and stale now: recorded, never sent.
            for person in recipients(record, earlier):
                _claim(record, earlier, person, as_of, sent=False)
        for person in recipients(record, kind):
            if _claim(record, kind, person, as_of, sent=True):
                subject, message = _message(record, kind, person)
                notify([person], subject, message, record.path)
                sent.append(SentPrompt(record.id, record.name, kind, person.email))
        db.session.commit()  # one record at a time: short locks, and its emails go out now
    log.info("review sweep for %s sent %d prompt(s)", as_of.isoformat(), len(sent))
    return sent
