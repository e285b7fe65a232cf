"""Who signs off what. Every rule about approving and returning entries starts here.

The line manager signs off an individual's record; a team's manager signs off the team's. The
manager's own manager may act when the line manager is absent, and the record says so. Nobody
signs off a record they own.
"""

from __future__ import annotations

from people.models import Team, User
from pledges.models import Record
from pledges.permissions import can_view_record, is_owner
from supervision.models import SupervisionSession


def _manager_or_their_manager(user: User, manager: User | None) -> bool:
    if manager is None:
        return False
    return manager.id == user.id or manager.line_manager_id == user.id


def can_sign_off(user: User, record: Record) -> bool:
    return not is_owner(user, record) and _manager_or_their_manager(user, record.signing_manager)


def acting_for(user: User, record: Record) -> User | None:
    """The absent line manager `user` stands in for, or None when `user` is the line manager."""
    manager = record.signing_manager
    if manager is not None and manager.id != user.id and manager.line_manager_id == user.id:
        return manager
    return None


def can_supervise_person(user: User, person: User) -> bool:
    return person.id != user.id and _manager_or_their_manager(user, person.line_manager)


def can_supervise_team(user: User, team: Team) -> bool:
    return not team.has_member(user) and _manager_or_their_manager(user, team.manager)


def can_hold_session_about(user: User, subject: User | Team) -> bool:
    """A session is about a supervisee or a team the user supervises."""
    if isinstance(subject, Team):
        return can_supervise_team(user, subject)
    return can_supervise_person(user, subject)


def can_view_session(user: User, session: SupervisionSession) -> bool:
    """The supervisee (or the team's members now), and the supervisor while they still supervise
    the supervisee (or team): a manager who has handed someone on, or a team's former manager,
    no longer reads the session or the records in it. Nobody else reads the notes."""
    if any(p.id == user.id for p in session.participants):
        return True
    if session.supervisor_id != user.id:
        return False
    if session.team is not None:
        return can_supervise_team(user, session.team)
    return can_supervise_person(user, session.supervisee)


def session_records_visible_to(user: User, session: SupervisionSession) -> list[Record]:
    """The records discussed in a session that `user` may see now."""
    return [record for record in session.records if can_view_record(user, record)]


def can_run_session(user: User, session: SupervisionSession) -> bool:
    return session.supervisor_id == user.id


def can_write_session_notes(user: User, session: SupervisionSession) -> bool:
    """The supervisor, while they may still read the session."""
    return can_run_session(user, session) and can_view_session(user, session)


def can_delete_session(user: User, session: SupervisionSession) -> bool:
    """The manager who started it, while they may still read it (whether it may be deleted now,
    with no decisions in it, is `delete_session`'s to say)."""
    return can_run_session(user, session) and can_view_session(user, session)
