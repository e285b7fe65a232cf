"""The featured good practice that opens the collated PDF: the entries the training team featured
that fall in the selection and that their owners let the library share, newest featured first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from collation.queries import _collated_query, _names
from collation.selection import Selection
from core.clock import LONDON
from core.database import db
from library.models import FeaturedEntry
from library.queries import in_library
from people.models import Agency, District
from pledges.models import Entry, KeyPoint, Record, Sharing
from pledges.record_scope import AGENCY_ID, DISTRICT_ID, MULTI_AGENCY, NO_DISTRICT, OWNER, TEAM


@dataclass(frozen=True)
class FeaturedItem:
    title: str  # the key point, or the added finding's title
    good_practice: str
    pledge: str
    sharing: Sharing  # named or anonymised: entries not shared never come here
    shared_by: str  # the owner's name, or the team's
    agency: str
    district: str
    agency_id: int | None
    district_id: int | None
    featured_on: date


def featured_items(selection: Selection) -> list[FeaturedItem]:
    """The featured entries the collation of `selection` holds (the same filters as its body)
    and the library shares, most recently featured first: three queries, whatever the size."""
    query, _ = _collated_query(
        selection,
        Entry.finding_title,
        Entry.good_practice,
        Entry.pledge,
        KeyPoint.number,
        KeyPoint.title,
        Record.sharing,
        OWNER.name,
        TEAM.name,
        AGENCY_ID,
        DISTRICT_ID,
        FeaturedEntry.featured_at,
    )
    query = (
        query.join(FeaturedEntry, FeaturedEntry.entry_id == Entry.id)
        .where(in_library())
        .order_by(FeaturedEntry.featured_at.desc(), Entry.id.desc())
    )
    agencies, districts = _names(Agency), _names(District)
    return [
        FeaturedItem(
            title=f"{number}) {point}" if number is not None else finding,
            good_practice=good_practice,
            pledge=pledge,
            sharing=sharing,
            shared_by=team or owner or "",
            agency=agencies.get(agency_id, MULTI_AGENCY),
            district=districts.get(district_id, NO_DISTRICT),
            agency_id=agency_id,
            district_id=district_id,
            featured_on=featured_at.astimezone(LONDON).date(),
        )
        for (finding, good_practice, pledge, number, point, sharing, owner, team, agency_id,
             district_id, featured_at) in db.session.execute(query)
    ]  # fmt: skip
