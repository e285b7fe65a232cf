"""Who may see and download an export: decided on every request, from the roles held now."""

from __future__ import annotations

from collation.models import ExportJob
from collation.selection import collation_district
from people.models import User


def can_collate(user: User) -> bool:
    """The training team (the county) and district teams (their district)."""
    return collation_district(user) is not False


def can_use_export(user: User, job: ExportJob) -> bool:
    """Only its requester, and only while they may still collate what it covers.

    A requester whose training or district role was removed, or a district team member moved to
    another district, can no longer see or download what they asked for before.
    """
    if job.requested_by_id != user.id:
        return False
    scope = collation_district(user)
    if scope is False:
        return False
    return scope is None or job.district_scope_id == scope.id
