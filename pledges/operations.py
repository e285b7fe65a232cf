"""Every change to a record in stage 1: starting it, saving entries, adding findings, submitting.

Operations take objects, never the request; they flush and leave the commit to the caller.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Required, TypedDict, Unpack

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.clock import utcnow
from core.database import db
from core.errors import ActionRefused, AlreadyDone
from core.history import field_changes
from core.locks import lock_row
from core.notifications import notify
from people.models import Team, User
from pledges.framework import current_framework
from pledges.history import record_event
from pledges.links import record_address, record_page
from pledges.merge import merge_fields
from pledges.models import (
    ENTRY_TEXT_FIELDS,
    Approval,
    Entry,
    EntryAddendum,
    FrameworkVersion,
    Record,
    RecordSnapshot,
    Sharing,
    Transition,
)
from pledges.personal_data import find_in_text, personal_data_findings
from pledges.review.rules import review_problems
from pledges.wording import ENTRY_FIELD_SHORT_NAMES

log = logging.getLogger(__name__)

FINDING_FIELDS = ("finding_title", "finding_source")
# Added findings come after the framework's points, in the order they were added.
FIRST_FINDING_POSITION = 1000


def normalise_text(value: str | None) -> str:
    """Text as typed, with browsers' CRLF line endings made plain so equal texts compare equal."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


def lock_owner(person: User, team: Team | None = None) -> None:
    """Lock the row of whoever owns the records about to be started (the team, or the person),
    so that two requests at once cannot both start one."""
    if team is not None:
        lock_row(team)
    else:
        lock_row(person)


def lock_record(record: Record) -> None:
    """Lock a record's row before a change of its state (submit, decide, sign off, reopen), so a
    second request at once waits and then sees the first one's outcome."""
    lock_row(record)


def existing_record(*, owner: User | None = None, team: Team | None = None) -> Record | None:
    """The most recent record of a person (their own) or of a team."""
    query = sa.select(Record).order_by(Record.cycle.desc()).limit(1)
    if team is not None:
        query = query.where(Record.team_id == team.id)
    else:
        query = query.where(Record.owner_id == owner.id)
    return db.session.scalar(query)


def start_record(
    by: User, *, team: Team | None = None, framework: FrameworkVersion | None = None
) -> Record:
    """Start a draft record for `by`, or for `team` when given, with one entry per key point.

    Refuses a team `by` is not a member of, a second record for the same owner (AlreadyDone:
    a second click, or a teammate first, finds the record started), and starting when no
    framework has been published.
    """
    lock_owner(by, team)
    if team is not None and not team.has_member(by):
        raise ActionRefused(f"You are not a member of {team.name}, so you cannot start its record.")
    already = existing_record(owner=by, team=team)
    if already is not None and not already.is_complete:
        whose = f"{team.name} already has" if team else "You already have"
        raise AlreadyDone(f"{whose} a record for this cycle. Here it is.", record_page(already))
    framework = framework or current_framework()
    if framework is None:
        raise ActionRefused("No framework has been published yet. Ask your administrator.")
    record = Record(
        cycle=already.cycle + 1 if already else 1,
        framework_version=framework,
        owner=None if team else by,
        team=team,
        name=team.name if team else by.name,
        work_base_address=by.work_base_address,
        telephone=by.telephone,
        email=by.email,
        created_by=by,
    )
    record.entries = [
        Entry(key_point=point, position=position, updated_by=by)
        for position, point in enumerate(framework.key_points, start=1)
    ]
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:
        # Where rows cannot be locked (SQLite), a start at the same moment meets the unique
        # (owner, cycle) or (team, cycle) instead; the transaction held nothing else.
        db.session.rollback()
        already = existing_record(owner=by, team=team)
        if already is None:
            raise
        raise AlreadyDone(
            "This record has just been started. Here it is.", record_page(already)
        ) from None
    record_event(record, by, "started", "Started the record")
    log.info("record %s started by user %s", record.id, by.id)
    return record


def _require_editable(record: Record) -> None:
    if not record.is_editable:
        raise ActionRefused(
            f"This record is {record.state.label.lower()}, so it cannot be changed now."
        )


def _require_stage_one_editable(record: Record) -> None:
    """Stage 1 text can change while drafting or returned, never once signed off."""
    if record.in_review_stage:
        raise ActionRefused(
            "The pledges were signed off, so they cannot be changed now. Add an addendum instead."
        )
    _require_editable(record)


