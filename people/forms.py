"""Forms for signing in."""

from __future__ import annotations

from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from core.forms import BaseForm


class SignInForm(BaseForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address"), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password"), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
