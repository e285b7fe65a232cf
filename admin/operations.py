"""Changes an administrator makes: people, roles, line management, teams, agencies and districts.

People move and leave while records are in flight. The signing manager of a record is derived
from its owner's line manager (or its team's manager), so a record awaiting sign-off follows a
change of manager by itself; these operations tell both managers and write it into the record's
history. Operations flush and leave the commit to the caller.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterable
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from admin.history import (
    person_details,
    record_admin_event,
    record_changes,
    record_person_added,
    record_team_added,
    team_details,
)
from core.database import db
from core.errors import ActionRefused, AlreadyDone
from core.formatting import plural
from core.locks import lock_rows
from core.notifications import notify
from people.models import Agency, District, Role, Team, TeamMembership, User, UserRole
from people.operations import (
    add_team_member,
    create_user,
    end_all_sessions,
    find_user_by_email,
    normalise_email,
)
from people.password_links import LinkPurpose, send_password_link
from pledges.framework import make_framework_current, publish_framework
from pledges.history import record_event
from pledges.links import record_address
from pledges.models import FrameworkVersion, Record, RecordState

log = logging.getLogger(__name__)


# People -------------------------------------------------------------------------------------


@contextmanager
def _refused_if_taken(check: Callable[[], None]):
    """Around an insert that a unique column guards: when a rival insert won, the failed one
    spoils the transaction, so roll back, then let `check` say who has it (ActionRefused)."""
    try:
        yield
    except IntegrityError:
        db.session.rollback()
        check()
        raise


def _refuse_leaver(person: User | None, to: str, *, field: str) -> None:
    """Someone who has left cannot take on a part: "Sam Hill has left, so cannot manage a team"."""
    if person is not None and not person.is_active:
        raise ActionRefused(f"{person.name} has left, so cannot {to}.", field=field)


def _id_of(person: User | None) -> int | None:
    return person.id if person is not None else None


def check_email_free(email: str, person: User | None = None) -> None:
    other = find_user_by_email(email)
    if other is not None and (person is None or other.id != person.id):
        raise ActionRefused(
            f"{other.name} already has the email address {other.email}.", field="email"
        )


def create_person(
    by: User,
    *,
    email: str,
    name: str,
    job_title: str = "",
    agency: Agency | None = None,
    district: District | None = None,
    line_manager: User | None = None,
    roles: Iterable[Role] = (),
    send_link: bool = True,
) -> User:
    """Add a person; they get an emailed link to set their password. Refuses an email in use."""
    check_email_free(email)
    _refuse_leaver(line_manager, "be a line manager", field="line_manager_email")
    # Someone may add the same address at the same moment: the unique email decides.
    with _refused_if_taken(lambda: check_email_free(email)):
        person = create_user(
            email=email,
            name=name,
            job_title=job_title.strip(),
            agency=agency,
            district=district,
            line_manager=line_manager,
            roles=set(roles),
        )
    if send_link:
        send_password_link(person, LinkPurpose.WELCOME)
    record_person_added(
        by,
        person,
        f"Added {person.name}" + (" and emailed a link to set a password" if send_link else ""),
    )
    log.info("user %s created by user %s", person.id, by.id)
    return person


def update_person(
    person: User,
    by: User,
    *,
    email: str,
    name: str,
    job_title: str,
    agency: Agency | None,
    district: District | None,
    line_manager: User | None,
    roles: Iterable[Role],
) -> None:
    """Change a person's details, roles and line manager (which moves pending sign-offs)."""
    check_email_free(email, person)
    before = person_details(person)
    set_roles(person, roles, by)
    if _id_of(line_manager) != person.line_manager_id:
        change_line_manager(person, line_manager, by)
    person.email = normalise_email(email)
    person.name = name.strip()
    person.job_title = job_title.strip()
    person.agency = agency
    person.district = district
    db.session.flush()
    record_changes(by, "person_changed", person.name, before, person_details(person), person=person)


def active_administrators_other_than(person: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(User.id))
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role == Role.ADMINISTRATOR,
            User.is_active_account.is_(True),
            User.id != person.id,
        )
    )


