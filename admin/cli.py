"""`flask --app app users …`: import people from a CSV file; make the first administrator."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa

from admin.history import record_admin_event
from admin.people_files import people_file_text
from admin.people_import import ImportFileError, ImportPlan, apply_import, plan_import
from core.database import db
from people.models import Role, User, UserRole
from people.operations import create_user, find_user_by_email
from people.password_links import LinkPurpose, set_password_address

users_group = click.Group("users", help="People: import them, make the first administrator.")


def _administrator(email: str | None) -> User:
    if email:
        user = find_user_by_email(email)
        if user is None or not user.has_role(Role.ADMINISTRATOR) or not user.is_active:
            raise click.BadParameter(f"{email} is not an active administrator.", param_hint="--by")
        return user
    user = db.session.scalar(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMINISTRATOR, User.is_active_account.is_(True))
        .order_by(User.id)
        .limit(1)
    )
    if user is None:
        raise click.ClickException(
            "There is no administrator yet. Make one first: "
            "flask --app app users create-administrator --email … --name …"
        )
    return user


def echo_plan(plan: ImportPlan) -> None:
    for label, names in (
        ("agencies", plan.new_agencies),
        ("districts", plan.new_districts),
        ("teams", plan.new_teams),
    ):
        if names:
            click.echo(f"New {label}: {', '.join(names)}")
    for name, known in plan.close_to.items():
        click.echo(f"Check: is the new “{name}” a misspelling of “{known}”, already here?")
    if plan.teams_without_manager:
        click.echo(
            "No manager (nobody can sign off their records until one is chosen): "
            + ", ".join(plan.teams_without_manager)
        )
    for row in plan.errors:
        for problem in row.problems:
            click.echo(f"Row {row.line} ({row.email or 'no email'}): {problem}", err=True)
    for row in plan.with_action("change"):
        click.echo(f"Row {row.line} ({row.email}): " + "; ".join(row.changes))
    click.echo(
        f"{len(plan.with_action('create'))} to add, {len(plan.with_action('change'))} to change, "
        f"{len(plan.with_action('unchanged'))} unchanged, {len(plan.errors)} with problems."
    )


@users_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would happen; change nothing.")
@click.option("--by", "by_email", help="The administrator the import is recorded as.")
@click.option("--no-links", is_flag=True, help="Do not email new people a set-password link.")
def import_command(path: Path, dry_run: bool, by_email: str | None, no_links: bool) -> None:
    """Import people from a CSV file or Excel workbook (name, email, job title, agency, district, team, line
    manager's email, roles). Rows with problems are left out; re-importing changes nothing."""
    try:
        plan = plan_import(people_file_text(path.read_bytes()))
    except ImportFileError as problem:
        raise click.ClickException(str(problem)) from problem
    echo_plan(plan)
    if dry_run:
        click.echo("Dry run: nothing was changed.")
        return
    if not plan.has_work:
        click.echo("Nothing to import.")
        return
    result = apply_import(plan, _administrator(by_email), send_links=not no_links, source=path.name)
    db.session.commit()
    click.echo(
        f"Imported: {result.created} added, {result.changed} changed, {result.unchanged} "
        f"unchanged, {result.skipped} left out because of problems."
    )


@users_group.command("create-administrator")
@click.option("--email", required=True)
@click.option("--name", required=True)
def create_administrator_command(email: str, name: str) -> None:
    """Make an administrator and print a link for them to set their password (valid 7 days)."""
    person = find_user_by_email(email)
    if person is None:
        person = create_user(email=email, name=name, roles={Role.ADMINISTRATOR})
    elif not person.has_role(Role.ADMINISTRATOR):
        person.role_grants.append(UserRole(role=Role.ADMINISTRATOR))
    person.is_active_account = True
    record_admin_event(
        None, "administrator_made", f"Made {person.name} an administrator", person=person
    )
    db.session.commit()
    address = set_password_address(person, LinkPurpose.WELCOME)
    click.echo(f"{person.name} ({person.email}) is an administrator.")
    click.echo(f"Set the password here: {address}")
