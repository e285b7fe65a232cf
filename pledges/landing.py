"""Where `/` sends each person: to where their work is."""

from __future__ import annotations

from people.models import Role, User


def landing_endpoint(user: User) -> str:
    """The page a person lands on after signing in.

    A line manager (anyone with supervisees or a team they manage) lands on supervision, which
    leads with what awaits their sign-off; the district and training teams on their dashboard;
    everyone else on My records, where each record names its next step. A line manager who is
    also in a district or training team lands on supervision: sign-off waits on them.
    """
    if user.is_line_manager:
        return "supervision.overview"
    if user.has_role(Role.TRAINING_TEAM) or (
        user.has_role(Role.DISTRICT_TEAM) and user.district is not None
    ):
        return "collation.dashboard"
    return "pledges.my_records"