def lock_administrators(*people: User) -> None:
    """Lock the rows of every administrator (and of `people`), in id order, so that changes
    which could leave no administrator run one at a time: two administrators deactivating each
    other at once wait for each other instead of both succeeding (or deadlocking)."""
    administrators = sa.select(UserRole.user_id).where(UserRole.role == Role.ADMINISTRATOR)
    ids = set(db.session.scalars(sa.select(User.id).where(User.id.in_(administrators))))
    lock_rows(User, ids | {person.id for person in people})


def _refuse_removing_last_administrator(person: User) -> None:
    """Call with the administrators locked (`lock_administrators`)."""
    if person.has_role(Role.ADMINISTRATOR) and active_administrators_other_than(person) == 0:
        raise ActionRefused(
            f"{person.name} is the only administrator. Make someone else an administrator first, "
            "so that somebody can still run the service.",
            field="roles",
        )


def set_roles(person: User, roles: Iterable[Role], by: User) -> None:
    """Give a person exactly these roles. Refuses to remove the last administrator."""
    wanted = set(roles)
    if Role.ADMINISTRATOR not in wanted and person.has_role(Role.ADMINISTRATOR):
        lock_administrators(person)
        _refuse_removing_last_administrator(person)
    for grant in list(person.role_grants):
        if grant.role not in wanted:
            person.role_grants.remove(grant)
    for role in sorted(wanted - person.roles, key=lambda r: r.value):
        person.role_grants.append(UserRole(role=role))
    db.session.flush()


def _check_manager_for(person: User, manager: User) -> None:
    """A manager must be someone else, still here, and not below the person in the tree."""
    if manager.id == person.id:
        raise ActionRefused(
            f"{person.name} cannot be their own line manager.", field="line_manager_email"
        )
    _refuse_leaver(manager, "be a line manager", field="line_manager_email")
    above, seen = manager.line_manager, {manager.id}
    while above is not None and above.id not in seen:
        if above.id == person.id:
            raise ActionRefused(
                f"{manager.name} reports to {person.name} (directly or through others), so "
                f"cannot be {person.name}'s line manager.",
                field="line_manager_email",
            )
        seen.add(above.id)
        above = above.line_manager


def _awaiting_sign_off(*condition) -> list[Record]:
    return list(
        db.session.scalars(
            sa.select(Record).where(
                Record.state.in_([state for state in RecordState if state.is_submitted]), *condition
            )
        )
    )


def _tell_of_moved_sign_offs(
    records: list[Record], old: User | None, new: User | None, by: User, why: str
) -> None:
    for record in records:
        to_whom = new.name if new else "nobody yet: an administrator must choose a manager"
        record_event(
            record, by, "manager_changed", f"Sign-off moved to {to_whom} ({why}), by {by.name}"
        )
        if new is not None:
            notify(
                [new],
                f"{record.label}: awaiting your sign-off",
                f"{record.label} now comes to you for sign-off in supervision: {why}.",
                record_address(record),
            )
        if old is not None and old.is_active:
            notify(
                [old],
                f"{record.label}: sign-off moved",
                f"{record.label} no longer comes to you for sign-off: {why}. "
                + (f"{new.name} signs it off now." if new else ""),
                record_address(record),
            )


def change_line_manager(person: User, new_manager: User | None, by: User) -> list[Record]:
    """Give a person a new line manager (or none). Their records awaiting sign-off move with it,
    and the old and new managers are told. Returns the records that moved."""
    old = person.line_manager
    if _id_of(new_manager) == _id_of(old):
        return []
    if new_manager is not None:
        _check_manager_for(person, new_manager)
    person.line_manager = new_manager
    moved = _awaiting_sign_off(Record.owner_id == person.id)
    why = (
        f"{person.name}'s line manager is now {new_manager.name}"
        if new_manager
        else f"{person.name} has no line manager for now"
    )
    _tell_of_moved_sign_offs(moved, old, new_manager, by, why)
    db.session.flush()
    log.info("user %s: line manager changed by user %s", person.id, by.id)
    return moved


