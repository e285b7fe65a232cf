"""Reading records for pages, with eager loading chosen so a page's query count stays flat."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload, with_expression
from sqlalchemy.orm.attributes import set_committed_value

from core.database import ById, db
from people.models import Team, TeamMembership, User
from pledges.models import (
    Entry,
    EntryAddendum,
    Evidence,
    FrameworkArea,
    FrameworkVersion,
    KeyPoint,
    Record,
    RecordEvent,
    RecordSnapshot,
    pledge_count_clause,
)

# Whose record it is and who signs it off: read by every page about a record, and by the guard.
_WHO_IT_IS_FOR = (
    joinedload(Record.owner).joinedload(User.line_manager),
    joinedload(Record.team).selectinload(Team.memberships).joinedload(TeamMembership.user),
    joinedload(Record.team).joinedload(Team.manager),
)


# What the pages listing a record's entries show of each entry's key point (its number and
# title, and its area to group by) and of whoever decided an entry or wrote an addendum (their
# name). Rows of entries are repeated for each piece of evidence, and every column of every
# joined row is read: the key points' JSON guidance and the deciders' twenty columns were read
# for nothing (about 1 ms of the record page's 9 ms of CPU, bench/README.md).
KEY_POINT_HEADING = (KeyPoint.number, KeyPoint.title, KeyPoint.area_id)
PERSON_NAMED = (User.name,)


# A record with every entry, each entry's evidence, and its sign-offs: what the pages that act
# on the whole record (submit, reopen, the next cycle...) read. (Not who last saved each entry:
# only an entry's own page says so, and joining that person to every entry cost about 0.6 ms of
# the record page's 16. Not its earlier versions either: `load_earlier_versions`.) An entry's
# evidence and addenda are joined to the entries' statement rather than read by two statements
# of their own: a pledge has a few pieces of evidence and seldom an addendum, so the rows hardly
# multiply, and the page's CPU fell by 0.8 ms of 10 (bench/README.md).
_ENTRIES = selectinload(Record.entries)
_WITH_ENTRIES = (
    *_WHO_IT_IS_FOR,
    _ENTRIES.joinedload(Entry.key_point).joinedload(KeyPoint.area),
    _ENTRIES.joinedload(Entry.decided_by),
    _ENTRIES.joinedload(Entry.evidence),
    _ENTRIES.joinedload(Entry.addenda).joinedload(EntryAddendum.author),
    joinedload(Record.signed_off_by),
)
_RECORD_WITH_ENTRIES = ById(Record, *_WITH_ENTRIES)

# The same for the pages that only show the record (the record page, its PDF), less what they
# do not show: of each key point only its heading, of each decider and author only the name,
# and not the text an entry had when it was decided (only a supervision session's page compares
# it). A column left out is read by a query of its own if something asks for it, so the pages
# that act on the record load it whole.
_RECORD_TO_READ = ById(
    Record,
    *_WITH_ENTRIES,
    _ENTRIES.defer(Entry.text_at_decision),
    _ENTRIES.joinedload(Entry.key_point).load_only(*KEY_POINT_HEADING),
    _ENTRIES.joinedload(Entry.decided_by).load_only(*PERSON_NAMED),
    _ENTRIES.joinedload(Entry.addenda).joinedload(EntryAddendum.author).load_only(*PERSON_NAMED),
)

_SNAPSHOTS_OF_RECORD = (
    sa.select(RecordSnapshot)
    .where(RecordSnapshot.record_id == sa.bindparam("record_id"))
    .order_by(RecordSnapshot.version)
    .options(joinedload(RecordSnapshot.signed_off_by))
)


def load_earlier_versions(record: Record) -> None:
    """Load the record's earlier signed-off versions (`record.snapshots`), each with who signed
    it off, in one statement. Only a reopened record has any (reopening keeps the version signed
    off, then counts the new one), so most records send none: loading them with every record
    page cost 0.5 ms of its 12 for an empty list."""
    versions = (
        list(db.session.scalars(_SNAPSHOTS_OF_RECORD, {"record_id": record.id}))
        if record.version > 1
        else []
    )
    set_committed_value(record, "snapshots", versions)


_RECORD_ALONE = ById(Record, *_WHO_IT_IS_FOR)
_RECORD_OF_AN_ENTRY = ById(Record, *_WHO_IT_IS_FOR, joinedload(Record.signed_off_by))


def load_record(record_id: int) -> Record | None:
    """A record with all its entries, for the pages that act on it."""
    return _RECORD_WITH_ENTRIES.load(record_id)


def load_record_to_read(record_id: int) -> Record | None:
    """A record with all its entries as the record page and its PDF show them."""
    return _RECORD_TO_READ.load(record_id)


def load_record_alone(record_id: int) -> Record | None:
    """The record without its entries, for pages about the record as a whole (its history)."""
    return _RECORD_ALONE.load(record_id)


# The record page shows the latest events; the whole history is a page of its own.
RECENT_HISTORY = 10


def recent_events(record: Record, limit: int | None = RECENT_HISTORY) -> list[RecordEvent]:
    """The record's history, newest first: the latest `limit` events, or all of them (None).

    A record gathers an event at every save, so the record page no longer loads them all.
    """
    return list(db.session.scalars(_events_newest_first(limit), {"record_id": record.id}))


@lru_cache(maxsize=8)
def _events_newest_first(limit: int | None):
    """A record's events, newest first, `limit` of them: built once for each limit."""
    query = (
        sa.select(RecordEvent)
        .where(RecordEvent.record_id == sa.bindparam("record_id"))
        .order_by(RecordEvent.id.desc())
        .options(joinedload(RecordEvent.actor))
    )
    return query if limit is None else query.limit(limit)


