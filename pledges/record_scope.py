"""Whose a record is, in SQL: the pieces every county-wide reading of records shares (the
collation, the impact report and the library). A record belongs to a person or to a team; its
district and agency are the owner's, or else the team's."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from people.models import Team, User
from pledges.models import Record, RecordState

MULTI_AGENCY = "Multi-agency"
NO_DISTRICT = "No district"
OWNER = aliased(User)
TEAM = aliased(Team)
DISTRICT_ID = sa.func.coalesce(OWNER.district_id, TEAM.district_id)
AGENCY_ID = sa.func.coalesce(OWNER.agency_id, TEAM.agency_id)


def with_owner(query):
    """Join a query on `Record` to its owner (`OWNER`) or team (`TEAM`), either of which may be
    missing, so that `DISTRICT_ID` and `AGENCY_ID` can be read or filtered on."""
    return query.outerjoin(OWNER, Record.owner_id == OWNER.id).outerjoin(
        TEAM, Record.team_id == TEAM.id
    )


def signed_off_records() -> sa.ColumnElement[bool]:
    """A condition on `Record`: stage 1 is signed off (whatever the review's progress).

    The one place the collation, the library and the impact report say what "signed off" means.
    """
    return Record.state.in_([state for state in RecordState if state.is_signed_off])