@dataclass
class FieldConflict:
    """Someone else saved different text in this field since the editor loaded it."""

    field: str
    mine: str
    theirs: str
    saved_by: User | None
    saved_at: datetime


@dataclass
class SaveOutcome:
    changed_fields: list[str] = field(default_factory=list)
    conflicts: dict[str, FieldConflict] = field(default_factory=dict)

    @property
    def has_conflicts(self) -> bool:
        return bool(self.conflicts)


def _editable_fields(entry: Entry) -> tuple[str, ...]:
    return ENTRY_TEXT_FIELDS + FINDING_FIELDS if entry.is_added_finding else ENTRY_TEXT_FIELDS


class EditorsPage(TypedDict, total=False):
    """What the editor's page was loaded with, sent back with their save: `base_revision`, the
    entry's revision then; `originals`, the texts it showed them; `keep_theirs`, fields where
    they chose the text saved since."""

    base_revision: Required[int]
    originals: dict[str, str] | None
    keep_theirs: set[str] | frozenset[str]


def save_entry(
    entry: Entry, by: User, submitted: dict[str, str], **page: Unpack[EditorsPage]
) -> SaveOutcome:
    """Save what an editor typed into an entry's stage 1 columns, never overwriting silently.

    When someone else has saved since the editor's `page` was loaded, a field only one of them
    changed takes that change; a field both changed differently is left as saved and reported
    as a conflict, with both texts, for the editor to choose (or kept as saved where `page`
    says they chose so). Fields missing from `submitted` (for example, invalid ones) are left
    alone.
    """
    _require_stage_one_editable(entry.record)
    return merge_and_save(entry, by, _editable_fields(entry), submitted, **page)


# Saves that lost the race to another writer are merged again with what that writer saved; a
# page hammered by more writers than this at once is refused with nothing lost.
SAVE_ATTEMPTS = 5


def merge_and_save(
    entry: Entry,
    by: User,
    fields: tuple[str, ...],
    submitted: dict[str, str],
    **page: Unpack[EditorsPage],
) -> SaveOutcome:
    """The merge behind every entry save (stage 1 columns, or the review's own fields).

    The database decides who saved first: `Entry.revision` is SQLAlchemy's version counter, so
    the UPDATE only happens `WHERE revision = <the revision read>`. When another writer got
    there first, the savepoint is rolled back, their text is read and merged again.
    """
    for _ in range(SAVE_ATTEMPTS):
        try:
            with db.session.begin_nested():
                return _merge_once(entry, by, fields, submitted, page)
        except StaleDataError:
            db.session.refresh(entry)
            log.info("entry %s: saved by someone else meanwhile; merging again", entry.id)
    raise ActionRefused("Others are saving this point at the same moment. Save again.")


def _merge_once(
    entry: Entry, by: User, fields: tuple[str, ...], submitted: dict[str, str], page: EditorsPage
) -> SaveOutcome:
    before = {name: getattr(entry, name) for name in fields}
    if page["base_revision"] == entry.revision:
        base = dict(before)  # nobody saved since the page was loaded
    else:
        originals = page.get("originals") or {}
        base = {name: normalise_text(text) for name, text in originals.items()}
    mine = {name: normalise_text(submitted[name]) for name in fields if name in submitted}
    merge = merge_fields(base, before, mine, keep_theirs=page.get("keep_theirs", frozenset()))
    after = merge.values
    outcome = SaveOutcome()
    for name in merge.conflicts:
        outcome.conflicts[name] = FieldConflict(
            field=name,
            mine=mine[name],
            theirs=before[name],
            saved_by=entry.updated_by,
            saved_at=entry.updated_at,
        )
    if "finding_title" in after and not after["finding_title"].strip():
        after["finding_title"] = before["finding_title"]
    changes = field_changes(before, after)
    if changes:
        for name, change in changes.items():
            setattr(entry, name, change["to"])
        entry.updated_at = utcnow()
        entry.updated_by = by
        if entry.approval is Approval.APPROVED:
            # Changed after approval: the manager decides on the new text.
            entry.approval = Approval.UNDECIDED
        db.session.flush()  # the conditional UPDATE: StaleDataError if someone saved first
        outcome.changed_fields = list(changes)
        names = ", ".join(ENTRY_FIELD_SHORT_NAMES[name].lower() for name in changes)
        record_event(
            entry.record, by, "saved", f"Saved {entry.title}: {names}", entry=entry, changes=changes
        )
        db.session.flush()
    return outcome


