"""Importing people from a CSV file: a plan first (the dry run), then the import.

The plan reads every row and says, in words an administrator understands, what will be created,
what will change and what is wrong. The import carries out the plan's good rows; rows with a
problem are left out and nothing of theirs changes. A file is matched to people by email, so
importing the same file again changes nothing.

Columns (any order; headings in any case, with spaces or underscores): name, email, job title,
agency, district, team, line manager's email, roles. Only name and email are required. Several
teams or roles go in one cell separated by semicolons. For people already here a blank cell
leaves that detail as it is.
"""

from __future__ import annotations

import csv
import difflib
import io
import logging
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from admin.history import person_details, record_admin_event, record_team_added
from admin.models import PeopleImport
from admin.operations import change_line_manager, name_key, set_roles
from core.cells import restore
from core.clock import utcnow
from core.database import db
from core.emails import is_valid_email
from core.errors import ActionRefused
from core.history import field_changes
from people.models import Agency, District, Role, Team, TeamMembership, User, UserRole
from people.operations import new_user, normalise_email
from people.password_links import LinkPurpose, send_password_link

log = logging.getLogger(__name__)

MAX_ROWS = 20_000
COLUMNS = {
    "name": "name",
    "email": "email",
    "email address": "email",
    "job title": "job_title",
    "agency": "agency",
    "district": "district",
    "team": "teams",
    "teams": "teams",
    "line manager email": "line_manager",
    "line manager": "line_manager",
    "manager email": "line_manager",
    "roles": "roles",
    "role": "roles",
}
ROLE_NAMES = {
    **{role.value.replace("_", " "): role for role in Role},
    **{role.label.lower(): role for role in Role},
    "district team": Role.DISTRICT_TEAM,
    "admin": Role.ADMINISTRATOR,
}
LIMITS = {"name": 120, "job_title": 120, "agency": 120, "district": 120, "team": 160}


class ImportFileError(ValueError):
    """A file that cannot be read as a people list at all; the message says why and what to do."""


@dataclass
class RowPlan:
    line: int  # the row number a spreadsheet shows: the headings are row 1
    email: str
    name: str
    values: dict[str, str]
    action: str = "create"  # create, change, unchanged or error
    problems: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    roles: set[Role] | None = None
    existing: User | None = None

    @property
    def is_error(self) -> bool:
        return bool(self.problems)

    def refuse(self, problem: str) -> None:
        self.problems.append(problem)
        self.action = "error"


@dataclass
class ImportPlan:
    rows: list[RowPlan]
    new_agencies: list[str]
    new_districts: list[str]
    new_teams: list[str]
    columns: list[str]
    # Teams the good rows join that have no manager (all new ones): nobody can sign off their
    # records until one is chosen.
    teams_without_manager: list[str] = field(default_factory=list)
    # A new name that is close to one already here ("Youth Servics" → "Youth Services").
    close_to: dict[str, str] = field(default_factory=dict)

    def with_action(self, action: str) -> list[RowPlan]:
        return [row for row in self.rows if row.action == action]

    @property
    def errors(self) -> list[RowPlan]:
        return self.with_action("error")

    @property
    def has_work(self) -> bool:
        return any(row.action in ("create", "change") for row in self.rows)


@dataclass
class ImportResult:
    created: int
    changed: int
    unchanged: int
    skipped: int


def _heading(text: str) -> str:
    text = text.strip().lower().replace("_", " ").replace("’", "'")
    return re.sub(r"\s+", " ", text.replace("'s", "")).strip()


def decode_csv(content: bytes | str) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), else Windows-1252."""
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Excel on Windows saves "CSV" in Windows-1252 unless told to use UTF-8.
            text = content.decode("cp1252", errors="replace")
    else:
        text = content.lstrip("\ufeff")
    return text.replace("\x00", "")


def read_csv(content: bytes | str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The columns understood and each row's values, or ImportFileError in plain words."""
    text = decode_csv(content)
    if not text.strip():
        raise ImportFileError("The file is empty. Choose a CSV file with a row of headings.")
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headings = next(reader)
        known = [COLUMNS.get(_heading(h)) for h in headings]
        missing = [name for name in ("name", "email") if name not in known]
        if missing:
            raise ImportFileError(
                "The first row must be the column headings, including "
                + " and ".join(f"“{name}”" for name in missing)
                + ". The headings found were: "
                + (", ".join(f"“{h.strip()}”" for h in headings if h.strip()) or "none")
                + "."
            )
        rows = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(
                    f"The file has more than {MAX_ROWS:,} people. Split it into smaller files."
                )
            row = {}
            for column, value in zip(known, values, strict=False):
                if column:
                    row[column] = restore(value.strip())
            rows.append((reader.line_num, row))
    except csv.Error as error:
        raise ImportFileError(
            f"The file could not be read as CSV near row {reader.line_num}: {error}. Save it "
            "from your spreadsheet as “CSV (comma delimited)” and try again."
        ) from error
    return [c for c in known if c], rows


