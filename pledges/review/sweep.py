"""The review sweep: for a given date, send each review prompt that is owed, exactly once.

Prompts: a heads-up two weeks before the review is due, "your review is open" on the due date,
and "overdue" four weeks after it to the owners and their line manager. The database decides
what is owed, so the sweep can run for any date, twice, or in two processes at once: each prompt
is claimed by inserting a unique row before anything is sent. A sweep after days of downtime
sends the latest prompt that is owed and records the staler ones as not sent.

The cost follows what is owed, not the county's history: one query selects the prompts owed and
not yet recorded (an anti-join with the prompts already claimed), and they are claimed in bulk
with `INSERT … ON CONFLICT DO NOTHING`, which keeps only what this sweep won (a second sweep
racing this one gets the rest, and the database logs no error for either).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from core.clock import utcnow
from core.database import db
from core.formatting import long_date
from core.links import path_of
from core.mail import OutgoingEmail, queue_emails
from core.notifications import Notification, email_body
from people.models import EmailChoice, Team, TeamMembership, User
from pledges.models import Entry, Evidence, PromptKind, Record, RecordState, ReviewPrompt

log = logging.getLogger(__name__)

HEADS_UP_BEFORE = timedelta(days=14)
OVERDUE_AFTER = timedelta(days=28)
# Prompts claimed, told and committed together: memory stays flat however many are owed, and
# each batch's emails go out when it commits.
BATCH_SIZE = 2000


@dataclass(frozen=True)
class SentPrompt:
    record_id: int
    record_name: str
    kind: PromptKind
    recipient: str


@dataclass(frozen=True)
class OwedPrompt:
    """A prompt owed to one person and not yet recorded, with what its message needs."""

    record_id: int
    review_due_on: date
    kind: PromptKind
    recipient_id: int
    # False: a prompt made stale while the sweep was not running, recorded but never sent.
    is_to_send: bool
    record_name: str
    record_cycle: int
    is_team_record: bool
    is_to_signing_manager: bool
    recipient_name: str
    recipient_email: str
    recipient_email_choice: EmailChoice

    @property
    def key(self) -> tuple:
        """The prompt's unique key, as the `review_prompts` constraint has it."""
        return (self.record_id, self.review_due_on, self.kind, self.recipient_id)


def owed_query(as_of: date, limit: int | None) -> sa.Select:
    """Prompts owed on `as_of` that no sweep has recorded yet (at most `limit` of them).

    For each record whose cycle is open: its latest prompt whose date has come (to its active
    owners, and for "overdue" to its signing manager too), and each earlier prompt to its owners
    as stale. None once the review is handed in; no heads-up or "open" once it is under way.

    One branch per kind of prompt and kind of recipient, each a plain join anti-joined with the
    prompts already recorded (a probe of their unique index), so the planner estimates each well.
    """
    overdue_by = as_of - OVERDUE_AFTER  # due on or before this: the overdue prompt is owed
    heads_up_by = as_of + HEADS_UP_BEFORE  # due on or before this: the heads-up is owed
    due = Record.review_due_on
    open_cycle = (
        # The predicate of the partial index ix_records_review_pending, then the window.
        due.is_not(None),
        Record.state != RecordState.COMPLETE,
        due <= heads_up_by,
        # In review, only "overdue" can still be owed, and not once the review is handed in.
        sa.or_(
            Record.state == RecordState.SIGNED_OFF,
            sa.and_(
                due <= overdue_by,
                Record.state.in_([RecordState.REVIEW_OPEN, RecordState.REVIEW_RETURNED]),
            ),
        ),
    )

    def branch(kind, is_to_send, recipient_id, is_to_manager, joins) -> sa.Select:
        recipient = aliased(User)
        query = sa.select(  # the fields of OwedPrompt, in order
            Record.id,
            due,
            sa.literal(kind, ReviewPrompt.kind.type),
            recipient_id,
            sa.type_coerce(is_to_send, sa.Boolean),
            Record.name,
            Record.cycle,
            Record.team_id.is_not(None),
            sa.type_coerce(is_to_manager, sa.Boolean),
            recipient.name,
            recipient.email,
            recipient.email_choice,
        ).select_from(Record)
        for target, on in joins:
            query = query.join(target, on)
        already_recorded = (
            sa.select(ReviewPrompt.id)
            .where(
                ReviewPrompt.record_id == Record.id,
                ReviewPrompt.review_due_on == due,
                ReviewPrompt.kind == kind,
                ReviewPrompt.recipient_id == recipient_id,
            )
            .exists()
        )
        return query.join(recipient, recipient.id == recipient_id).where(
            *open_cycle,
            # Leavers (deactivated accounts) are not told: nobody reads their mail for them.
            recipient.is_active_account,
            ~already_recorded,
        )

    owner = aliased(User)
    member = aliased(TeamMembership)
    team = aliased(Team)
    # (recipient, is the record's signing manager, joins): its owner, or each team member.
    owners = [
        (Record.owner_id, sa.false(), []),
        (
            member.user_id,
            sa.func.coalesce(member.user_id == team.manager_id, False),
            [(member, member.team_id == Record.team_id), (team, team.id == Record.team_id)],
        ),
    ]
    managers = [
        (owner.line_manager_id, sa.true(), [(owner, owner.id == Record.owner_id)]),
        (team.manager_id, sa.true(), [(team, team.id == Record.team_id)]),
    ]
    branches = []
    for recipient_id, is_to_manager, joins in owners:
        branches += [
            branch(PromptKind.HEADS_UP, due > as_of, recipient_id, is_to_manager, joins),
            branch(PromptKind.OPEN, due > overdue_by, recipient_id, is_to_manager, joins).where(
                due <= as_of
            ),
            branch(PromptKind.OVERDUE, sa.true(), recipient_id, is_to_manager, joins).where(
                due <= overdue_by
            ),
        ]
    for recipient_id, is_to_manager, joins in managers:
        branches.append(
            branch(PromptKind.OVERDUE, sa.true(), recipient_id, is_to_manager, joins).where(
                due <= overdue_by
            )
        )
    return sa.union_all(*branches).limit(limit)