def deactivate_person(person: User, by: User, successor: User | None = None) -> None:
    """A leaver: they can no longer sign in; their records stay (read-only, in collations).

    Their supervisees and the teams they manage go to `successor` (by default their own line
    manager), taking pending sign-offs with them. Refuses the last administrator, yourself, and
    a leaver with people to hand on and nobody to take them. The administrators' rows are
    locked first, so two deactivations run one after the other and the second sees the first.
    """
    lock_administrators(person, by)
    if not person.is_active:
        raise AlreadyDone(
            f"{person.name} has already been deactivated.", f"/admin/people/{person.id}"
        )
    if person.id == by.id:
        raise ActionRefused("You cannot deactivate yourself. Ask another administrator.")
    _refuse_removing_last_administrator(person)
    if not by.is_active:
        raise ActionRefused(
            "Your own account has been deactivated, so you cannot deactivate anyone."
        )
    successor = successor or person.line_manager
    supervisees = [s for s in person.supervisees if s.is_active]
    teams = list(person.managed_teams)
    if (supervisees or teams) and successor is None:
        raise ActionRefused(
            f"{person.name} has {plural(len(supervisees), 'supervisee')} and manages "
            f"{plural(len(teams), 'team')}, and has no line manager to hand them to. Choose who "
            "takes them on.",
            field="successor_email",
        )
    if successor is not None and (successor.id == person.id or not successor.is_active):
        raise ActionRefused(
            "Choose someone who is still here to take on their supervisees.",
            field="successor_email",
        )
    # Deactivated first, so the leaver is not told of the hand-over.
    person.is_active_account = False
    for supervisee in supervisees:
        # A supervisee promoted into the leaver's place reports to the leaver's own manager.
        new = successor if supervisee.id != successor.id else person.line_manager
        change_line_manager(supervisee, new, by)
    for team in teams:
        # Nobody signs off a record they write: a successor in the team passes it upwards.
        new = successor if not team.has_member(successor) else person.line_manager
        change_team_manager(team, new, by)
    end_all_sessions(person)
    handed = (
        f": {plural(len(supervisees), 'supervisee')} and {plural(len(teams), 'team')} went to "
        f"{successor.name}"
        if supervisees or teams
        else ""
    )
    record_admin_event(
        by, "person_deactivated", f"Deactivated {person.name}{handed}", person=person
    )
    log.info("user %s deactivated by user %s", person.id, by.id)


def reactivate_person(person: User, by: User) -> None:
    if person.is_active:
        raise ActionRefused(f"{person.name} is already active.")
    person.is_active_account = True
    record_admin_event(by, "person_reactivated", f"Reactivated {person.name}", person=person)
    db.session.flush()
    log.info("user %s reactivated by user %s", person.id, by.id)


def name_key(name: str) -> str:
    """A name as compared for uniqueness: Unicode case folding after NFKC, so "İnce" and
    "i̇nce", "Straße" and "STRASSE", a composed and a decomposed "é" are the same name. The
    databases' lower() cannot do this (SQLite's folds ASCII only; PostgreSQL's depends on the
    collation), so the comparison is made here."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold()).strip()


def _same_name(model, name: str, itself=None):
    """Another row of `model` whose name is the same as `name` (see name_key), or None. Names of
    teams, agencies and districts number in the thousands at most: reading them is cheap."""
    key = name_key(name)
    for row_id, row_name in db.session.execute(sa.select(model.id, model.name)):
        if name_key(row_name) == key and (itself is None or row_id != itself.id):
            return db.session.get(model, row_id)
    return None


# Teams --------------------------------------------------------------------------------------


def check_team_name_free(name: str, team: Team | None = None) -> None:
    """A team's name is unique (whatever its case) and has no ; or |, which separate teams in
    the spreadsheet import."""
    if ";" in name or "|" in name:
        raise ActionRefused(
            "A team's name cannot contain ; or |: they separate teams in the spreadsheet import.",
            field="name",
        )
    other = _same_name(Team, name, team)
    if other is not None:
        raise ActionRefused(f"There is already a team called {other.name}.", field="name")


def create_team(
    by: User,
    *,
    name: str,
    description: str = "",
    agency: Agency | None = None,
    district: District | None = None,
    manager: User | None = None,
) -> Team:
    name = name.strip()
    check_team_name_free(name)
    _refuse_leaver(manager, "manage a team", field="manager_email")
    team = Team(
        name=name,
        description=description.strip(),
        agency=agency,
        district=district,
        manager=manager,
    )
    db.session.add(team)
    # Another administrator may add the same name at the same moment: the unique name decides.
    with _refused_if_taken(lambda: check_team_name_free(name)):
        db.session.flush()
    record_team_added(by, team, f"Added the team {team.name}")
    log.info("team %s created by user %s", team.id, by.id)
    return team


def update_team(
    team: Team,
    by: User,
    *,
    name: str,
    description: str,
    agency: Agency | None,
    district: District | None,
    manager: User | None,
) -> Team:
    name = name.strip()
    check_team_name_free(name, team)
    before = team_details(team)
    if _id_of(manager) != team.manager_id:
        change_team_manager(team, manager, by)
    team.name = name
    team.description = description.strip()
    team.agency = agency
    team.district = district
    db.session.flush()
    record_changes(by, "team_changed", team.name, before, team_details(team), team=team)
    return team


def change_team_manager(team: Team, new_manager: User | None, by: User) -> list[Record]:
    """A team's new manager takes on its record awaiting sign-off; both managers are told."""
    old = team.manager
    if _id_of(new_manager) == _id_of(old):
        return []
    if new_manager is not None:
        _refuse_leaver(new_manager, "manage a team", field="manager_email")
        if team.has_member(new_manager):
            raise ActionRefused(
                f"{new_manager.name} is a member of {team.name}, and nobody signs off a record "
                "they write. Remove them from the team first, or choose someone else.",
                field="manager_email",
            )
    team.manager = new_manager
    moved = _awaiting_sign_off(Record.team_id == team.id)
    why = (
        f"{team.name}'s manager is now {new_manager.name}"
        if new_manager
        else f"{team.name} has no manager for now"
    )
    _tell_of_moved_sign_offs(moved, old, new_manager, by, why)
    db.session.flush()
    return moved


