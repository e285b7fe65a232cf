"""Who may do what in the library: everyone signed in reads it; the training team features."""

from __future__ import annotations

from people.models import Role, User


def can_read_library(user: User) -> bool:
    """Every signed-in person: sharing good practice across the county is what it is for."""
    return user.is_authenticated


def can_feature(user: User) -> bool:
    """The training team celebrates good practice (section 8): they feature entries."""
    return user.has_role(Role.TRAINING_TEAM)


def can_feature_entry(user: User, entry) -> bool:
    """Featuring (or not) one entry: the training team; whether the library shows the entry is
    the operation's rule (it refuses, with a message)."""
    return can_feature(user)
