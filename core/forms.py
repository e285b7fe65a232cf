"""The base form every form in the app uses: input cleaned of what no database can store."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError


def remove_null_characters(value):
    """PostgreSQL cannot store NUL in text; no person types one, so it is dropped, not refused."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")
    return value


class OneLine:
    """Refuses line breaks of any kind (a name goes into email subjects, which are one line)."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field) -> None:
        value = field.data or ""
        if len(value.splitlines()) > 1 or value.endswith(("\n", "\r")):
            raise ValidationError(self.message)


def at_most(limit: int, what: str) -> Length:
    """A length limit whose message names the field: "The name must be 120 characters or
    fewer"."""
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


def required_text(label: str, missing: str, limit) -> TextAreaField:
    """A text area that must be written in (`missing` says what to write), within `limit` (a
    length check such as `at_most`)."""
    return TextAreaField(label, validators=[DataRequired(missing), limit])


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters") or ()
            options["filters"] = (remove_null_characters, *filters)
            return unbound_field.bind(form=form, **options)


class ConfirmForm(BaseForm):
    """A button that changes something: only the CSRF token to check."""