def add_member(team: Team, person: User, by: User) -> TeamMembership:
    _refuse_leaver(person, "join a team", field="email")
    if team.manager_id == person.id:
        raise ActionRefused(
            f"{person.name} manages {team.name} and signs off its record, so cannot also be a "
            "member who writes it.",
            field="email",
        )
    if not team.has_member(person):
        record_admin_event(
            by, "member_added", f"Added {person.name} to {team.name}", person=person, team=team
        )
    return add_team_member(team, person)


def remove_member(team: Team, person: User, by: User) -> None:
    """Take someone out of a team. The team's record stays with the team."""
    for membership in list(team.memberships):
        if membership.user_id == person.id:
            team.memberships.remove(membership)
            db.session.delete(membership)
            record_admin_event(
                by,
                "member_removed",
                f"Took {person.name} out of {team.name}",
                person=person,
                team=team,
            )
    db.session.flush()


# Agencies and districts -----------------------------------------------------------------------


def save_place(model: type[Agency] | type[District], name: str, by: User, place=None):
    """Add an agency or district, or rename one. Names are unique, whatever their case."""
    name = name.strip()
    label = "an agency" if model is Agency else "a district"
    other = _same_name(model, name, place)
    if other is not None:
        raise ActionRefused(f"There is already {label} called {other.name}.", field="name")
    noun = label.split(" ", 1)[1]
    if place is None:
        place = model(name=name)
        db.session.add(place)
        record_admin_event(by, f"{noun}_added", f"Added the {noun} {name}")
    elif place.name != name:
        record_admin_event(by, f"{noun}_renamed", f"Renamed the {noun} {place.name} to {name}")
        place.name = name
    try:
        db.session.flush()
    except IntegrityError:  # the same name saved by someone else at the same moment, as above
        db.session.rollback()
        if (other := _same_name(model, name)) is not None:
            raise ActionRefused(
                f"There is already {label} called {other.name}.", field="name"
            ) from None
        raise
    return place


def send_set_password_link(person: User, by: User) -> None:
    """Email a person a link to set their password (a new one stops any earlier working once
    a password is set)."""
    if not person.is_active:
        raise ActionRefused(f"{person.name} has left: reactivate them before sending a link.")
    send_password_link(person, LinkPurpose.WELCOME)
    record_admin_event(
        by, "link_sent", f"Emailed {person.name} a link to set their password", person=person
    )


def publish_framework_version(data: dict, by: User, *, make_current: bool) -> FrameworkVersion:
    """Publish a checked framework (pledges.framework), recorded in the trail."""
    version = publish_framework(data, make_current=make_current)
    record_admin_event(
        by,
        "framework_published",
        f"Published {version.title}, version {version.version}"
        + (", now current" if version.is_current else ""),
    )
    return version


def make_framework_version_current(version: FrameworkVersion, by: User) -> None:
    make_framework_current(version)
    record_admin_event(
        by, "framework_current", f"Made {version.title}, version {version.version}, current"
    )
