"""Who reads the impact report, and of what: the training team and administrators the county,
a district team its own district."""

from __future__ import annotations

from people.models import District, Role, User


def impact_scope(user: User) -> District | bool | None:
    """None for the whole county; a district team member's district; False for no report."""
    if user.has_role(Role.TRAINING_TEAM) or user.has_role(Role.ADMINISTRATOR):
        return None
    if user.has_role(Role.DISTRICT_TEAM) and user.district is not None:
        return user.district
    return False


def can_read_impact(user: User) -> bool:
    return user.is_authenticated and impact_scope(user) is not False
