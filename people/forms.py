"""Forms for signing in."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from core.forms import BaseForm, at_most
from people.models import EmailChoice
from people.passwords import MINIMUM_PASSWORD_LENGTH


def _password_field(label: str, missing: str, *checks, autocomplete: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(missing), *checks],
        render_kw={"autocomplete": autocomplete},
    )


def _own_email_field() -> EmailField:
    """The email address someone signs in with."""
    return EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address"), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )


class SignInForm(BaseForm):
    email = _own_email_field()
    password = _password_field(
        "Password", "Enter your password", Length(max=1000), autocomplete="current-password"
    )


class ProfileForm(BaseForm):
    work_base_address = TextAreaField(
        "Full address of work base",
        validators=[at_most(1000, "The address")],
    )
    telephone = StringField(
        "Telephone",
        validators=[at_most(40, "The telephone number")],
        render_kw={"autocomplete": "tel"},
    )


def _new_password_field() -> PasswordField:
    long_enough = Length(
        min=MINIMUM_PASSWORD_LENGTH,
        max=1000,
        message=f"Use at least {MINIMUM_PASSWORD_LENGTH} characters: a few unrelated "
        "words make a strong password that is easy to remember",
    )
    return _password_field(
        "New password", "Enter a new password", long_enough, autocomplete="new-password"
    )


def _confirm_password_field() -> PasswordField:
    return _password_field(
        "Type the new password again",
        "Type the new password again",
        EqualTo("new_password", message="The two new passwords are not the same"),
        autocomplete="new-password",
    )


class PasswordForm(BaseForm):
    current_password = _password_field(
        "Current password", "Enter your current password", autocomplete="current-password"
    )
    new_password = _new_password_field()
    confirm_password = _confirm_password_field()


class ForgotPasswordForm(BaseForm):
    email = _own_email_field()


class SetPasswordForm(BaseForm):
    new_password = _new_password_field()
    confirm_password = _confirm_password_field()


class EmailChoiceForm(BaseForm):
    """Email for every notification, or one daily digest (the app shows them all either way)."""

    choice = RadioField(
        "How would you like your notifications by email?",
        choices=[SelectChoice(choice.value, choice.label) for choice in EmailChoice],
        validators=[DataRequired("Choose how you would like your notifications by email")],
    )
