"""Dates typed as day, month and year in three boxes (the GOV.UK date input pattern).

A browser's own date picker follows the browser's language, so a US-English browser asks for
mm/dd/yyyy; three labelled boxes read the same everywhere. A problem says which part is wrong
("Date of the session must include a month", "Month must be between 1 and 12"), and what was
typed is kept and shown again. Render the field with the `date_input` macro in
templates/macros.html.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from wtforms import Field
from wtforms.utils import unset_value

PARTS = ("day", "month", "year")
PART_LABELS = {"day": "Day", "month": "Month", "year": "Year"}
HINT = "For example, 27 3 2027"
_DIGITS = {"day": re.compile(r"[0-9]{1,2}"), "month": re.compile(r"[0-9]{1,2}")}
_YEAR = re.compile(r"[0-9]{4}")


@dataclass
class DateProblem(Exception):
    """What is wrong with a typed date, in words, and which of its parts are wrong."""

    message: str
    parts: tuple[str, ...] = field(default=PARTS)

    def __str__(self) -> str:
        return self.message


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{names[0]} and {names[1]}"


def parse_date_parts(typed: dict[str, str], name: str) -> date | None:
    """The date in `typed` ({"day": …, "month": …, "year": …}), or None when nothing was typed.

    `name` starts the messages ("Date of the session must include a month"). Raises
    DateProblem for the first thing wrong, naming the parts to correct.
    """
    values = {part: (typed.get(part) or "").strip() for part in PARTS}
    missing = [part for part in PARTS if not values[part]]
    if len(missing) == len(PARTS):
        return None
    if missing:
        raise DateProblem(f"{name} must include a {_listed(missing)}", tuple(missing))
    for part in ("day", "month"):
        if not _DIGITS[part].fullmatch(values[part]):
            raise DateProblem(f"{name} must be a real date", (part,))
    if not _YEAR.fullmatch(values["year"]):
        raise DateProblem("Year must include 4 numbers", ("year",))
    day, month, year = (int(values[part]) for part in PARTS)
    if not 1 <= day <= 31:
        raise DateProblem("Day must be between 1 and 31", ("day",))
    if not 1 <= month <= 12:
        raise DateProblem("Month must be between 1 and 12", ("month",))
    if year < 1900:
        raise DateProblem("Year must be 1900 or later", ("year",))
    try:
        return date(year, month, day)
    except ValueError:  # 31 4 2027, 29 2 2027
        raise DateProblem(f"{name} must be a real date", ("day",)) from None


def typed_parts(source, prefix: str) -> dict[str, str] | None:
    """The three parts posted as `<prefix>-day`, `-month`, `-year` (None if none was sent).
    NUL characters, which no database stores and nobody types, are dropped."""
    keys = {part: f"{prefix}-{part}" for part in PARTS}
    if not any(key in source for key in keys.values()):
        return None
    return {part: (source.get(key) or "").replace("\x00", "") for part, key in keys.items()}


def parts_of(value: date | None) -> dict[str, str]:
    if value is None:
        return dict.fromkeys(PARTS, "")
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}


class DateInputField(Field):
    """A date entered as day, month and year, posted as `<name>-day`, `<name>-month` and
    `<name>-year`. Validators see `raw_data` empty when nothing was typed (so `Optional` and
    `InputRequired` work as usual); a date that cannot be read is an error naming the part.

    `name_in_errors` begins the messages; by default the label's text.
    """

    def __init__(self, label=None, validators=None, *, name_in_errors: str | None = None, **kw):
        super().__init__(label, validators, **kw)
        self.name_in_errors = name_in_errors or self.label.text
        self.typed: dict[str, str] | None = None
        self.wrong_parts: tuple[str, ...] = ()

    @property
    def parts(self) -> dict[str, str]:
        """What the three boxes show: what was typed, else the date the form was given."""
        if self.typed is not None:
            return self.typed
        return parts_of(self.data if isinstance(self.data, date) else None)

    def process(self, formdata, data=unset_value, extra_filters=None):
        # One field encapsulating three inputs: the case WTForms' documentation gives for
        # overriding `process` rather than `process_formdata`.
        super().process(None, data, extra_filters)
        self.typed, self.wrong_parts = None, ()
        if formdata is None:
            return
        self.typed = typed_parts(formdata, self.name) or parts_of(None)
        typed = [self.typed[part] for part in PARTS]
        self.raw_data = [" ".join(typed)] if any(value.strip() for value in typed) else []
        try:
            self.data = parse_date_parts(self.typed, self.name_in_errors)
        except DateProblem as problem:
            self.data = None
            self.wrong_parts = problem.parts
            self.process_errors.append(problem.message)

    def _value(self) -> str:
        return self.data.isoformat() if isinstance(self.data, date) else ""

    @property
    def error_anchor(self) -> str:
        """The id the error summary links to: the first part to correct."""
        return f"{self.id}-{(self.wrong_parts or PARTS)[0]}"
