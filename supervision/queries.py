"""The manager's view: who needs them, in order of what needs doing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from core.database import db, load_by_id
from people.models import Team, TeamMembership, User
from pledges.models import Entry, Record, RecordState
from pledges.review.rules import OVERDUE_AFTER_DAYS
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
class ManagerOverview:
    lines: list[SuperviseeLine]
    acting_lines: list[SuperviseeLine]

    @property
    def awaiting_sign_off(self) -> int:
        return sum(1 for line in self.lines if line.needs_action)

    @property
    def returned(self) -> int:
        return sum(1 for line in self.lines if line.is_returned)


def _latest_records(
    *, owner_ids=(), team_ids=(), only_submitted: bool = False
) -> tuple[dict[int, Record], dict[int, Record]]:
    """Each owner's and team's latest record (highest cycle), chosen in SQL: earlier cycles
    are never loaded. Records awaiting sign-off come with their entries (and the entries'
    evidence, which says whether a review entry is complete), to count what awaits a decision."""
    by_owner: dict[int, Record] = {}
    by_team: dict[int, Record] = {}
    conditions = []
    if owner_ids:
        conditions.append(Record.owner_id.in_(owner_ids))
    if team_ids:
        conditions.append(Record.team_id.in_(team_ids))
    if not conditions:
        return by_owner, by_team
    candidates = sa.select(
        Record.id,
        sa.func.row_number()
        .over(partition_by=(Record.owner_id, Record.team_id), order_by=Record.cycle.desc())
        .label("latest"),
    ).where(sa.or_(*conditions))
    if only_submitted:
        # A record awaiting sign-off is always its owner's latest: a new cycle starts only
        # from a completed record.
        candidates = candidates.where(Record.state.in_([s for s in RecordState if s.is_submitted]))
    latest = candidates.subquery()
    records = db.session.scalars(
        sa.select(Record).join(latest, latest.c.id == Record.id).where(latest.c.latest == 1)
    ).all()
    _load_entries_of([r for r in records if r.is_submitted])
    for record in records:
        if record.owner_id is not None:
            by_owner[record.owner_id] = record
        else:
            by_team[record.team_id] = record
    return by_owner, by_team


def _load_entries_of(records: list[Record]) -> None:
    """Load these records' entries and their evidence: two queries for them all."""
    if records:
        db.session.scalars(
            sa.select(Record)
            .where(Record.id.in_([record.id for record in records]))
            .options(selectinload(Record.entries).selectinload(Entry.evidence))
        ).all()


def _lines_for(
    people: list[User], teams: list[Team], *, only_submitted: bool = False
) -> list[SuperviseeLine]:
    by_owner, by_team = _latest_records(
        owner_ids=[p.id for p in people],
        team_ids=[t.id for t in teams],
        only_submitted=only_submitted,
    )
    lines = [SuperviseeLine(person=p, team=None, record=by_owner.get(p.id)) for p in people]
    lines += [SuperviseeLine(person=None, team=t, record=by_team.get(t.id)) for t in teams]
    return sorted(lines, key=lambda line: line.sort_key)


def _acting_lines(reports: list[User]) -> list[SuperviseeLine]:
    """Records awaiting sign-off by these managers, each report's in name order, in one query
    for them all (it was one query a report: 59 for a manager of 59)."""
    manager_of: dict[tuple[str, int], tuple[int, User]] = {}
    people: list[User] = []
    teams: list[Team] = []
    for order, report in enumerate(reports):
        for person in report.supervisees:
            manager_of[("person", person.id)] = (order, report)
            people.append(person)
        for team in report.managed_teams:
            manager_of[("team", team.id)] = (order, report)
            teams.append(team)
    acting = []
    for line in _lines_for(people, teams, only_submitted=True):
        if line.needs_action:
            key = ("team", line.team.id) if line.team else ("person", line.person.id)
            order, line.acting_for = manager_of[key]
            acting.append((order, line))
    acting.sort(key=lambda pair: (pair[0], pair[1].name.lower()))
    return [line for _, line in acting]


