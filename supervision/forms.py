"""Forms for supervision sessions: input checks only."""

from __future__ import annotations

from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from core.forms import BaseForm

NOTES_LIMIT = 20_000
COMMENT_LIMIT = 5_000


class DayField(DateField):
    """A date whose error says what to enter, in words, instead of 'Not a valid date value'."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a real date, for example 23 November 2026") from error


class SessionForm(BaseForm):
    held_on = DayField(
        "Date of the session",
        validators=[InputRequired("Enter the date of the session")],
        format="%Y-%m-%d",
    )
    notes = TextAreaField(
        "Notes (optional)",
        validators=[
            Length(max=NOTES_LIMIT, message=f"Notes must be {NOTES_LIMIT:,} characters or fewer")
        ],
    )


class NotesForm(BaseForm):
    notes = TextAreaField(
        "Notes of the session",
        validators=[
            Length(max=NOTES_LIMIT, message=f"Notes must be {NOTES_LIMIT:,} characters or fewer")
        ],
    )


class ReturnForm(BaseForm):
    comment = TextAreaField(
        "What should change",
        validators=[
            DataRequired("Write a comment saying what should change before returning it"),
            Length(
                max=COMMENT_LIMIT,
                message=f"The comment must be {COMMENT_LIMIT:,} characters or fewer",
            ),
        ],
    )
