"""Reading people and teams for the administration pages: searched and paged in SQL, so a page
costs the same at 10,000 people as at 50."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from admin.models import AdminEvent, PeopleImport
from core.database import ById, db
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
    `whole_rows` keeps every column of each row (an entity with a count, say) as a tuple."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page = page_in_range(page, total, size)
    result = db.session.execute(
        limited_to_page(query.order_by(*order_by), page, size).options(*options)
    )
    items = [tuple(row) for row in result] if whole_rows else list(result.scalars())
    return Page(items=items, total=total, number=page, size=size)


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


def search_people(filters: PeopleFilter = PeopleFilter(), *, page: int = 1) -> Page:
    """People matching the filter (name, email or job title containing its text; agency,
    district, role, whether to show leavers), by name, one page at a time."""
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
    return _page_of(
        query,
        page,
        order_by=(User.name, User.id),
        options=(
            joinedload(User.agency),
            joinedload(User.district),
            joinedload(User.line_manager),
            selectinload(User.role_grants),
        ),
    )


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


def search_teams(text: str = "", *, page: int = 1) -> Page:
    """Teams whose name contains `text`, by name, a page at a time, each as (team, members)."""
    members = (
        sa.select(sa.func.count(TeamMembership.id))
        .where(TeamMembership.team_id == Team.id)
        .scalar_subquery()
    )
    query = sa.select(Team, members)
    if text.strip():
        query = query.where(sa.func.lower(Team.name).like(_like(text.strip()), escape="\\"))
    return _page_of(
        query,
        page,
        order_by=(Team.name, Team.id),
        options=(joinedload(Team.manager), joinedload(Team.agency), joinedload(Team.district)),
        whole_rows=True,
    )


def load_team(team_id: int) -> Team | None:
    return _TEAM_PAGE.load(team_id)


def agencies() -> list[Agency]:
    return list(db.session.scalars(sa.select(Agency).order_by(Agency.name)))


def districts() -> list[District]:
    return list(db.session.scalars(sa.select(District).order_by(District.name)))


def people_counts_by(column) -> dict[int, int]:
    return dict(
        db.session.execute(
            sa.select(column, sa.func.count(User.id)).where(column.is_not(None)).group_by(column)
        ).all()
    )


def admin_history(*, page: int = 1, person_id: int | None = None, size: int = PAGE_SIZE) -> Page:
    """The administrators' trail, newest first, for everyone or about one person."""
    query = sa.select(AdminEvent)
    if person_id is not None:
        query = query.where(AdminEvent.person_id == person_id)
    return _page_of(
        query,
        page,
        order_by=(AdminEvent.at.desc(), AdminEvent.id.desc()),
        options=(joinedload(AdminEvent.actor),),
        size=size,
    )
