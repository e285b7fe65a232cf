"""The records behind a figure of the dashboard: the same filters and the same conditions as the
figure (collation/queries.py builds both), so the list is as long as the figure says.

Only signed-off records are listed: those are the ones the district and training teams may read.
Records in other states are counted on the dashboard, never listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from threading import Lock

import sqlalchemy as sa
from cachetools import LRUCache, cached

from collation.queries import (
    REVIEW_SIGNED_OFF,
    REVIEW_SUPPORT,
    evidenced_reviews,
    review_due,
    scoped,
    scoped_entries,
)
from collation.selection import DASHBOARD_FILTERS, Selection, selection_from_args
from core.clock import LONDON
from core.database import db, names_by_id
from core.paging import Page, limited_to_page, page_asked, page_in_range
from core.planning import values_written_in
from people.models import Agency, District, User
from pledges.models import ChangeJudgement, Entry, KeyPoint, Record, RecordState
from pledges.record_scope import AGENCY_ID, DISTRICT_ID, MULTI_AGENCY, NO_DISTRICT, with_owner

PAGE_SIZE = 50
REVIEW_DUE = {"due": "Reviews due, not yet submitted", "overdue": "Reviews overdue by four weeks or more"}  # fmt: skip
SUPPORT = {key: (label, independent) for key, label, independent in REVIEW_SUPPORT}


@dataclass(frozen=True)
class RecordsWanted:
    """The dashboard's filters, and the figure's own: a status, a judgement of change, how a
    review is evidenced, or reviews due or overdue."""

    selection: Selection
    status: RecordState | None = None
    judgement: ChangeJudgement | None = None
    support: str | None = None
    review: str | None = None
    # The dashboard's filter that the figure chose (a district's bar): not the dashboard's own.
    figure_filter: str | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def lists_pledges(self) -> bool:
        """A judgement is of a pledge: the list has a row for each pledge so judged."""
        return self.judgement is not None

    @property
    def is_private(self) -> bool:
        """A status before sign-off: counted on the dashboard, never listed."""
        return self.status is not None and not self.status.is_signed_off

    def describe(self) -> str:
        """What the figure counted, in words: "Signed-off records; Status: Signed off; …"."""
        parts = [self.selection.describe()]
        if self.status is not None:
            parts.append(f"status: {self.status.label}")
        if self.judgement is not None:
            parts.append(f"pledges judged: {self.judgement.label}")
        if self.support is not None:
            parts.append(f"signed-off reviews: {SUPPORT[self.support][0]}")
        if self.review is not None:
            parts.append(REVIEW_DUE[self.review])
        return "; ".join(parts)

    def query_args(self) -> dict[str, str]:
        args = self.selection.query_args()  # "anonymise" too: it is kept for the way back
        own = {
            "status": self.status.value if self.status else None,
            "judgement": self.judgement.value if self.judgement else None,
            "support": self.support,
            "review": self.review,
            "by": self.figure_filter,
        }
        return {**args, **{key: value for key, value in own.items() if value}}

    def statement_key(self) -> tuple:
        """Everything the list's SQL depends on, as plain values: the filters of its address
        and the district a district team is held to (which the address leaves out)."""
        district = self.selection.effective_district
        return (tuple(sorted(self.query_args().items())), district.id if district else None)

    def dashboard_args(self) -> dict[str, str]:
        """The dashboard's address with its filters as they were (the figure's own are the
        list's)."""
        args = self.selection.query_args()
        args.pop(self.figure_filter or "", None)
        return args


def _choice(args, key: str, choices, what: str, problems: list[str]):
    raw = args.get(key, "")
    if not raw:
        return None
    if raw not in choices:
        problems.append(f"The {what} chosen was not found, so it was left out of the list.")
        return None
    return choices[raw] if isinstance(choices, dict) else raw


def records_wanted_from_args(args, user: User) -> RecordsWanted:
    """Read the list's filters from its address; anything unusable is dropped with a message."""
    selection = selection_from_args(args, user)
    problems = list(selection.problems)
    wanted = RecordsWanted(
        selection=selection,
        status=_choice(args, "status", {s.value: s for s in RecordState}, "status", problems),
        judgement=_choice(
            args, "judgement", {j.value: j for j in ChangeJudgement}, "judgement", problems
        ),
        support=_choice(args, "support", SUPPORT, "kind of evidence", problems) and args["support"],
        review=_choice(args, "review", REVIEW_DUE, "review date", problems) and args["review"],
        figure_filter=args.get("by") if args.get("by") in DASHBOARD_FILTERS else None,
    )
    return replace(wanted, problems=tuple(problems))


@dataclass(frozen=True)
class RecordRow:
    record_id: int
    name: str
    cycle: int
    state: RecordState
    district: str
    agency: str
    is_team: bool
    signed_off_on: date | None
    review_due_on: date | None
    pledge: str = ""  # "3) Key point title": the pledge judged, in a list of pledges


