"""The administrators' trail: every change to people, teams, places, imports and frameworks."""

from __future__ import annotations

from typing import Any

from admin.models import AdminEvent
from core.database import db
from core.history import field_changes


def person_details(person) -> dict[str, str]:
    """A person's details as the trail compares them, in words."""
    return {
        "Name": person.name,
        "Email": person.email,
        "Job title": person.job_title,
        "Agency": person.agency.name if person.agency else "",
        "District": person.district.name if person.district else "",
        "Line manager": person.line_manager.name if person.line_manager else "",
        "Roles": ", ".join(sorted(role.label for role in person.roles)),
    }


def team_details(team) -> dict[str, str]:
    return {
        "Name": team.name,
        "Description": team.description,
        "Agency": team.agency.name if team.agency else "Multi-agency",
        "District": team.district.name if team.district else "",
        "Manager": team.manager.name if team.manager else "",
    }


def record_admin_event(
    actor,
    action: str,
    summary: str,
    *,
    person=None,
    team=None,
    changes: dict[str, Any] | None = None,
) -> AdminEvent:
    event = AdminEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        summary=summary,
        person_id=person.id if person is not None else None,
        team_id=team.id if team is not None else None,
        changes=changes or {},
    )
    db.session.add(event)
    return event


def record_person_added(actor, person, summary: str) -> AdminEvent:
    """The trail entry for a person just added, holding every detail they were added with."""
    changes = field_changes({}, person_details(person))
    return record_admin_event(actor, "person_added", summary, person=person, changes=changes)


def record_team_added(actor, team, summary: str) -> AdminEvent:
    """The trail entry for a team just added, holding every detail it was added with."""
    changes = field_changes({}, team_details(team))
    return record_admin_event(actor, "team_added", summary, team=team, changes=changes)


def record_changes(actor, action: str, name: str, before: dict, after: dict, **subject) -> None:
    """A trail entry naming the details that differ between `before` and `after`, if any."""
    changes = field_changes(before, after)
    if changes:
        record_admin_event(
            actor,
            action,
            f"Changed {name}'s {', '.join(detail.lower() for detail in changes)}",
            changes=changes,
            **subject,
        )
