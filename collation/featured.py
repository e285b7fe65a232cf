"""The featured good practice that opens the collated PDF: the entries the training team featured
that fall in the selection and that their owners let the library share, newest featured first."""

from __future__ import annotations

from collation.queries import collated_query
from collation.selection import Selection
from core.database import db
from library.models import FeaturedEntry
from library.queries import LibraryItem, in_library, shared_entries, shared_entry_columns
from pledges.models import Entry


def featured_items(selection: Selection) -> list[LibraryItem]:
    """The featured entries the collation of `selection` holds (the same filters as its body)
    and the library shares, as the library shows them, most recently featured first: three
    queries, whatever the size of the county."""
    query, _ = collated_query(selection, *shared_entry_columns())
    query = (
        query.join(FeaturedEntry, FeaturedEntry.entry_id == Entry.id)
        .where(in_library())
        .order_by(FeaturedEntry.featured_at.desc(), Entry.id.desc())
    )
    return shared_entries(db.session.execute(query))