def owed_prompts(query: sa.Select) -> list[OwedPrompt]:
    """The prompts `query` (from `owed_query`) finds owed and not yet recorded, each once."""
    found = {}
    for row in db.session.execute(query):
        prompt = OwedPrompt(*row)
        # A manager who is also a team member is owed "overdue" once, as the manager.
        found[prompt.key] = prompt
    return list(found.values())


def insert_many(
    table: sa.Table,
    columns: dict[str, list],
    same_for_all: dict[str, object],
    *,
    skip_conflicts_on: list[str] | None = None,
    returning: tuple = (),
) -> sa.CursorResult:
    """Insert many rows in one statement, with `INSERT … ON CONFLICT DO NOTHING` if asked.

    On PostgreSQL the rows travel as one array a column, unnested: a short statement the driver
    prepares once, where a VALUES list of thousands of rows costs more to build and parse than
    to insert. Elsewhere (SQLite), a VALUES list. Rows go in in the order given.
    """
    names = list(columns)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        arrays = [
            sa.cast(
                sa.bindparam(f"{name}_values", values, type_=postgresql.ARRAY(table.c[name].type)),
                postgresql.ARRAY(table.c[name].type),
            )
            for name, values in columns.items()
        ]
        rows = sa.func.unnest(*arrays).table_valued(*names).render_derived()
        constants = [
            sa.cast(sa.literal(value, table.c[name].type), table.c[name].type)
            for name, value in same_for_all.items()
        ]
        source = sa.select(*(rows.c[name] for name in names), *constants)
        statement = postgresql.insert(table).from_select([*names, *same_for_all], source)
        parameters = None
    else:
        statement = sqlite.insert(table)
        parameters = [
            {**dict(zip(names, row, strict=True)), **same_for_all}
            for row in zip(*columns.values(), strict=True)
        ]
    if skip_conflicts_on:
        statement = statement.on_conflict_do_nothing(index_elements=skip_conflicts_on)
    if returning:
        statement = statement.returning(*returning)
    return db.session.execute(statement, parameters)


def claim_prompts(owed: list[OwedPrompt], as_of: date) -> list[OwedPrompt]:
    """Record `owed` in one statement; return those this sweep claimed (not another sweep).

    Rows go in key order, so two sweeps claiming overlapping batches wait on each other in
    the same order and never deadlock.
    """
    if not owed:
        return []
    table = ReviewPrompt.__table__
    key = ["record_id", "review_due_on", "kind", "recipient_id"]
    in_order = sorted(owed, key=_key_order)
    result = insert_many(
        table,
        {
            "record_id": [prompt.record_id for prompt in in_order],
            "review_due_on": [prompt.review_due_on for prompt in in_order],
            "kind": [prompt.kind for prompt in in_order],
            "recipient_id": [prompt.recipient_id for prompt in in_order],
            "was_sent": [prompt.is_to_send for prompt in in_order],
        },
        {"swept_for": as_of, "created_at": utcnow()},
        skip_conflicts_on=key,
        returning=tuple(table.c[name] for name in key),
    )
    claimed = {tuple(row) for row in result}
    return [prompt for prompt in owed if prompt.key in claimed]


def _key_order(prompt: OwedPrompt) -> tuple:
    return (prompt.record_id, prompt.review_due_on, prompt.kind.value, prompt.recipient_id)


