"""Forms for supervision sessions: input checks only."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from core.date_input import DateInputField
from core.forms import BaseForm

NOTES_LIMIT = 20_000
COMMENT_LIMIT = 5_000


class SessionForm(BaseForm):
    held_on = DateInputField(
        "Date of the session", validators=[InputRequired("Enter the date of the session")]
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
