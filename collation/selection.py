"""What a collation covers: who may collate, and the filters a user chose (kept in the URL)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from core.database import db
from core.date_input import DateProblem, parse_date_parts, parts_of, typed_parts
from core.ids import parse_id
from core.small_numbers import anonymised_in
from people.models import Agency, District, Role, Team, User
from pledges.queries import published_key_points
from pledges.record_scope import MULTI_AGENCY

# The dashboard's filters a figure of it may also choose (a district's bar, a key point's).
DASHBOARD_FILTERS = ("district", "agency", "team", "key_point")
# The agency filter's value for records of teams with no one agency (`AGENCY_ID` is null).
MULTI_AGENCY_VALUE = "multi"


@dataclass(frozen=True)
class MultiAgency:
    """What the agency filter holds when "Multi-agency" is chosen: named like an agency."""

    id: str = MULTI_AGENCY_VALUE
    name: str = MULTI_AGENCY


def collation_district(user: User) -> District | bool | None:
    """The training team sees the county (None); a district team its district; others nothing.

    Returns False for someone who may not collate at all.
    """
    if user.has_role(Role.TRAINING_TEAM):
        return None
    if user.has_role(Role.DISTRICT_TEAM) and user.district is not None:
        return user.district
    return False


@dataclass(frozen=True)
class Selection:
    """Filters on signed-off content. `locked_district` is the district a district team is held to."""

    district: District | None = None
    agency: Agency | MultiAgency | None = None
    team: Team | None = None
    key_point_number: int | None = None
    signed_off_from: date | None = None
    signed_off_to: date | None = None
    anonymise: bool = False
    locked_district: District | None = None
    problems: tuple[str, ...] = field(default=())
    # The sign-off dates as typed in the dashboard's day, month and year boxes, and what was
    # wrong with them: {"from": ({"day": …}, problem or None)}. Shown again, never queried.
    typed_dates: dict = field(default_factory=dict, compare=False, hash=False)

    def date_parts(self, key: str) -> dict[str, str]:
        """What the day, month and year boxes of `key` ("from" or "to") show."""
        if key in self.typed_dates:
            return self.typed_dates[key][0]
        return parts_of(self.signed_off_from if key == "from" else self.signed_off_to)

    def date_problem(self, key: str) -> DateProblem | None:
        return self.typed_dates[key][1] if key in self.typed_dates else None

    @property
    def effective_district(self) -> District | None:
        return self.locked_district or self.district

    @property
    def is_multi_agency(self) -> bool:
        """Only the records of multi-agency teams (no one agency) are chosen."""
        return isinstance(self.agency, MultiAgency)

    @property
    def agency_value(self) -> str:
        """The agency filter's value in the address ("3", "multi" or "")."""
        return str(self.agency.id) if self.agency is not None else ""

    def filter_parts(
        self, name, *, key_point: str, signed_off: str, open_start: str, open_end: str
    ) -> list[str]:
        """The filters chosen beyond the district, in the one order that both the words and the
        file name give them. `name(kind, thing)` words an agency or team ("agency", "team");
        `key_point` and `signed_off` are templates ("{number}", "{start}", "{end}"), and an
        open end of the sign-off period is worded `open_start` or `open_end`."""
        parts = [name(kind, thing) for kind, thing in (("agency", self.agency), ("team", self.team))
                 if thing is not None]  # fmt: skip
        if self.key_point_number:
            parts.append(key_point.format(number=self.key_point_number))
        if self.signed_off_from or self.signed_off_to:
            start = self.signed_off_from.isoformat() if self.signed_off_from else open_start
            end = self.signed_off_to.isoformat() if self.signed_off_to else open_end
            parts.append(signed_off.format(start=start, end=end))
        if self.anonymise:
            parts.append("anonymised")
        return parts

    def describe(self) -> str:
        parts = [f"District: {self.effective_district.name}" if self.effective_district
                 else "The whole county"]  # fmt: skip
        parts += self.filter_parts(
            lambda kind, thing: f"{kind}: {thing.name}",
            key_point="key point {number}",
            signed_off="signed off from {start} to {end}",
            open_start="the start",
            open_end="today",
        )
        return "; ".join(parts)

    def query_args(self) -> dict[str, str]:
        args = {
            "district": self.district.id if self.district and not self.locked_district else None,
            "agency": self.agency_value or None,
            "team": self.team.id if self.team else None,
            "key_point": self.key_point_number,
            "from": self.signed_off_from.isoformat() if self.signed_off_from else None,
            "to": self.signed_off_to.isoformat() if self.signed_off_to else None,
            "anonymise": "1" if self.anonymise else None,
        }
        return {key: str(value) for key, value in args.items() if value not in (None, "")}


