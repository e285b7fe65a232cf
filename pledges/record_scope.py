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


def in_district(district_id: int) -> sa.ColumnElement[bool]:
    """The record's district, its owner's or else its team's, is this one: `DISTRICT_ID ==
    district_id`, said as an OR. A record has an owner or a team, never both (the
    `one_owner_or_one_team` check), so the two mean the same; PostgreSQL estimates the OR well
    where it guesses at a coalesce, and then joined every person in the county to filter."""
    return sa.or_(OWNER.district_id == district_id, TEAM.district_id == district_id)


def in_agency(agency_id: int) -> sa.ColumnElement[bool]:
    """The record's agency, its owner's or else its team's, is this one (see `in_district`)."""
    return sa.or_(OWNER.agency_id == agency_id, TEAM.agency_id == agency_id)


def signed_off_records() -> sa.ColumnElement[bool]:
    """A condition on `Record`: stage 1 is signed off (whatever the review's progress).

    The one place the collation, the library and the impact report say what "signed off" means.
    """
    return Record.state.in_([state for state in RecordState if state.is_signed_off])