def _query(wanted: RecordsWanted, today: date, *columns):
    """The records (or, for a judgement, the pledges) behind the figure, as `columns`."""
    selection = wanted.selection
    if wanted.lists_pledges:
        query = scoped_entries(
            sa.select(*columns).select_from(Record).join(Entry, Entry.record_id == Record.id),
            selection,
        ).where(REVIEW_SIGNED_OFF, Entry.change_judgement == wanted.judgement)
    else:
        query = scoped(sa.select(*columns), selection)
    if wanted.status is not None:
        query = query.where(Record.state == wanted.status)
    if wanted.support is not None:
        reviews = evidenced_reviews(selection)
        independent = SUPPORT[wanted.support][1]
        query = query.where(
            Record.id.in_(sa.select(reviews.c.id).where(reviews.c.independent == independent))
        )
    if wanted.review is not None:
        query = query.where(review_due(wanted.review, today))
    return query


_ROW_COLUMNS = (
    Record.id,
    Record.name,
    Record.cycle,
    Record.state,
    DISTRICT_ID,
    AGENCY_ID,
    Record.team_id,
    Record.signed_off_at,
    Record.review_due_on,
)


# A page's statement is built once for each filter, page and day: building it, and SQLAlchemy
# working out a new statement's cache key, took 3 to 5 ms of a list's CPU a request. A statement
# is immutable and holds plain values only, so one serves every request for the same list.
_STATEMENTS: LRUCache = LRUCache(maxsize=512)


@cached(
    _STATEMENTS,
    key=lambda wanted, page, today: (wanted.statement_key(), page, PAGE_SIZE, today),
    lock=Lock(),
)
def _page_statement(wanted: RecordsWanted, page: int, today: date):
    """The statement of one page's rows, each with the list's `total`.

    The page's ids are chosen first, reading only what the filters need, and counted in the
    same pass (the filters are read once, where a count of its own read them twice); only those
    rows are then joined to their owners and teams for the columns shown. Selecting the columns
    with the filters had joined every one of the 4,000 records of a county's figure to its
    owner before keeping 50 (10 ms of PostgreSQL's time a page, against 4)."""
    newest_first = [Record.signed_off_at.desc(), Record.id.desc()]
    total = sa.func.count().over().label("total")
    if wanted.lists_pledges:
        order = [*newest_first, Entry.position]
        chosen = limited_to_page(
            _query(wanted, today, Entry.id, total).order_by(*order), page, PAGE_SIZE
        ).subquery()
        query = (
            with_owner(
                sa.select(
                    *_ROW_COLUMNS,
                    KeyPoint.number,
                    KeyPoint.title,
                    Entry.finding_title,
                    chosen.c.total,
                )
                .select_from(Entry)
                .join(chosen, chosen.c.id == Entry.id)
                .join(Record, Entry.record_id == Record.id)
            )
            .outerjoin(KeyPoint, Entry.key_point_id == KeyPoint.id)
            .order_by(*order)
        )
    else:
        chosen = limited_to_page(
            _query(wanted, today, Record.id, total).order_by(*newest_first), page, PAGE_SIZE
        ).subquery()
        query = with_owner(
            sa.select(*_ROW_COLUMNS, chosen.c.total)
            .select_from(Record)
            .join(chosen, chosen.c.id == Record.id)
        ).order_by(*newest_first)
    return values_written_in(query)


def _page_rows(wanted: RecordsWanted, page: int, today: date):
    """The rows of one page, each with the list's `total` (`_page_statement`)."""
    return db.session.execute(_page_statement(wanted, page, today)).all()


def _on(value: datetime | None) -> date | None:
    return value.astimezone(LONDON).date() if value is not None else None


def records_page(wanted: RecordsWanted, page: int, today: date) -> Page:
    """One page of the records (or judged pledges) behind a figure, newest sign-off first."""
    if wanted.is_private:
        return Page(items=[], total=0, number=1, size=PAGE_SIZE)
    page = page_asked(page)
    rows = _page_rows(wanted, page, today)
    total = rows[0].total if rows else 0
    if not rows and page > 1:
        # Beyond the last page (an old link, a list that has shrunk): show the last page.
        counted = _query(wanted, today, Entry.id if wanted.lists_pledges else Record.id)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(counted.subquery()))
        page = page_in_range(page, total, PAGE_SIZE)
        rows = _page_rows(wanted, page, today) if total else []
    districts, agencies = names_by_id(District), names_by_id(Agency)
    items = [
        RecordRow(
            record_id=row[0],
            name=row[1],
            cycle=row[2],
            state=row[3],
            district=districts.get(row[4], NO_DISTRICT),
            agency=agencies.get(row[5], MULTI_AGENCY),
            is_team=row[6] is not None,
            signed_off_on=_on(row[7]),
            review_due_on=row[8],
            pledge=(f"{row[9]}) {row[10]}" if row[9] is not None else row[11])
            if wanted.lists_pledges
            else "",
        )
        for row in rows
    ]
    return Page(items=items, total=total, number=page, size=PAGE_SIZE)
