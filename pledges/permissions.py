"""Who may see and change a record: yes/no functions, enforced by the record loader in routes."""

from __future__ import annotations

from people.models import Role, Team, User
from pledges.models import FrameworkVersion, Record, Transition

# How far up the line-management tree a manager still oversees a record: the manager, and
# the manager's manager (who acts when the line manager is absent).
MANAGEMENT_LEVELS = 2


def is_owner(user: User, record: Record) -> bool:
    """The individual whose record it is, or a member of the team whose record it is."""
    if record.team is not None:
        return record.team.has_member(user)
    return record.owner_id == user.id


def oversees(user: User, record: Record) -> bool:
    """The record's signing manager, or that manager's own line manager."""
    manager = record.signing_manager
    for _ in range(MANAGEMENT_LEVELS):
        if manager is None:
            return False
        if manager.id == user.id:
            return True
        manager = manager.line_manager
    return False


def can_view_record(user: User, record: Record) -> bool:
    return is_owner(user, record) or oversees(user, record) or user.has_role(Role.ADMINISTRATOR)


def reviews_for_the_partnership(user: User, record: Record) -> bool:
    """The district team of the record's district, and the training team, read signed-off
    records (section 8: they review the whole process and collate it). Never drafts."""
    if not record.is_signed_off:
        return False
    if user.has_role(Role.TRAINING_TEAM):
        return True
    if not user.has_role(Role.DISTRICT_TEAM) or user.district_id is None:
        return False
    place = record.team if record.team is not None else record.owner
    return place is not None and place.district_id == user.district_id


def can_read_record(user: User, record: Record) -> bool:
    """The record page and its PDF: everyone who may view the record, and read-only the district
    and training teams once it is signed off. (They see stage 2 only once it is signed off too:
    `can_see_review`.)"""
    return can_view_record(user, record) or reviews_for_the_partnership(user, record)


def can_see_review(user: User, record: Record) -> bool:
    """The review as it is being written is for the owners, their managers and administrators;
    others who read the record see it once it is signed off."""
    return record.in_review_stage and (can_view_record(user, record) or record.is_complete)


def can_edit_record(user: User, record: Record) -> bool:
    """Owners change stage 1 while it is a draft or returned; nobody else ever does."""
    return is_owner(user, record) and record.is_editable and not record.in_review_stage


def can_edit_review(user: User, record: Record) -> bool:
    """Owners change stage 2 (judgements, evidence) while the review is open or returned."""
    return is_owner(user, record) and record.is_editable and record.in_review_stage


def can_submit(user: User, record: Record) -> bool:
    """Owners send a draft (or returned) record, or review, to their manager."""
    return is_owner(user, record) and record.is_editable


def can_start_team_record(user: User, team: Team) -> bool:
    """A team's record is started by one of its members."""
    return team.has_member(user)


def can_read_framework(user: User, framework: FrameworkVersion) -> bool:
    """The framework, and the blank tool printed from it, are for everyone signed in."""
    return user.is_authenticated


def can_view_history(user: User, record: Record) -> bool:
    """A record's history is for its owners, their managers and administrators (not the
    district and training teams: it holds the drafts before sign-off)."""
    return can_view_record(user, record)


def can_add_addendum(user: User, record: Record) -> bool:
    return is_owner(user, record) and record.is_signed_off


def can_start_next_cycle(user: User, record: Record) -> bool:
    return is_owner(user, record) and record.is_complete


def can_reopen(user: User, record: Record) -> bool:
    """Reopening is for stage 1, before the review starts."""
    return is_owner(user, record) and record.state.allows(Transition.REOPEN)