def pledges_without_evidence(record_ids: set[int]) -> dict[int, int]:
    """For each record, how many of its pledges have no evidence logged yet (one query)."""
    if not record_ids:
        return {}
    has_evidence = sa.select(Evidence.id).where(Evidence.entry_id == Entry.id).exists()
    rows = db.session.execute(
        sa.select(Entry.record_id, sa.func.count(Entry.id))
        .where(
            Entry.record_id.in_(record_ids),
            Entry.has_pledge,
            ~has_evidence,
        )
        .group_by(Entry.record_id)
    )
    return dict(rows.all())


def _evidence_still_missing(count: int) -> str:
    if not count:
        return " Every pledge has evidence noted already."
    pledges = "1 pledge has" if count == 1 else f"{count} pledges have"
    return f" {pledges} no evidence yet."


def _message(prompt: OwedPrompt, without_evidence: int = 0) -> tuple[str, str]:
    due = long_date(prompt.review_due_on)
    whose = "the team's" if prompt.is_team_record else "your"
    record = f"{prompt.record_name}, cycle {prompt.record_cycle}"
    if prompt.kind is PromptKind.HEADS_UP:
        return (
            f"{record}: six-month review due on {due}",
            f"The six-month review of {whose} practice improvement pledges ({record}) is due on "
            f"{due}. It opens that day: meanwhile, note evidence of how practice has changed and "
            "where it came from (self, service users, your manager, colleagues) in the evidence "
            "log." + _evidence_still_missing(without_evidence),
        )
    if prompt.kind is PromptKind.OPEN:
        return (
            f"{record}: six-month review open",
            f"The six-month review of {whose} pledges ({record}) is open (due {due}). For each "
            "pledge, add evidence of improved practice, say where it came from, and judge the "
            "change." + _evidence_still_missing(without_evidence),
        )
    if prompt.is_to_signing_manager:
        return (
            f"{record}: six-month review overdue",
            f"The six-month review of {record} was due on {due} and is now four weeks overdue.",
        )
    return (
        f"{record}: six-month review overdue",
        f"The six-month review of {whose} pledges ({record}) was due on {due} and is now four "
        "weeks overdue. Please complete it with your line manager.",
    )


def tell_recipients(prompts: list[OwedPrompt]) -> None:
    """Each prompt as a notification in the app (inserted in bulk) and an email (sent when the
    transaction commits). The one place the sweep tells anyone anything."""
    if not prompts:
        return
    without_evidence = pledges_without_evidence(
        {p.record_id for p in prompts if p.kind in (PromptKind.HEADS_UP, PromptKind.OPEN)}
    )
    messages, links, emails = [], [], []
    for prompt in prompts:
        subject, message = _message(prompt, without_evidence.get(prompt.record_id, 0))
        address = url_for("pledges.view_record", record_id=prompt.record_id, _external=True)
        messages.append(message)
        links.append(path_of(address))
        if prompt.recipient_email_choice is EmailChoice.DAILY_DIGEST:
            continue  # in the app now, and in their daily digest
        body = email_body(prompt.recipient_name, message, address)
        emails.append(OutgoingEmail(to=prompt.recipient_email, subject=subject, body=body))
    queue_emails(db.session, emails)
    insert_many(
        Notification.__table__,
        {
            "user_id": [prompt.recipient_id for prompt in prompts],
            "message": messages,
            "link": links,
        },
        {"created_at": utcnow()},
    )


def sweep_review_prompts(as_of: date, batch_size: int = BATCH_SIZE) -> list[SentPrompt]:
    """Send every review prompt owed on `as_of` that has not been claimed yet.

    Claims, notifications and emails are committed a batch at a time; a batch another sweep
    claimed first is skipped, so the loop ends when nothing owed is left unrecorded.
    """
    sent: list[SentPrompt] = []
    query = owed_query(as_of, batch_size)
    while True:
        owed = owed_prompts(query)
        claimed = claim_prompts(owed, as_of)
        to_send = [prompt for prompt in claimed if prompt.is_to_send]
        tell_recipients(to_send)
        db.session.commit()
        sent.extend(
            SentPrompt(p.record_id, p.record_name, p.kind, p.recipient_email) for p in to_send
        )
        if not owed:
            break
    log.info("review sweep for %s sent %d prompt(s)", as_of.isoformat(), len(sent))
    return sorted(sent, key=lambda p: (p.record_id, list(PromptKind).index(p.kind), p.recipient))


def prompts_owed(as_of: date) -> tuple[list[SentPrompt], int]:
    """What a sweep on `as_of` would send now, and how many stale prompts it would record
    unsent; it records and sends nothing (`flask reviews sweep --dry-run`)."""
    owed = owed_prompts(owed_query(as_of, None))
    to_send = [
        SentPrompt(p.record_id, p.record_name, p.kind, p.recipient_email)
        for p in owed
        if p.is_to_send
    ]
    order = list(PromptKind)
    to_send.sort(key=lambda p: (p.record_id, order.index(p.kind), p.recipient))
    return to_send, len(owed) - len(to_send)
