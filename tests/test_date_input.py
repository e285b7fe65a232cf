"""Dates as day, month and year (the GOV.UK date input): each problem names the part to correct,
and what was typed is kept (issue 18)."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.validators import InputRequired, Optional

from core.date_input import DateInputField, DateProblem, parse_date_parts


def typed(day="", month="", year=""):
    return {"day": day, "month": month, "year": year}


@pytest.mark.parametrize(
    ("parts", "message", "wrong"),
    [
        (typed("27", "", "2027"), "Date must include a month", ("month",)),
        (typed("", "", "2027"), "Date must include a day and month", ("day", "month")),
        (typed("27", "3", ""), "Date must include a year", ("year",)),
        (typed("27", "13", "2027"), "Month must be between 1 and 12", ("month",)),
        (typed("27", "0", "2027"), "Month must be between 1 and 12", ("month",)),
        (typed("32", "3", "2027"), "Day must be between 1 and 31", ("day",)),
        (typed("27", "3", "27"), "Year must include 4 numbers", ("year",)),
        (typed("27", "3", "9" * 5000), "Year must include 4 numbers", ("year",)),
        (typed("29", "2", "2027"), "Date must be a real date", ("day",)),
        (typed("31", "4", "2027"), "Date must be a real date", ("day",)),
        (typed("2x", "3", "2027"), "Date must be a real date", ("day",)),
        (typed("27", "²", "2027"), "Date must be a real date", ("month",)),
        (typed("27", "3", "1066"), "Year must be 1900 or later", ("year",)),
    ],
)
def test_each_problem_names_the_part_to_correct(parts, message, wrong):
    with pytest.raises(DateProblem) as problem:
        parse_date_parts(parts, "Date")
    assert problem.value.message == message
    assert problem.value.parts == wrong


def test_real_dates_are_read_and_nothing_typed_is_no_date():
    assert parse_date_parts(typed(" 7 ", "03", "2027"), "Date") == date(2027, 3, 7)
    assert parse_date_parts(typed("29", "2", "2028"), "Date") == date(2028, 2, 29)
    assert parse_date_parts(typed(" ", "", ""), "Date") is None


class SessionForm(Form):
    held_on = DateInputField("Date of the session", validators=[InputRequired("Enter the date")])
    seen_on = DateInputField("When (optional)", name_in_errors="Date", validators=[Optional()])


def test_the_field_reads_three_inputs_and_keeps_what_was_typed():
    form = SessionForm(
        MultiDict({"held_on-day": "27", "held_on-month": "13", "held_on-year": "2027"})
    )
    assert not form.validate()
    assert form.held_on.errors == ["Month must be between 1 and 12"]
    assert form.held_on.parts == typed("27", "13", "2027")
    assert form.held_on.error_anchor == "held_on-month"
    assert form.seen_on.errors == []  # optional, nothing typed
    assert form.seen_on.data is None


def test_a_required_date_left_empty_links_to_its_day_and_a_partial_optional_one_is_wrong():
    form = SessionForm(MultiDict({"seen_on-day": "4", "seen_on-year": "2026"}))
    assert not form.validate()
    assert form.held_on.errors == ["Enter the date"]
    assert form.held_on.error_anchor == "held_on-day"
    assert form.seen_on.errors == ["Date must include a month"]
    assert form.seen_on.error_anchor == "seen_on-month"


def test_a_good_date_and_a_form_given_a_date_show_its_parts():
    form = SessionForm(
        MultiDict({"held_on-day": "5", "held_on-month": "1", "held_on-year": "2027"})
    )
    assert form.validate()
    assert form.held_on.data == date(2027, 1, 5)
    shown = SessionForm(held_on=date(2026, 11, 23))
    assert shown.held_on.parts == typed("23", "11", "2026")