def add_finding(record: Record, by: User, *, title: str, source: str = "") -> Entry:
    """Add a finding of the owners' own (the paper's a) … e), 'adding more if necessary')."""
    _require_stage_one_editable(record)
    title = normalise_text(title).strip()
    if not title:
        raise ActionRefused("Enter the finding or recommendation.")
    last = max((entry.position for entry in record.added_findings), default=FIRST_FINDING_POSITION)
    entry = Entry(
        record=record,
        position=last + 1,
        finding_title=title,
        finding_source=normalise_text(source).strip(),
        updated_by=by,
    )
    db.session.add(entry)
    db.session.flush()
    record_event(record, by, "finding_added", f"Added a finding: {title}", entry=entry)
    return entry


def remove_finding(entry: Entry, by: User) -> None:
    """Remove an added finding from a draft. Its text stays in the record's history."""
    record = entry.record
    _require_stage_one_editable(record)
    if not entry.is_added_finding:
        raise ActionRefused(
            "Key points of the framework cannot be removed; leave them blank instead."
        )
    removed = {name: getattr(entry, name) for name in _editable_fields(entry)}
    record_event(
        record,
        by,
        "finding_removed",
        f"Removed the finding: {entry.finding_title}",
        changes=field_changes(removed, dict.fromkeys(removed, "")),
    )
    record.entries.remove(entry)
    db.session.flush()


RECORD_DETAIL_FIELDS = ("name", "work_base_address", "telephone", "email")


def update_record_details(record: Record, by: User, values: dict[str, str]) -> bool:
    """Change the record's header (name and contact details). True if anything changed."""
    _require_stage_one_editable(record)
    before = {name: getattr(record, name) for name in RECORD_DETAIL_FIELDS}
    after = {name: normalise_text(values.get(name, before[name])).strip() for name in before}
    changes = field_changes(before, after)
    if not changes:
        return False
    for name, change in changes.items():
        setattr(record, name, change["to"])
    record_event(record, by, "details_saved", "Changed the record's details", changes=changes)
    db.session.flush()
    return True


def submission_problems(record: Record) -> list[str]:
    """What stops this record (or its review) being submitted for sign-off, in words."""
    problems = []
    if record.in_review_stage:
        problems += review_problems(record)
    elif record.pledge_count == 0:
        problems.append("Write a pledge for at least one key point or finding.")
    if record.signing_manager is None:
        if record.is_team_record:
            problems.append(
                "Your team has no manager recorded to sign the record off. Ask your administrator."
            )
        else:
            problems.append(
                "You have no line manager recorded to sign your record off. Ask your administrator."
            )
    return problems


def submit_record(
    record: Record,
    by: User,
    *,
    personal_data_confirmed: bool = False,
    sharing: Sharing | None = None,
) -> None:
    """Send a draft, or a record returned with comments, to its manager for sign-off.

    `sharing`, when given, is the owners' choice of how the good-practice library may show the
    record's entries once signed off (kept as it was when not given).

    Refused while `submission_problems` finds any, and while the text looks like it holds a
    child's or family's identifying details, until the owner confirms it does not. On
    resubmission only the entries that were returned (or changed since approval) need deciding
    again; approvals stand.
    """
    lock_record(record)
    if record.is_submitted:
        raise AlreadyDone(
            f"This has already been sent to {record.signing_manager.name} for sign-off."
            if record.signing_manager
            else "This has already been sent for sign-off.",
            record_page(record),
        )
    _require_editable(record)
    problems = submission_problems(record)
    if problems:
        raise ActionRefused("The record cannot be submitted yet.", problems)
    if personal_data_findings(record) and not personal_data_confirmed:
        raise ActionRefused(
            "Change the text listed below, or confirm that none of it identifies a child or "
            "family.",
            field="not_identifying",
        )
    resubmitting = record.is_returned
    if sharing is not None and sharing is not record.sharing:
        record_event(
            record,
            by,
            "sharing_chosen",
            f"Library sharing: {sharing.label}",
            changes={"sharing": {"from": record.sharing.value, "to": sharing.value}},
        )
        record.sharing = sharing
    for entry in record.returned_entries:
        entry.approval = Approval.UNDECIDED
    record.move(Transition.SUBMIT)
    record.submitted_at = utcnow()
    manager = record.signing_manager
    verb = "Resubmitted" if resubmitting else "Submitted"
    what = "six-month review" if record.in_review_stage else "record"
    summary = f"{verb} to {manager.name} for sign-off"
    record_event(record, by, "submitted", summary if what == "record" else f"{summary} (review)")
    notify(
        [manager],
        f"{record.label}: {what} {verb.lower()} for sign-off",
        f"{by.name} {verb.lower()} the {what} of {record.label} for you to sign off in "
        "supervision.",
        record_address(record),
    )
    db.session.flush()
    log.info("record %s submitted by user %s", record.id, by.id)