def manager_overview(manager: User) -> ManagerOverview:
    """A manager's supervisees and teams, most urgent first, and what their managers await.

    The second list is what the manager may act on when one of their own managers is absent:
    records awaiting sign-off by the manager's direct reports.
    """
    supervisees = db.session.scalars(
        sa.select(User)
        .where(User.line_manager_id == manager.id, User.is_active_account.is_(True))
        .options(selectinload(User.supervisees), selectinload(User.managed_teams))
        .order_by(User.name)
    ).all()
    teams = db.session.scalars(
        sa.select(Team)
        .where(Team.manager_id == manager.id)
        .options(selectinload(Team.memberships).selectinload(TeamMembership.user))
        .order_by(Team.name)
    ).all()
    lines = _lines_for(list(supervisees), [t for t in teams if not t.has_member(manager)])
    return ManagerOverview(lines=lines, acting_lines=_acting_lines(list(supervisees)))


def load_session(session_id: int) -> SupervisionSession | None:
    """A session with everything its page shows, in a fixed number of queries: the records
    discussed with their entries, each entry's key point, evidence and decider, and the
    decisions taken (an entry's key point was a query of its own)."""
    entries = (
        selectinload(SupervisionSession.discussed)
        .joinedload(SessionRecord.record)
        .selectinload(Record.entries)
    )
    return load_by_id(
        SupervisionSession,
        session_id,
        joinedload(SupervisionSession.supervisor),
        joinedload(SupervisionSession.supervisee).joinedload(User.line_manager),
        joinedload(SupervisionSession.acting_for),
        joinedload(SupervisionSession.team)
        .selectinload(Team.memberships)
        .joinedload(TeamMembership.user),
        joinedload(SupervisionSession.team).joinedload(Team.manager),
        selectinload(SupervisionSession.discussed)
        .joinedload(SessionRecord.record)
        .joinedload(Record.owner)
        .joinedload(User.line_manager),
        selectinload(SupervisionSession.discussed)
        .joinedload(SessionRecord.record)
        .joinedload(Record.team),
        entries.joinedload(Entry.key_point),
        entries.joinedload(Entry.decided_by),
        entries.selectinload(Entry.evidence),
        selectinload(SupervisionSession.decisions),
    )


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


@dataclass
class WaitingForManager:
    """What awaits a manager's sign-off, and their supervisees' reviews that are overdue."""

    records: list[Record]
    reviews: list[Record]
    overdue_reviews: list[Record]

    @property
    def anything(self) -> bool:
        return bool(self.records or self.reviews or self.overdue_reviews)


def waiting_for_manager(manager: User, today: date) -> WaitingForManager:
    """Records and reviews awaiting `manager`'s sign-off and their supervisees' overdue reviews,
    in one query however many supervisees (the same people and teams as the overview)."""
    managed_teams = (
        sa.select(Team.id)
        .where(Team.manager_id == manager.id)
        .where(
            ~sa.exists().where(
                TeamMembership.team_id == Team.id, TeamMembership.user_id == manager.id
            )
        )
    )
    supervisees = sa.select(User.id).where(
        User.line_manager_id == manager.id, User.is_active_account.is_(True)
    )
    overdue_by = today - timedelta(days=OVERDUE_AFTER_DAYS)
    waiting_review = (RecordState.SIGNED_OFF, RecordState.REVIEW_OPEN, RecordState.REVIEW_RETURNED)
    records = db.session.scalars(
        sa.select(Record)
        .where(sa.or_(Record.owner_id.in_(supervisees), Record.team_id.in_(managed_teams)))
        .where(
            sa.or_(
                Record.state.in_([RecordState.SUBMITTED, RecordState.REVIEW_SUBMITTED]),
                sa.and_(Record.state.in_(waiting_review), Record.review_due_on <= overdue_by),
            )
        )
        .order_by(Record.submitted_at, Record.review_due_on, Record.name, Record.id)
    ).all()
    return WaitingForManager(
        records=[r for r in records if r.state is RecordState.SUBMITTED],
        reviews=[r for r in records if r.state is RecordState.REVIEW_SUBMITTED],
        overdue_reviews=sorted(
            (r for r in records if r.state in waiting_review),
            key=lambda r: (r.review_due_on, r.name.lower()),
        ),
    )