def _split(cell: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;|]", cell or "") if part.strip()]


def _lookup(model) -> dict[str, object]:
    return {name_key(item.name): item for item in db.session.scalars(sa.select(model))}


def _users_by_email(emails: list[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    for start in range(0, len(emails), 900):
        chunk = emails[start : start + 900]
        for user in db.session.scalars(
            sa.select(User)
            .where(User.email.in_(chunk))
            .options(
                selectinload(User.role_grants),
                selectinload(User.memberships).joinedload(TeamMembership.team),
            )
        ):
            found[user.email] = user
    return found


def plan_import(content: bytes | str) -> ImportPlan:
    """Work out, without changing anything, what importing this file would do, row by row."""
    columns, raw_rows = read_csv(content)
    agencies, districts, teams = _lookup(Agency), _lookup(District), _lookup(Team)
    rows = [
        RowPlan(
            line=line,
            email=normalise_email(values.get("email", "")),
            name=values.get("name", "").strip(),
            values=values,
        )
        for line, values in raw_rows
    ]
    emails = sorted({row.email for row in rows if row.email})
    managers_named = sorted({normalise_email(r.values.get("line_manager", "")) for r in rows})
    existing = _users_by_email(sorted(set(emails) | {e for e in managers_named if e}))
    # Everyone's current line manager, as emails, to find loops the file would make.
    current_manager: dict[str, str | None] = {}
    id_to_email = dict(db.session.execute(sa.select(User.id, User.email)).all())
    for user_id, manager_id in db.session.execute(sa.select(User.id, User.line_manager_id)):
        current_manager[id_to_email[user_id]] = id_to_email.get(manager_id)

    first_row_for: dict[str, int] = {}
    for row in rows:
        _check_row(row, existing, first_row_for)
    _resolve_line_managers(rows, existing, current_manager)
    _check_last_administrator(rows, existing)
    for row in rows:
        if not row.is_error:
            _describe(row)

    good = [row for row in rows if not row.is_error]

    def new_names(key: str, known: dict) -> list[str]:
        names: dict[str, str] = {}
        for row in good:
            cells = row.teams if key == "teams" else [row.values.get(key, "")]
            for cell in cells:
                if cell and name_key(cell) not in known:
                    names.setdefault(name_key(cell), cell)
        return sorted(names.values(), key=str.lower)

    plan = ImportPlan(
        rows=rows,
        new_agencies=new_names("agency", agencies),
        new_districts=new_names("district", districts),
        new_teams=new_names("teams", teams),
        columns=columns,
    )
    joined = {name_key(team): team for row in good for team in row.teams}
    plan.teams_without_manager = sorted(
        (
            name
            for key, name in joined.items()
            if key not in teams or getattr(teams[key], "manager_id", None) is None
        ),
        key=str.lower,
    )
    for new, known in (
        (plan.new_agencies, agencies),
        (plan.new_districts, districts),
        (plan.new_teams, teams),
    ):
        plan.close_to.update(_close_names(new, known))
    return plan


def _close_names(new: list[str], known: dict) -> dict[str, str]:
    """Each new name that is probably a misspelling of a name already here, with that name."""
    existing = {key: item.name for key, item in known.items()}
    close = {}
    for name in new:
        match = difflib.get_close_matches(name_key(name), existing, n=1, cutoff=0.8)
        if match:
            close[name] = existing[match[0]]
    return close


def _check_row(row: RowPlan, existing: dict[str, User], first_row_for: dict[str, int]) -> None:
    values = row.values
    if not row.name:
        row.refuse("The name is missing.")
    raw_email = values.get("email", "")
    if not raw_email:
        row.refuse("The email address is missing.")
    else:
        if not is_valid_email(raw_email):
            row.refuse(f"“{raw_email}” is not a valid email address.")
        if row.email in first_row_for:
            row.refuse(
                f"The email address {row.email} is also on row {first_row_for[row.email]}: "
                "each person should be in the file once."
            )
        else:
            first_row_for[row.email] = row.line
    for key, limit in LIMITS.items():
        cells = _split(values.get("teams", "")) if key == "team" else [values.get(key, "")]
        for cell in cells:
            if len(cell) > limit:
                label = key.replace("_", " ").capitalize()
                row.refuse(f"{label} is longer than {limit} characters.")
    row.teams = _split(values.get("teams", ""))
    if values.get("roles"):
        roles, unknown = set(), []
        for name in _split(values["roles"].replace(",", ";")):
            role = ROLE_NAMES.get(_heading(name))
            if role is None:
                unknown.append(name)
            else:
                roles.add(role)
        if unknown:
            row.refuse(
                "The role "
                + ", ".join(f"“{name}”" for name in unknown)
                + " is not one we know. Use administrator, training team or district team, "
                "separated by semicolons, or leave it blank."
            )
        row.roles = roles
    row.existing = existing.get(row.email)
    if row.existing is not None and not row.existing.is_active:
        row.refuse(
            f"{row.existing.name} ({row.email}) has left: their account is deactivated. "
            "Reactivate them on their page first if they have come back."
        )


def _resolve_line_managers(
    rows: list[RowPlan], existing: dict[str, User], current_manager: dict[str, str | None]
) -> None:
    """Check each named line manager is here (or a good row of the file), and that no one ends
    up managing themselves through others. Repeats until no row changes: a row whose manager's
    row has a problem cannot be imported either."""
    # A manager who is nowhere is reported on every row, even one with other problems.
    everyone_in_file = {row.email for row in rows}
    for row in rows:
        manager = normalise_email(row.values.get("line_manager", ""))
        if manager and manager not in everyone_in_file and manager not in existing:
            row.refuse(
                f"Their line manager, {manager}, is not in this file and has no account here. "
                "Add the manager to the file, or check the address."
            )
    changed = True
    while changed:
        changed = False
        in_file = {row.email: row for row in rows if not row.is_error}
        planned = dict(current_manager)
        for row in in_file.values():
            manager = normalise_email(row.values.get("line_manager", ""))
            if manager:
                planned[row.email] = manager
        for row in rows:
            if row.is_error:
                continue
            manager = normalise_email(row.values.get("line_manager", ""))
            if not manager:
                continue
            problem = None
            if manager == row.email:
                problem = "A person cannot be their own line manager."
            elif manager not in in_file and manager not in existing:
                bad_row = next(r for r in rows if r.email == manager)
                problem = (
                    f"Their line manager, {manager}, is on row {bad_row.line}, which has a "
                    "problem: fix that row first."
                )
            elif manager not in in_file and not existing[manager].is_active:
                problem = f"Their line manager, {existing[manager].name}, has left."
            elif _loops(row.email, planned):
                problem = (
                    f"Their line manager, {manager}, reports to them (directly or through "
                    "others), which would make a loop."
                )
            if problem:
                row.refuse(problem)
                changed = True


def _loops(email: str, planned: dict[str, str | None]) -> bool:
    seen, above = {email}, planned.get(email)
    while above is not None:
        if above in seen:
            return above == email
        seen.add(above)
        above = planned.get(above)
    return False


def _check_last_administrator(rows: list[RowPlan], existing: dict[str, User]) -> None:
    admins = set(
        db.session.scalars(
            sa.select(User.email)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ADMINISTRATOR, User.is_active_account.is_(True))
        )
    )
    after = set(admins)
    for row in rows:
        if not row.is_error and row.roles is not None:
            (after.add if Role.ADMINISTRATOR in row.roles else after.discard)(row.email)
    if admins and not after:
        for row in rows:
            if row.roles is not None and row.email in admins:
                row.refuse(
                    "This would remove the last administrator. Keep “administrator” in their "
                    "roles, or make someone else an administrator first."
                )


def _describe(row: RowPlan) -> None:
    """What importing the row would create or change, in words."""
    values, user = row.values, row.existing
    if user is None:
        row.action = "create"
        return
    changes = []

    def compare(label: str, old: str, new: str) -> None:
        if new and new != old:
            changes.append(f"{label}: “{old or 'none'}” becomes “{new}”")

    compare("Name", user.name, row.name)
    compare("Job title", user.job_title, values.get("job_title", ""))
    for key, current in (("agency", user.agency), ("district", user.district)):
        cell = values.get(key, "")
        if cell and (current is None or name_key(current.name) != name_key(cell)):
            changes.append(
                f"{key.capitalize()}: “{current.name if current else 'none'}” becomes “{cell}”"
            )
    manager = normalise_email(values.get("line_manager", ""))
    current_manager = user.line_manager.email if user.line_manager else ""
    if manager and manager != current_manager:
        changes.append(
            f"Line manager: “{current_manager or 'none'}” becomes “{manager}”"
            " (anything awaiting sign-off moves to them)"
        )
    if row.roles is not None and row.roles != user.roles:
        names = ", ".join(sorted(role.label for role in row.roles)) or "none"
        changes.append(f"Roles become: {names}")
    member_of = {name_key(m.team.name) for m in user.memberships}
    for team in row.teams:
        if name_key(team) not in member_of:
            changes.append(f"Joins the team “{team}”")
    row.changes = changes
    row.action = "change" if changes else "unchanged"


def apply_import(
    plan: ImportPlan, by: User | None, *, send_links: bool = True, source: str = ""
) -> ImportResult:
    """Carry out the plan's good rows: create and change people, their teams and managers.

    New people are emailed a link to set their password (when `send_links`). Rows with a
    problem change nothing. Flushes; the caller commits.
    """
    agencies, districts, teams = _lookup(Agency), _lookup(District), _lookup(Team)
    source = source or "a people file"
    for name in plan.new_agencies:
        agencies[name_key(name)] = _add(Agency(name=name))
        record_admin_event(by, "agency_added", f"Added the agency {name} by importing {source}")
    for name in plan.new_districts:
        districts[name_key(name)] = _add(District(name=name))
        record_admin_event(by, "district_added", f"Added the district {name} by importing {source}")
    new_teams = [_add(Team(name=name)) for name in plan.new_teams]
    db.session.flush()
    for team in new_teams:
        teams[name_key(team.name)] = team
        record_team_added(by, team, f"Added the team {team.name} by importing {source}")

    def place(known: dict, cell: str):
        return known[name_key(cell)] if cell else None

    people: dict[str, User] = {}
    created: list[User] = []
    before: dict[str, dict[str, str]] = {}
    work = [row for row in plan.rows if row.action in ("create", "change")]
    for row in work:
        values = row.values
        if row.action == "create":
            person = new_user(
                email=row.email,
                name=row.name,
                job_title=values.get("job_title", ""),
                agency=place(agencies, values.get("agency", "")),
                district=place(districts, values.get("district", "")),
                roles=row.roles or set(),
            )
            created.append(person)
        else:
            person = row.existing
            before[row.email] = person_details(person)
            person.name = row.name or person.name
            person.job_title = values.get("job_title") or person.job_title
            if values.get("agency"):
                person.agency = place(agencies, values["agency"])
            if values.get("district"):
                person.district = place(districts, values["district"])
            if row.roles is not None:
                set_roles(person, row.roles, by)
        people[row.email] = person
    db.session.flush()

    managers = _users_by_email(
        sorted({normalise_email(row.values.get("line_manager", "")) for row in work} - {""})
    )
    managers.update(people)
    for row in work:
        person = people[row.email]
        manager_email = normalise_email(row.values.get("line_manager", ""))
        if manager_email and row.action == "create":
            person.line_manager = managers[manager_email]  # nothing of theirs awaits sign-off
        elif manager_email:
            try:
                change_line_manager(person, managers[manager_email], by)
            except ActionRefused as refusal:  # the plan checked this; the database may have moved
                log.warning("import row %s: %s", row.line, refusal.message)
        member_of = {m.team_id for m in person.memberships} if row.action == "change" else set()
        for team_name in row.teams:
            team = teams[name_key(team_name)]
            if team.id not in member_of:
                db.session.add(TeamMembership(team=team, user=person))
                member_of.add(team.id)
                record_admin_event(
                    by,
                    "member_added",
                    f"Added {person.name} to {team.name} by importing {source}",
                    person=person,
                    team=team,
                )
    db.session.flush()
    _record_each_person(work, people, before, by, source)
    if send_links:
        for person in created:
            send_password_link(person, LinkPurpose.WELCOME)
    result = ImportResult(
        created=len(created),
        changed=len(work) - len(created),
        unchanged=len(plan.with_action("unchanged")),
        skipped=len(plan.errors),
    )
    record_admin_event(
        by,
        "people_imported",
        f"Imported {source}: {result.created} added, {result.changed} "
        f"changed, {result.unchanged} unchanged, {result.skipped} left out because of problems",
    )
    log.info(
        "people import by user %s: %s created, %s changed, %s skipped",
        by.id if by else "(command line)",
        result.created,
        result.changed,
        result.skipped,
    )
    return result


def _record_each_person(work, people, before, by, source: str) -> None:
    """One trail entry a person the import added or changed, with each old and new value."""
    for row in work:
        person = people[row.email]
        changes = field_changes(before.get(row.email, {}), person_details(person))
        added = row.action == "create"
        record_admin_event(
            by,
            "person_added" if added else "person_changed",
            f"{'Added' if added else 'Changed'} {person.name} by importing {source}",
            person=person,
            changes=changes,
        )


def _add(item):
    db.session.add(item)
    return item


def import_people(stored: PeopleImport, plan: ImportPlan, by: User, *, send_links: bool) -> None:
    """Carry out an uploaded file's plan and note on the upload when, and what it did."""
    result = apply_import(plan, by, send_links=send_links, source=stored.filename or "")
    stored.imported_at = utcnow()
    stored.outcome = (
        f"{result.created} added, {result.changed} changed, {result.unchanged} unchanged, "
        f"{result.skipped} left out because of problems"
    )
