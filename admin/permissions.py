"""Who runs the service: administrators for people and organisation; the training team (and
administrators) for frameworks."""

from __future__ import annotations

from people.models import Role


def can_administer(user) -> bool:
    return bool(user.is_authenticated) and user.has_role(Role.ADMINISTRATOR)


def can_publish_frameworks(user) -> bool:
    return bool(user.is_authenticated) and (
        user.has_role(Role.TRAINING_TEAM) or user.has_role(Role.ADMINISTRATOR)
    )


def can_administer_this(user, thing) -> bool:
    """Administrators change any person, team, place, import or email."""
    return can_administer(user)


def can_publish_framework_version(user, version) -> bool:
    """Whoever publishes frameworks chooses which published version is current."""
    return can_publish_frameworks(user)
