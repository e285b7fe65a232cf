"""The manager's view: who needs them, in order of what needs doing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from core.database import ById, db
from core.planning import values_written_in
from people.models import Team, TeamMembership, User
from pledges.models import Entry, Record, RecordState
from pledges.queries import KEY_POINT_HEADING, PERSON_NAMED
from pledges.review.rules import review_timing
from supervision.models import SessionRecord, SupervisionSession
from supervision.permissions import can_view_session

# What needs a manager first: records waiting for them, then returned ones, then the rest.
PRIORITY = {
    RecordState.SUBMITTED: 0,
    RecordState.REVIEW_SUBMITTED: 0,
    RecordState.RETURNED: 1,
    RecordState.REVIEW_RETURNED: 1,
    RecordState.DRAFT: 2,
    RecordState.REVIEW_OPEN: 2,
    None: 3,
    RecordState.SIGNED_OFF: 4,
    RecordState.COMPLETE: 5,
}


@dataclass
class SuperviseeLine:
    """One supervisee or managed team, with their latest record."""

    person: User | None
    team: Team | None
    record: Record | None
    acting_for: User | None = None

    @property
    def name(self) -> str:
        return self.team.name if self.team else self.person.name

    @property
    def state(self) -> RecordState | None:
        return self.record.state if self.record else None

    @property
    def awaiting_decision(self) -> int:
        if self.record is None or not self.record.is_submitted:
            return 0
        return len(self.record.entries_awaiting_decision)

    @property
    def needs_action(self) -> bool:
        return self.record is not None and self.record.is_submitted

    @property
    def is_returned(self) -> bool:
        return self.record is not None and self.record.is_returned

    @property
    def sort_key(self) -> tuple:
        return (PRIORITY[self.state], self.name.lower())


@dataclass
class WaitingForManager:
    """What awaits a manager's sign-off, and their supervisees' reviews that are overdue."""

    records: list[Record]
    reviews: list[Record]
    overdue_reviews: list[Record]

    @property
    def anything(self) -> bool:
        return bool(self.records or self.reviews or self.overdue_reviews)


@dataclass
class ManagerOverview:
    lines: list[SuperviseeLine]
    acting_lines: list[SuperviseeLine]

    @property
    def awaiting_sign_off(self) -> int:
        return sum(1 for line in self.lines if line.needs_action)

    @property
    def returned(self) -> int:
        return sum(1 for line in self.lines if line.is_returned)

    def waiting(self, today: date) -> WaitingForManager:
        return waiting_in([line.record for line in self.lines if line.record], today)


# The overview's statements are built once, with the manager and the people as parameters:
# SQLAlchemy works out a statement's cache key once for each statement object, and building
# them and their keys again on every request was a quarter of the page's CPU (10.6 -> 7.7 ms).
_OWNER_IDS = sa.bindparam("owner_ids", expanding=True)
_TEAM_IDS = sa.bindparam("team_ids", expanding=True)
_MANAGER_ID = sa.bindparam("manager_id")


def _latest_of(*conditions):
    candidates = sa.select(
        Record.id,
        sa.func.row_number()
        .over(partition_by=(Record.owner_id, Record.team_id), order_by=Record.cycle.desc())
        .label("latest"),
    ).where(sa.or_(*conditions))
    latest = candidates.subquery()
    return sa.select(Record).join(latest, latest.c.id == Record.id).where(latest.c.latest == 1)


# By whether there are people, teams or both to read the latest records of.
_LATEST_RECORDS = {
    (True, False): _latest_of(Record.owner_id.in_(_OWNER_IDS)),
    (False, True): _latest_of(Record.team_id.in_(_TEAM_IDS)),
    (True, True): _latest_of(Record.owner_id.in_(_OWNER_IDS), Record.team_id.in_(_TEAM_IDS)),
}


def _latest_records(*, owner_ids=(), team_ids=()) -> tuple[dict[int, Record], dict[int, Record]]:
    """Each owner's and team's latest record (highest cycle), chosen in SQL: earlier cycles
    are never loaded. Records awaiting sign-off come with their entries (and the entries'
    evidence, which says whether a review entry is complete), to count what awaits a decision."""
    by_owner: dict[int, Record] = {}
    by_team: dict[int, Record] = {}
    if not owner_ids and not team_ids:
        return by_owner, by_team
    records = db.session.scalars(
        _LATEST_RECORDS[bool(owner_ids), bool(team_ids)],
        {"owner_ids": list(owner_ids), "team_ids": list(team_ids)},
    ).all()
    _load_entries_of([r for r in records if r.is_submitted])
    for record in records:
        if record.owner_id is not None:
            by_owner[record.owner_id] = record
        else:
            by_team[record.team_id] = record
    return by_owner, by_team


_ENTRIES_OF = (
    sa.select(Record)
    .where(Record.id.in_(sa.bindparam("record_ids", expanding=True)))
    .options(selectinload(Record.entries).selectinload(Entry.evidence))
)


def _load_entries_of(records: list[Record]) -> None:
    """Load these records' entries and their evidence: two queries for them all."""
    if records:
        db.session.scalars(_ENTRIES_OF, {"record_ids": [record.id for record in records]}).all()