@dataclass
class HistoryPreview:
    events: list[RecordEvent]  # the latest, newest first
    has_more: bool


def history_preview(record: Record) -> HistoryPreview:
    """The latest events for the record page, and whether there are more to show."""
    events = recent_events(record, RECENT_HISTORY + 1)
    return HistoryPreview(events=events[:RECENT_HISTORY], has_more=len(events) > RECENT_HISTORY)


# What the pages of one entry show of it (its review, its evidence, its editing page).
_ONE_ENTRY = (
    joinedload(Entry.key_point).joinedload(KeyPoint.area),
    joinedload(Entry.updated_by),
    joinedload(Entry.decided_by),
    joinedload(Entry.evidence),
    joinedload(Entry.addenda).joinedload(EntryAddendum.author),
)


_ENTRY_OF_RECORD = (
    sa.select(Entry)
    .where(Entry.id == sa.bindparam("entry_id"), Entry.record_id == sa.bindparam("record_id"))
    .options(*_ONE_ENTRY)
)


def load_record_entry(record_id: int, entry_id: int) -> tuple[Record, Entry] | None:
    """A record and one of its entries (for the pages of an entry), or None. Only that entry is
    loaded with its evidence: loading every entry's, as the record page does, was most of these
    pages' time."""
    record = _RECORD_OF_AN_ENTRY.load(record_id)
    if record is None:
        return None
    entry = (
        db.session.scalars(_ENTRY_OF_RECORD, {"entry_id": entry_id, "record_id": record.id})
        .unique()  # its evidence and addenda are joined (the record page's reason)
        .one_or_none()
    )
    return (record, entry) if entry is not None else None


def load_pledged_entry(record_id: int, entry_id: int) -> tuple[Record, Entry] | None:
    """A record and one of its pledges (for the pages of its evidence and review), or None."""
    loaded = load_record_entry(record_id, entry_id)
    return loaded if loaded is not None and loaded[1].has_pledge else None


def load_record_evidence(record_id: int, evidence_id: int) -> tuple[Record, Evidence] | None:
    """A record and one piece of its evidence, or None."""
    record = load_record(record_id)
    if record is None:
        return None
    for entry in record.entries:
        for item in entry.evidence:
            if item.id == evidence_id:
                return record, item
    return None


def entries_by_area(record: Record) -> list[tuple[FrameworkArea, list[Entry]]]:
    """The record's key-point entries grouped under their areas, in the framework's order."""
    groups: dict[int, tuple[FrameworkArea, list[Entry]]] = {}
    for entry in record.key_point_entries:
        area = entry.key_point.area
        groups.setdefault(area.id, (area, []))[1].append(entry)
    return sorted(groups.values(), key=lambda group: group[0].number)


@dataclass
class TeamRecordLine:
    team: Team
    record: Record | None


@dataclass
class MyRecordsOverview:
    own_records: list[Record]
    teams: list[TeamRecordLine]

    @property
    def has_own_record(self) -> bool:
        return bool(self.own_records)


# My records shows each record's number of pledges, counted in SQL: loading the entries to count
# them (even their pledges alone) was 40 % of the page's CPU.
_PLEDGES_ONLY = with_expression(Record.pledges_counted, pledge_count_clause(Record.id))


# My records' statements, built once (the person and teams are parameters).
_OWN_RECORDS = (
    sa.select(Record)
    .where(Record.owner_id == sa.bindparam("user_id"))
    .order_by(Record.cycle.desc())
    .options(_PLEDGES_ONLY)
)
# The teams in one query (through the memberships, each team was a query of its own).
_TEAMS_OF = (
    sa.select(Team)
    .join(TeamMembership, TeamMembership.team_id == Team.id)
    .where(TeamMembership.user_id == sa.bindparam("user_id"))
    .order_by(Team.name)
)
_TEAM_RECORDS = (
    sa.select(Record)
    .where(Record.team_id.in_(sa.bindparam("team_ids", expanding=True)))
    .order_by(Record.cycle)
    .options(_PLEDGES_ONLY)
)


def my_records_overview(user: User) -> MyRecordsOverview:
    """A person's own records and, for each team they belong to, its latest record."""
    own = list(db.session.scalars(_OWN_RECORDS, {"user_id": user.id}))
    teams = list(db.session.scalars(_TEAMS_OF, {"user_id": user.id}))
    team_records: dict[int, Record] = {}
    if teams:
        for record in db.session.scalars(_TEAM_RECORDS, {"team_ids": [team.id for team in teams]}):
            team_records[record.team_id] = record  # the latest cycle wins
    return MyRecordsOverview(
        own_records=own,
        teams=[TeamRecordLine(team=team, record=team_records.get(team.id)) for team in teams],
    )


def published_key_points() -> list[tuple[int, str]]:
    """The numbers and titles of the published (current) framework's key points, in order.

    Key points are counted and filtered by number, which every version of the framework shares.
    """
    return [(number, title) for number, title in db.session.execute(_PUBLISHED_KEY_POINTS)]


_PUBLISHED_KEY_POINTS = (
    sa.select(KeyPoint.number, KeyPoint.title)
    .where(
        KeyPoint.area_id.in_(
            sa.select(FrameworkArea.id)
            .join(FrameworkVersion, FrameworkVersion.id == FrameworkArea.framework_version_id)
            .where(FrameworkVersion.is_current)
        )
    )
    .order_by(KeyPoint.number)
)
