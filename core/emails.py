"""Checking an email address's form (never its deliverability: no look-ups from here)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from wtforms.validators import ValidationError


def is_valid_email(text: str) -> bool:
    # test_environment accepts the reserved .test domain, which the demo county uses.
    try:
        validate_email(text.strip(), check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return False
    return True


class ValidEmail:
    """A WTForms validator: the address is well formed. Blank values are left to Optional."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and not is_valid_email(field.data):
            raise ValidationError(self.message)