def _lines_for(people: list[User], teams: list[Team]) -> list[SuperviseeLine]:
    by_owner, by_team = _latest_records(
        owner_ids=[p.id for p in people], team_ids=[t.id for t in teams]
    )
    lines = [SuperviseeLine(person=p, team=None, record=by_owner.get(p.id)) for p in people]
    lines += [SuperviseeLine(person=None, team=t, record=by_team.get(t.id)) for t in teams]
    return sorted(lines, key=lambda line: line.sort_key)


def _acting_statement():
    """Records awaiting sign-off by the manager's direct reports, each with the report."""
    report = aliased(User)
    reports = sa.select(User.id).where(
        User.line_manager_id == _MANAGER_ID, User.is_active_account.is_(True)
    )
    return (
        sa.select(Record, report)
        .outerjoin(User, User.id == Record.owner_id)
        .outerjoin(Team, Team.id == Record.team_id)
        .join(report, sa.or_(report.id == User.line_manager_id, report.id == Team.manager_id))
        .where(report.id.in_(reports))
        # From the reports' people and teams (indexes on owner and team), not from every
        # record awaiting sign-off in the county.
        .where(
            sa.or_(
                Record.owner_id.in_(sa.select(User.id).where(User.line_manager_id.in_(reports))),
                Record.team_id.in_(sa.select(Team.id).where(Team.manager_id.in_(reports))),
            )
        )
        .where(Record.state.in_([state for state in RecordState if state.is_submitted]))
        .options(contains_eager(Record.owner), contains_eager(Record.team))
    )


# The states are written into the SQL, the manager stays a parameter: sent as parameters too, the
# states had PostgreSQL plan the statement again on every request (core/planning.py).
_ACTING = values_written_in(_acting_statement(), keep=("manager_id",))


def _acting_lines(manager: User) -> list[SuperviseeLine]:
    """Records awaiting sign-off by the manager's direct reports (their supervisees' and their
    teams'), each report's in name order, in one query however many reports. A record awaiting
    sign-off is always its owner's latest, so no cycle needs choosing."""
    rows = db.session.execute(_ACTING, {"manager_id": manager.id}).all()
    _load_entries_of([record for record, _ in rows])
    lines = [
        SuperviseeLine(person=record.owner, team=record.team, record=record, acting_for=acting_for)
        for record, acting_for in rows
    ]
    return sorted(
        lines, key=lambda line: (line.acting_for.name, line.acting_for.id, line.name.lower())
    )


_SUPERVISEES = (
    sa.select(User)
    .where(User.line_manager_id == _MANAGER_ID, User.is_active_account.is_(True))
    .order_by(User.name)
)
# A team the manager belongs to is theirs to sign off only through their own line manager.
_TEAMS_MANAGED = (
    sa.select(Team)
    .where(Team.manager_id == _MANAGER_ID)
    .where(
        ~sa.exists().where(TeamMembership.team_id == Team.id, TeamMembership.user_id == _MANAGER_ID)
    )
    .order_by(Team.name)
)


def manager_overview(manager: User) -> ManagerOverview:
    """A manager's supervisees and teams, most urgent first, and what their managers await.

    The second list is what the manager may act on when one of their own managers is absent:
    records awaiting sign-off by the manager's direct reports. Four queries, and two more for
    the entries of records awaiting sign-off.
    """
    manager_id = {"manager_id": manager.id}
    supervisees = db.session.scalars(_SUPERVISEES, manager_id).all()
    teams = db.session.scalars(_TEAMS_MANAGED, manager_id).all()
    lines = _lines_for(list(supervisees), list(teams))
    return ManagerOverview(lines=lines, acting_lines=_acting_lines(manager))


# Who a session is with and whether it may be read: loaded with a session (its page) and with the
# sessions (their list, which cost three queries a session before).
_SESSION_LINE = (
    joinedload(SupervisionSession.supervisor),
    joinedload(SupervisionSession.acting_for),
    joinedload(SupervisionSession.supervisee).joinedload(User.line_manager),
    joinedload(SupervisionSession.team).joinedload(Team.manager),
    joinedload(SupervisionSession.team)
    .selectinload(Team.memberships)
    .joinedload(TeamMembership.user),
    selectinload(SupervisionSession.decisions),
)


