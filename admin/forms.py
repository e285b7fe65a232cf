"""Forms for running the service. They check input only; the rules live in the operations."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.emails import ValidEmail
from core.forms import BaseForm, at_most
from people.models import Role


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _email_field(label: str, *, required: bool, hint_name: str = "email address"):
    validators = [
        DataRequired(f"Enter the {hint_name}") if required else Optional(),
        Length(max=254, message="An email address is 254 characters or fewer"),
        ValidEmail(f"Enter the {hint_name} in the right form, like name@example.org"),
    ]
    return EmailField(label, validators=validators, render_kw={"spellcheck": "false"})


def _name_field(label: str, missing: str, limit: int) -> StringField:
    """A name that must be given, at most `limit` characters."""
    return StringField(label, validators=[DataRequired(missing), at_most(limit, "The name")])


def _place_choices(items, none_label: str) -> list[SelectChoice]:
    return [SelectChoice("", none_label)] + [
        SelectChoice(str(item.id), item.name) for item in items
    ]


def _place_field(label: str) -> SelectField:
    """An agency or district drop-down; its choices are the places there are (`_set_places`)."""
    return SelectField(label, choices=[], default="", validate_choice=True)


def _set_places(form, agencies, districts, *, no_agency: str) -> None:
    form.agency.choices = _place_choices(agencies, no_agency)
    form.district.choices = _place_choices(districts, "Not given")


def _show_places(form, holder) -> None:
    """Show a person's or team's agency and district, chosen by id."""
    form.agency.data = str(holder.agency_id or "")
    form.district.data = str(holder.district_id or "")


class PersonForm(BaseForm):
    # Once-only key of the "Add person" form (core.submissions): a second click adds nobody.
    submission_key = HiddenField()
    name = _name_field("Full name", "Enter their full name", 120)
    email = _email_field("Email address", required=True)
    job_title = StringField("Job title", validators=[at_most(120, "The job title")])
    agency = _place_field("Agency")
    district = _place_field("District")
    line_manager_email = _email_field(
        "Line manager's email address", required=False, hint_name="line manager's email address"
    )
    roles = CheckboxesField(
        "Roles",
        choices=[SelectChoice(role.value, role.label) for role in Role],
        validate_choice=True,
    )

    def set_places(self, agencies, districts) -> None:
        _set_places(self, agencies, districts, no_agency="Not given")

    def show(self, person) -> None:
        """Fill the fields a plain `obj=` cannot: places by id, manager by email, roles."""
        _show_places(self, person)
        self.line_manager_email.data = person.line_manager.email if person.line_manager else ""
        self.roles.data = [role.value for role in person.roles]


class DeactivateForm(BaseForm):
    successor_email = _email_field(
        "Who takes on their supervisees and teams",
        required=False,
        hint_name="email address of who takes them on",
    )


class TeamForm(BaseForm):
    name = _name_field("Team name", "Enter the team's name", 160)
    description = TextAreaField("What the team is", validators=[at_most(2000, "The description")])
    agency = _place_field("Agency")
    district = _place_field("District")
    manager_email = _email_field(
        "Team manager's email address",
        required=False,
        hint_name="team manager's email address",
    )

    def set_places(self, agencies, districts) -> None:
        _set_places(self, agencies, districts, no_agency="Multi-agency (no single agency)")

    def show(self, team) -> None:
        _show_places(self, team)
        self.manager_email.data = team.manager.email if team.manager else ""


class AddMemberForm(BaseForm):
    email = _email_field("Email address of the new member", required=True)


class PlaceForm(BaseForm):
    name = _name_field("Name", "Enter a name", 120)


class UploadForm(BaseForm):
    file = FileField("File", validators=[FileRequired("Choose a file to upload")])


class ConfirmImportForm(BaseForm):
    send_links = BooleanField(
        "Email each new person a link to set their password", default="checked"
    )


class PublishFrameworkForm(BaseForm):
    """A previewed framework's file, carried back from the preview to be checked again and
    published. Making it current is a choice made on purpose, so it starts unticked."""

    framework_text = HiddenField(validators=[DataRequired("Choose the framework's file again")])
    make_current = BooleanField("Make it the current framework for new records")
