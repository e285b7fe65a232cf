"""Forms for supervision sessions: input checks only."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import InputRequired, Optional

from core.date_input import DateInputField
from core.forms import BaseForm, at_most, required_text

NOTES_LIMIT = 20_000
COMMENT_LIMIT = 5_000


class SessionForm(BaseForm):
    held_on = DateInputField(
        "Date of the session", validators=[InputRequired("Enter the date of the session")]
    )
    notes = TextAreaField("Notes (optional)", validators=[at_most(NOTES_LIMIT, "Notes")])


class NotesForm(BaseForm):
    notes = TextAreaField("Notes of the session", validators=[at_most(NOTES_LIMIT, "Notes")])


class ReturnForm(BaseForm):
    comment = required_text(
        "What should change",
        "Write a comment saying what should change before returning it",
        at_most(COMMENT_LIMIT, "The comment"),
    )


class ManagerReportForm(BaseForm):
    """A manager report (MR): what the manager has seen of the practice, noted in the session."""

    description = required_text(
        "What you have seen of this practice",
        "Describe what you have seen of this practice",
        at_most(COMMENT_LIMIT, "The report"),
    )
    occurred_on = DateInputField("When (optional)", name_in_errors="Date", validators=[Optional()])