# A session with everything its page shows, in a fixed number of queries: the records discussed
# with their entries, each entry's key point, evidence and decider, and the decisions taken (an
# entry's key point was a query of its own). The records discussed (one or a few) are joined to
# the session's statement, and the evidence to the entries', rather than read by statements of
# their own: each saved about 1 ms of the page's 8.6 ms of CPU (bench/README.md).
_DISCUSSED = joinedload(SupervisionSession.discussed).joinedload(SessionRecord.record)
_DISCUSSED_ENTRIES = _DISCUSSED.selectinload(Record.entries)
_SESSION_PAGE = ById(
    SupervisionSession,
    *_SESSION_LINE,
    _DISCUSSED.joinedload(Record.owner).joinedload(User.line_manager),
    _DISCUSSED.joinedload(Record.team),
    _DISCUSSED_ENTRIES.joinedload(Entry.key_point).load_only(*KEY_POINT_HEADING),
    _DISCUSSED_ENTRIES.joinedload(Entry.decided_by).load_only(*PERSON_NAMED),
    _DISCUSSED_ENTRIES.joinedload(Entry.evidence),
)


def load_session(session_id: int) -> SupervisionSession | None:
    """A session with everything its page shows (`_SESSION_PAGE`), or None."""
    return _SESSION_PAGE.load(session_id)


def sessions_for(user: User, limit: int = 100) -> list[SupervisionSession]:
    """Sessions a person held or took part in (their own or their teams'), newest first: those
    they may read now (a manager no longer sees sessions with someone they handed on)."""
    team_ids = [m.team_id for m in user.memberships]
    sessions = list(
        db.session.scalars(
            sa.select(SupervisionSession)
            .where(
                sa.or_(
                    SupervisionSession.supervisor_id == user.id,
                    SupervisionSession.supervisee_id == user.id,
                    SupervisionSession.team_id.in_(team_ids) if team_ids else sa.false(),
                )
            )
            .order_by(SupervisionSession.held_on.desc(), SupervisionSession.id.desc())
            .limit(limit)
            .options(*_SESSION_LINE)
        )
    )
    return [session for session in sessions if can_view_session(user, session)]


def sessions_about_record(record: Record) -> list[SupervisionSession]:
    return list(
        db.session.scalars(
            sa.select(SupervisionSession)
            .join(SessionRecord)
            .where(SessionRecord.record_id == record.id)
            .order_by(SupervisionSession.held_on.desc())
        )
    )


def load_session_entry(session_id: int, entry_id: int) -> tuple[SupervisionSession, Entry] | None:
    """A session and an entry of a record discussed in it, or None."""
    session = load_session(session_id)
    if session is None:
        return None
    entries = (entry for record in session.records for entry in record.entries)
    entry = next((entry for entry in entries if entry.id == entry_id), None)
    return (session, entry) if entry is not None else None


def load_session_record(
    session_id: int, record_id: int
) -> tuple[SupervisionSession, Record] | None:
    """A session and a record discussed in it, or None."""
    session = load_session(session_id)
    if session is None:
        return None
    record = next((record for record in session.records if record.id == record_id), None)
    return (session, record) if record is not None else None


def waiting_in(records: list[Record], today: date) -> WaitingForManager:
    """Of these records (each supervisee's and team's latest), those awaiting sign-off and the
    reviews overdue. Records awaiting anything are always their owner's latest: a new cycle
    starts only from a completed record."""
    waiting_review = (RecordState.SIGNED_OFF, RecordState.REVIEW_OPEN, RecordState.REVIEW_RETURNED)

    def submitted(state):
        return sorted(
            (r for r in records if r.state is state),
            key=lambda r: (r.submitted_at, r.review_due_on or date.max, r.name, r.id),
        )

    return WaitingForManager(
        records=submitted(RecordState.SUBMITTED),
        reviews=submitted(RecordState.REVIEW_SUBMITTED),
        overdue_reviews=sorted(
            (
                r
                for r in records
                if r.state in waiting_review and review_timing(r, today) == "overdue"
            ),
            key=lambda r: (r.review_due_on, r.name.lower()),
        ),
    )


def waiting_for_manager(manager: User, today: date) -> WaitingForManager:
    """Records and reviews awaiting `manager`'s sign-off and their supervisees' overdue reviews:
    the same people and teams as the overview, read from it."""
    return manager_overview(manager).waiting(today)
