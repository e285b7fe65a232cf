"""Reading the library: one page of shared entries in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import sqlalchemy as sa

from core.clock import LONDON
from core.database import all_by_name, db, names_by_id
from core.ids import parse_id
from core.paging import Page, page_asked, page_in_range
from core.planning import values_written_in
from library.models import FeaturedEntry, has_shared_text
from library.search import matching_entries
from people.models import Agency, District
from pledges.models import (
    Entry,
    KeyPoint,
    Record,
    Sharing,
)
from pledges.queries import published_key_points
from pledges.record_scope import (
    AGENCY_ID,
    DISTRICT_ID,
    MULTI_AGENCY,
    NO_DISTRICT,
    OWNER,
    TEAM,
    in_agency,
    in_district,
    signed_off_records,
    with_owner,
)

PAGE_SIZE = 20
# Entries counted exactly; past this the page says "more than 1,000 entries".
COUNT_UP_TO = 1000
# Searching for words or filtering by a key point, fewer: "more than 200 entries". Counting a
# common word's or a key point's entries up to 1,000 walks about 1,000 records (10 to 20 ms).
NARROWED_COUNT_UP_TO = 200


def in_library() -> sa.ColumnElement[bool]:
    """A condition on `Entry` joined to its `Record`: the entry is shared in the library.

    Signed off; its owners did not choose "do not share"; the identifying-details check run at
    sign-off did not flag it (entries never checked stay out too); and it has something to share.
    (`signed_off_at` is set exactly when the record is signed off, a check constraint says so;
    said here too, so the partial index `ix_records_signed_off` serves the library's order.)
    """
    return sa.and_(
        signed_off_records(),
        Record.signed_off_at.is_not(None),
        Record.sharing != Sharing.NOT_SHARED,
        has_shared_text(),
    )


@dataclass(frozen=True)
class LibraryFilters:
    words: str = ""
    key_point_number: int | None = None
    agency_id: int | None = None
    district_id: int | None = None

    @classmethod
    def from_args(cls, args) -> LibraryFilters:
        number = parse_id(args.get("key_point"))
        return cls(
            words=(args.get("q") or "").strip()[:200],
            key_point_number=number if number is not None and number <= 99 else None,
            agency_id=parse_id(args.get("agency")),
            district_id=parse_id(args.get("district")),
        )

    def query_args(self) -> dict[str, str]:
        args = {
            "q": self.words,
            "key_point": self.key_point_number,
            "agency": self.agency_id,
            "district": self.district_id,
        }
        return {key: str(value) for key, value in args.items() if value not in (None, "")}

    @property
    def is_filtered(self) -> bool:
        return bool(self.query_args())


@dataclass(frozen=True)
class LibraryItem:
    """One shared entry as the library shows it. `shared_by` is empty when anonymised."""

    entry_id: int
    record_id: int
    title: str
    good_practice: str
    pledge: str
    agency: str
    district: str
    shared_by: str
    signed_off_on: date | None
    is_featured: bool
    agency_id: int | None = None
    district_id: int | None = None
    featured_on: date | None = None


def shared_entry_columns() -> tuple:
    """What a shared entry is shown from (`shared_entries`), on a query from `Entry` joined to
    its `Record`, the record's owner or team (`with_owner`), its `KeyPoint` and `FeaturedEntry`
    (outer joins: either may be missing)."""
    return (
        Entry.id,
        Entry.record_id,
        Entry.finding_title,
        Entry.good_practice,
        Entry.pledge,
        KeyPoint.number,
        KeyPoint.title,
        Record.sharing,
        Record.signed_off_at,
        OWNER.name,
        TEAM.name,
        DISTRICT_ID,
        AGENCY_ID,
        FeaturedEntry.featured_at,
    )


def shared_entries(rows) -> list[LibraryItem]:
    """Rows of `shared_entry_columns` as the library shows them: named with the owner's or the
    team's name only when the owners chose so, else by agency and district alone."""
    agencies, districts = names_by_id(Agency), names_by_id(District)
    return [
        LibraryItem(
            entry_id=entry_id,
            record_id=record_id,
            title=f"{number}) {point}" if number is not None else finding,
            good_practice=good_practice,
            pledge=pledge,
            agency=agencies.get(agency_id, MULTI_AGENCY),
            district=districts.get(district_id, NO_DISTRICT),
            shared_by=(team or owner or "") if sharing is Sharing.NAMED else "",
            signed_off_on=_london_date(signed_off_at),
            is_featured=featured_at is not None,
            agency_id=agency_id,
            district_id=district_id,
            featured_on=_london_date(featured_at),
        )
        for (entry_id, record_id, finding, good_practice, pledge, number, point, sharing,
             signed_off_at, owner, team, district_id, agency_id, featured_at) in rows
    ]  # fmt: skip


def _library_query(filters: LibraryFilters, *columns, featured: bool | None = None):
    """The shared entries matching `filters`: the featured ones, the others, or (None) all."""
    query = (
        with_owner(
            sa.select(*columns).select_from(Record).join(Entry, Entry.record_id == Record.id)
        )
        .outerjoin(KeyPoint, Entry.key_point_id == KeyPoint.id)
        .outerjoin(FeaturedEntry, FeaturedEntry.entry_id == Entry.id)
        .where(in_library(), matching_entries(filters.words))
    )
    if featured is not None:
        query = query.where(
            FeaturedEntry.entry_id.is_not(None) if featured else FeaturedEntry.entry_id.is_(None)
        )
    if filters.key_point_number is not None:
        query = query.where(KeyPoint.number == filters.key_point_number)
    if filters.agency_id is not None:
        query = query.where(in_agency(filters.agency_id))
    if filters.district_id is not None:
        query = query.where(in_district(filters.district_id))
    return query


def _london_date(value: datetime | None) -> date | None:
    return value.astimezone(LONDON).date() if value is not None else None


@dataclass
class LibraryPage(Page):
    """A page of the library. When `more`, `total` is a floor: there are more entries than that
    (counting all of them would read the whole county on every page)."""

    more: bool = False

    @property
    def has_next(self) -> bool:
        return self.more or super().has_next


NEWEST_FIRST = (Record.signed_off_at.desc(), Record.id.desc(), Entry.position)


def _count_up_to(filters: LibraryFilters) -> int:
    narrowed = filters.words or filters.key_point_number is not None
    return NARROWED_COUNT_UP_TO if narrowed else COUNT_UP_TO


def _counts(filters: LibraryFilters, up_to: int) -> tuple[int, int, list[int] | None]:
    """The featured entries (few: counted exactly), all the entries counted up to `up_to`, and,
    searching for words, the entries found (up to `up_to`: all of them when fewer).

    Browsing, the entries are counted in the page's order, so PostgreSQL walks the newest
    records and stops at `up_to`. Searching for words, the entries are read in any order, so
    PostgreSQL starts from the words' index, and their ids come back instead of their count: when
    those are all there are, the page is read by id (a rare word would otherwise have the walk
    through the newest records read the whole county to find a few)."""
    statement = _counts_statement(_dialect(), filters, up_to)
    if filters.words:
        rows = db.session.execute(statement).all()
        return (rows[0][1] if rows else 0), len(rows), [entry_id for entry_id, _ in rows]
    featured_count, counted = db.session.execute(statement).one()
    return featured_count, counted, None


def _dialect() -> str:
    return db.session.get_bind().dialect.name


# The library's statements are built once for each filter and page: building them, and
# SQLAlchemy working out each new statement's cache key, was a sixth of a page's CPU (1.7 ms of
# 10). A statement is immutable, so one can serve every request. (The database's dialect is part
# of the key: a search is written differently on each.) Their values, the words searched
# included, are written into their SQL (core/planning.py): sent as parameters, PostgreSQL planned
# a search's three statements afresh on every request (half its 9.5 ms a page).
_built_once = lru_cache(maxsize=512)


@_built_once
def _counts_statement(dialect: str, filters: LibraryFilters, up_to: int):
    """What `_counts` runs."""
    featured = _library_query(filters, Entry.id, featured=True).subquery()
    count_featured = sa.select(sa.func.count()).select_from(featured).scalar_subquery()
    every = _library_query(filters, Entry.id)
    if filters.words:
        found = every.limit(up_to).subquery()
        return values_written_in(sa.select(found.c.id, count_featured))
    every = every.order_by(Record.signed_off_at.desc(), Record.id.desc()).limit(up_to).subquery()
    count_every = sa.select(sa.func.count()).select_from(every).scalar_subquery()
    return values_written_in(sa.select(count_featured, count_every))


@_built_once
def _page_statement(
    dialect: str,
    filters: LibraryFilters,
    featured: bool,
    limit: int,
    offset: int,
    only: tuple[int, ...] | None,
):
    """The featured entries of a page, or the others: `limit` of them from `offset`, and, when
    `only` is given, only those entries (a search that found few)."""
    order = (FeaturedEntry.featured_at.desc(), *NEWEST_FIRST) if featured else NEWEST_FIRST
    query = _library_query(filters, *shared_entry_columns(), featured=featured)
    if only is not None:
        query = query.where(Entry.id.in_(only))
    return values_written_in(query.order_by(*order).limit(limit).offset(offset))


def library_page(filters: LibraryFilters, page: int = 1) -> LibraryPage:
    """One page of the library: featured entries first (most recently featured first), then the
    newest signed off. At most five queries whatever the page or the size of the county (the
    counts, the featured entries on this page if any, the others if there is room, the names of
    agencies and districts), each
    reading about as many rows as the pages up to this one hold: the entries are counted exactly
    up to `COUNT_UP_TO` (`NARROWED_COUNT_UP_TO` for words or a key point; or this page, when
    further), and beyond that only "more than". (Searching for words, see `_counts`.)"""
    page = page_asked(page)
    wanted = max(_count_up_to(filters), page * PAGE_SIZE)
    featured, counted, found = _counts(filters, up_to=wanted + 1)
    more = counted > wanted
    total = min(counted, wanted)
    if not more:
        page = page_in_range(page, total, PAGE_SIZE)
    start = (page - 1) * PAGE_SIZE
    from_featured = max(0, min(PAGE_SIZE, featured - start))
    only = tuple(found) if found is not None and not more else None
    dialect = _dialect()
    # A part of the page with no room on it is not asked for (most pages have no featured
    # entry): PostgreSQL planned and ran the statement for nothing, 3.7 ms for a word searched.
    rows = []
    if from_featured:
        rows += db.session.execute(
            _page_statement(dialect, filters, True, from_featured, start, only)
        ).all()
    if PAGE_SIZE - from_featured:
        rows += db.session.execute(
            _page_statement(
                dialect, filters, False, PAGE_SIZE - from_featured, max(0, start - featured), only
            )
        ).all()
    items = shared_entries(rows)
    return LibraryPage(items=items, total=total, number=page, size=PAGE_SIZE, more=more)


def is_in_library(entry: Entry) -> bool:
    """Whether the library shows this entry (to anyone signed in)."""
    query = (
        sa.select(Entry.id)
        .join(Record, Entry.record_id == Record.id)
        .where(Entry.id == entry.id, in_library())
    )
    return db.session.scalar(query) is not None


def key_point_choices() -> list[tuple[int, str]]:
    """The key points to filter by: the current framework's (numbers are shared across versions)."""
    return [(number, f"{number}) {title}") for number, title in published_key_points()]


def choices(model) -> list[tuple[int, str]]:
    """The filter's options, (id, name) in name order."""
    return [(row.id, row.name) for row in all_by_name(model)]