def _get(model, raw: str | None, what: str, problems: list[str]):
    if not raw:
        return None
    number = parse_id(raw)
    found = db.session.get(model, number) if number else None
    if found is None:
        problems.append(f"The {what} chosen was not found, so it was left out of the filter.")
    return found


def _agency(raw: str | None, problems: list[str]) -> Agency | MultiAgency | None:
    if raw == MULTI_AGENCY_VALUE:
        return MultiAgency()
    return _get(Agency, raw, "agency", problems)


def _team(raw: str | None, locked: District | None, problems: list[str]) -> Team | None:
    """The team chosen, if it is one the user may see (a district team's own district's)."""
    team = _get(Team, raw, "team", problems)
    if team is not None and locked is not None and team.district_id != locked.id:
        problems.append(
            "The team chosen is not in your district, so it was left out of the filter."
        )
        return None
    return team


def _key_point(raw: str, problems: list[str]) -> int | None:
    """A key point of the published framework, by number."""
    if not raw:
        return None
    number = parse_id(raw)
    if number is None or number not in {n for n, _ in published_key_points()}:
        problems.append(
            "The key point chosen is not in the published framework, so it was left out of the filter."
        )
        return None
    return number


def _in_order(start: date | None, end: date | None, problems: list[str], typed: dict) -> bool:
    """Whether the sign-off period runs forwards; a reversed one is named beside its dates."""
    if start is None or end is None or start <= end:
        return True
    problem = DateProblem("Signed off to must be the same as or after signed off from")
    typed["to"] = (typed["to"][0] if "to" in typed else parts_of(end), problem)
    problems.append(f"{problem.message}, so the period was left out of the filter.")
    return False


def _date(args, key: str, label: str, problems: list[str], typed: dict) -> date | None:
    """A date from the dashboard's day, month and year boxes (`from-day`, …), or as
    YYYY-MM-DD (`from=2026-05-01`, in the links the app makes)."""
    parts = typed_parts(args, key)
    if parts is not None:
        try:
            found = parse_date_parts(parts, label)
        except DateProblem as problem:
            typed[key] = (parts, problem)
            problems.append(f"{problem.message}, so it was left out of the filter.")
            return None
        typed[key] = (parts, None)
        return found
    raw = args.get(key)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(f"{label} was not a real date, so it was left out of the filter.")
        return None


def selection_from_args(args, user: User) -> Selection:
    """Read the filters from a query string; anything unusable is dropped with a message."""
    problems: list[str] = []
    typed: dict = {}
    locked = collation_district(user) or None
    start = _date(args, "from", "Signed off from", problems, typed)
    end = _date(args, "to", "Signed off to", problems, typed)
    if not _in_order(start, end, problems, typed):
        start = end = None
    selection = Selection(
        district=_get(District, args.get("district"), "district", problems),
        agency=_agency(args.get("agency"), problems),
        team=_team(args.get("team"), locked, problems),
        key_point_number=_key_point(args.get("key_point", ""), problems),
        signed_off_from=start,
        signed_off_to=end,
        anonymise=anonymised_in(args),
        locked_district=locked,
    )
    return replace(selection, problems=tuple(problems), typed_dates=typed)
