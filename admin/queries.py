"""Reading people and teams for the administration pages: searched and paged in SQL, so a page
costs the same at 10,000 people as at 50."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from admin.models import AdminEvent, PeopleImport
from core.database import ById, all_by_name, db
from core.forms import remove_null_characters
from core.ids import parse_id
from core.paging import Page, limited_to_page, page_in_range
from people.models import Agency, District, Role, Team, TeamMembership, User, UserRole
from pledges.models import Record

PAGE_SIZE = 50


def _page_of(
    query, page: int, *, order_by, options=(), size: int = PAGE_SIZE, whole_rows: bool = False
) -> Page:
    """One page of a query: counted, the page number kept in range, ordered and loaded eagerly.
    `whole_rows` keeps every column of each row (an entity with a count, say) as a tuple.

    Pass the same `query`, `order_by` and `options` objects for the same list (see
    `_people_matching`): the count and the page are then built once (`_counted`, `_paged`)."""
    total = db.session.scalar(_counted(query))
    page = page_in_range(page, total, size)
    result = db.session.execute(_paged(query, page, size, order_by, options))
    items = [tuple(row) for row in result] if whole_rows else list(result.scalars())
    return Page(items=items, total=total, number=page, size=size)


# A list's statements are built once for each filter and page: SQLAlchemy works out a
# statement's cache key once for each statement object, and building the people list's two
# statements and their keys again on every request was a sixth of its CPU. Keyed by the
# objects given, which the lists keep (`_people_matching`, `_PEOPLE_ORDER`, `_PEOPLE_OPTIONS`).
@lru_cache(maxsize=512)
def _counted(query):
    return sa.select(sa.func.count()).select_from(query.subquery())


@lru_cache(maxsize=512)
def _paged(query, page: int, size: int, order_by: tuple, options: tuple):
    return limited_to_page(query.order_by(*order_by), page, size).options(*options)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class PeopleFilter:
    """What the people list is narrowed to; read from the page's address, so it can be shared."""

    text: str = ""
    agency_id: int | None = None
    district_id: int | None = None
    role: Role | None = None
    show_left: bool = True

    @classmethod
    def from_args(cls, args) -> PeopleFilter:
        """Anything unreadable in the address is ignored, never an error."""

        role = next((r for r in Role if r.value == args.get("role")), None)
        return cls(
            text=remove_null_characters(args.get("q", ""))[:200].strip(),
            agency_id=parse_id(args.get("agency")),
            district_id=parse_id(args.get("district")),
            role=role,
            show_left=args.get("left") != "hide",
        )

    def query_args(self) -> dict[str, str]:
        """The filter as the page's address says it, for links to other pages of the list."""
        args = {
            "q": self.text,
            "agency": str(self.agency_id or ""),
            "district": str(self.district_id or ""),
            "role": self.role.value if self.role else "",
            "left": "" if self.show_left else "hide",
        }
        return {name: value for name, value in args.items() if value}


_PEOPLE_ORDER = (User.name, User.id)
_PEOPLE_OPTIONS = (
    joinedload(User.agency),
    joinedload(User.district),
    joinedload(User.line_manager),
    selectinload(User.role_grants),
)


def search_people(filters: PeopleFilter = PeopleFilter(), *, page: int = 1) -> Page:
    """People matching the filter (name, email or job title containing its text; agency,
    district, role, whether to show leavers), by name, one page at a time."""
    return _page_of(
        _people_matching(filters), page, order_by=_PEOPLE_ORDER, options=_PEOPLE_OPTIONS
    )


@lru_cache(maxsize=256)
def _people_matching(filters: PeopleFilter):
    """The people the filter keeps, built once for each filter (see `_counted`)."""
    query = sa.select(User)
    if filters.text:
        pattern = _like(filters.text)
        query = query.where(
            sa.or_(
                sa.func.lower(User.name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
                sa.func.lower(User.job_title).like(pattern, escape="\\"),
            )
        )
    if filters.agency_id is not None:
        query = query.where(User.agency_id == filters.agency_id)
    if filters.district_id is not None:
        query = query.where(User.district_id == filters.district_id)
    if filters.role is not None:
        query = query.where(
            sa.exists().where(UserRole.user_id == User.id, UserRole.role == filters.role)
        )
    if not filters.show_left:
        query = query.where(User.is_active_account.is_(True))
    return query


_PERSON_PAGE = ById(
    User,
    selectinload(User.supervisees),
    selectinload(User.managed_teams),
    selectinload(User.memberships).joinedload(TeamMembership.team),
)
_TEAM_PAGE = ById(Team, selectinload(Team.memberships).joinedload(TeamMembership.user))


def load_person(person_id: int) -> User | None:
    return _PERSON_PAGE.load(person_id)


def load_import(import_id: int) -> PeopleImport | None:
    return db.session.get(PeopleImport, import_id)


def records_owned_by(person: User) -> list[Record]:
    """A person's own records (not their teams'), first cycle first."""
    return list(
        db.session.scalars(
            sa.select(Record).where(Record.owner_id == person.id).order_by(Record.cycle)
        )
    )


_TEAMS_ORDER = (Team.name, Team.id)
_TEAMS_OPTIONS = (joinedload(Team.manager), joinedload(Team.agency), joinedload(Team.district))


def search_teams(text: str = "", *, page: int = 1) -> Page:
    """Teams whose name contains `text`, by name, a page at a time, each as (team, members)."""
    return _page_of(
        _teams_matching(text.strip()),
        page,
        order_by=_TEAMS_ORDER,
        options=_TEAMS_OPTIONS,
        whole_rows=True,
    )


@lru_cache(maxsize=256)
def _teams_matching(text: str):
    """The teams whose name holds `text`, with their member counts, built once for each text."""
    members = (
        sa.select(sa.func.count(TeamMembership.id))
        .where(TeamMembership.team_id == Team.id)
        .scalar_subquery()
    )
    query = sa.select(Team, members)
    if text:
        query = query.where(sa.func.lower(Team.name).like(_like(text), escape="\\"))
    return query


def load_team(team_id: int) -> Team | None:
    return _TEAM_PAGE.load(team_id)


def agencies() -> list[Agency]:
    return all_by_name(Agency)


def districts() -> list[District]:
    return all_by_name(District)


def people_counts_by(column) -> dict[int, int]:
    return dict(
        db.session.execute(
            sa.select(column, sa.func.count(User.id)).where(column.is_not(None)).group_by(column)
        ).all()
    )


_HISTORY_ORDER = (AdminEvent.at.desc(), AdminEvent.id.desc())
_HISTORY_OPTIONS = (joinedload(AdminEvent.actor),)


def admin_history(*, page: int = 1, person_id: int | None = None, size: int = PAGE_SIZE) -> Page:
    """The administrators' trail, newest first, for everyone or about one person."""
    return _page_of(
        _history_about(person_id),
        page,
        order_by=_HISTORY_ORDER,
        options=_HISTORY_OPTIONS,
        size=size,
    )


@lru_cache(maxsize=256)
def _history_about(person_id: int | None):
    query = sa.select(AdminEvent)
    if person_id is not None:
        query = query.where(AdminEvent.person_id == person_id)
    return query