def shared_text(entry: Entry) -> str:
    """What the good-practice library shows of an entry: its good practice and its pledge (and an
    added finding's title)."""
    parts = [entry.finding_title] if entry.is_added_finding else []
    return "\n".join([*parts, entry.good_practice, entry.pledge])


def screen_shared_text(record: Record) -> int:
    """Run the identifying-details check again on what the library would share of each entry,
    as stage 1 is signed off, and mark the entries it flags so the library withholds them.

    The owners confirmed at submission only that their manager may read the text; sharing it
    across the county is a wider audience, so flagged entries are withheld rather than shown
    after a second confirmation. Returns how many were flagged.
    """
    flagged = 0
    for entry in record.entries:
        entry.shared_text_flagged = bool(find_in_text(shared_text(entry)))
        flagged += entry.shared_text_flagged
    return flagged


def add_addendum(entry: Entry, by: User, text: str) -> EntryAddendum:
    """Add a dated note to an entry of a signed-off record; the signed text stays as it was."""
    if not entry.record.is_signed_off:
        raise ActionRefused("Addenda are for signed-off records. Change the entry itself instead.")
    text = normalise_text(text).strip()
    if not text:
        raise ActionRefused("Write the addendum.")
    addendum = EntryAddendum(entry=entry, author=by, text=text)
    db.session.add(addendum)
    record_event(
        entry.record,
        by,
        "addendum_added",
        f"Added an addendum to {entry.title}",
        entry=entry,
        changes={"addendum": {"from": "", "to": text}},
    )
    db.session.flush()
    return addendum


def snapshot_entries(record: Record) -> list[dict]:
    return [
        {
            "title": entry.title,
            "fields": entry.text_values(),
            "addenda": [
                {"author": a.author.name, "at": a.created_at.isoformat(), "text": a.text}
                for a in entry.addenda
            ],
        }
        for entry in record.entries
        if not entry.is_blank
    ]


def reopen_record(record: Record, by: User) -> RecordSnapshot:
    """Reopen a signed-off record for changes: keep the signed version, start a new draft one.

    The new version needs signing off again, entry by entry.
    """
    lock_record(record)
    if record.is_draft and record.snapshots:
        raise AlreadyDone("The record had already been reopened for changes.", record_page(record))
    if not record.state.allows(Transition.REOPEN):
        raise ActionRefused(
            "Only a signed-off record whose review has not started can be reopened."
        )
    snapshot = RecordSnapshot(
        record=record,
        version=record.version,
        signed_off_at=record.signed_off_at,
        signed_off_by=record.signed_off_by,
        reopened_by=by,
        entries=snapshot_entries(record),
    )
    db.session.add(snapshot)
    record.version += 1
    record.move(Transition.REOPEN)
    record.signed_off_at = None
    record.signed_off_by = None
    record.review_due_on = None
    for entry in record.entries:
        entry.approval = Approval.UNDECIDED
        entry.return_comment = ""
    record_event(
        record,
        by,
        "reopened",
        f"Reopened for changes: version {snapshot.version} is kept, version {record.version} "
        "needs signing off again",
    )
    db.session.flush()
    return snapshot


def reply_to_return(entry: Entry, by: User, text: str) -> None:
    """The owners answer their manager's return comment; the reply shows in the next session
    beside the comment. Refused once the entry is no longer returned to them."""
    lock_record(entry.record)
    record = entry.record
    if entry.approval is not Approval.RETURNED or not record.is_editable:
        raise ActionRefused("This entry is not returned to you, so there is no comment to answer.")
    text = normalise_text(text).strip()
    if not text:
        raise ActionRefused("Write your reply to the comment.")
    if text == entry.reply_to_return:
        raise AlreadyDone("Your reply had already been saved.")
    before = entry.reply_to_return
    entry.reply_to_return = text
    entry.replied_at = utcnow()
    entry.replied_by = by
    record_event(
        record,
        by,
        "replied",
        f"Replied to the comment on {entry.title}",
        entry=entry,
        changes={"reply": {"from": before, "to": text}},
    )
    db.session.flush()
