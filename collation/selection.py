"""What a collation covers: who may collate, and the filters a user chose (kept in the URL)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from core.database import db
from core.date_input import DateProblem, parse_date_parts, parts_of, typed_parts
from core.ids import parse_id
from people.models import Agency, District, Role, Team, User


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
    agency: Agency | None = None
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
            "agency": self.agency.id if self.agency else None,
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
    number = args.get("key_point", "")
    key_point = parse_id(number)
    if key_point is not None and key_point > 99:
        key_point = None
    if number and key_point is None:
        problems.append("The key point must be a number, so it was left out of the filter.")
    selection = Selection(
        district=_get(District, args.get("district"), "district", problems),
        agency=_get(Agency, args.get("agency"), "agency", problems),
        team=_get(Team, args.get("team"), "team", problems),
        key_point_number=key_point,
        signed_off_from=_date(args, "from", "Signed off from", problems, typed),
        signed_off_to=_date(args, "to", "Signed off to", problems, typed),
        anonymise=args.get("anonymise") in ("1", "on", "yes", "true"),
        locked_district=locked,
    )
    return replace(selection, problems=tuple(problems), typed_dates=typed)
