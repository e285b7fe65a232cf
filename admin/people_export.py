"""Everyone who can sign in, as a CSV in the import's own columns: download it, change it in a
spreadsheet, import it again, and the dry run shows exactly what changed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from core.cells import neutralise
from core.database import db
from people.models import TeamMembership, User

HEADINGS = [
    "name",
    "email",
    "job title",
    "agency",
    "district",
    "team",
    "line manager's email",
    "roles",
]


def people_rows(batch_size: int = 1000) -> Iterator[list[str]]:
    """One row a person who can sign in, by name, streamed from the database."""
    query = (
        sa.select(User)
        .where(User.is_active_account.is_(True))
        .order_by(User.name, User.id)
        .options(
            joinedload(User.agency),
            joinedload(User.district),
            joinedload(User.line_manager),
            selectinload(User.role_grants),
            selectinload(User.memberships).joinedload(TeamMembership.team),
        )
        .execution_options(yield_per=batch_size)
    )
    for person in db.session.scalars(query):
        yield [
            person.name,
            person.email,
            person.job_title,
            person.agency.name if person.agency else "",
            person.district.name if person.district else "",
            "; ".join(team.name for team in person.teams),
            person.line_manager.email if person.line_manager else "",
            "; ".join(sorted(role.value.replace("_", " ") for role in person.roles)),
        ]


def people_csv_chunks() -> Iterator[str]:
    """The CSV, a few hundred rows at a time (UTF-8 with a byte-order mark, for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(HEADINGS)
    for number, row in enumerate(people_rows(), start=1):
        writer.writerow([neutralise(cell) for cell in row])
        if number % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
