"""Forms for stage 1. They check input only; whether an action is allowed is for operations."""

from __future__ import annotations

from flask import current_app
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from core.date_input import DateInputField
from core.forms import BaseForm, OneLine, at_most, required_text
from pledges.models import ENTRY_TEXT_FIELDS, ChangeJudgement, EvidenceSource, Sharing
from pledges.operations import FINDING_FIELDS
from pledges.wording import (
    ENTRY_FIELD_LABELS,
    ENTRY_FIELD_SHORT_NAMES,
    FINDING_FIELD_LABELS,
    RECORD_DETAIL_LABELS,
)


class MaximumCharacters:
    """Length with the limit read from configuration and a message that says it plainly."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, form, field):
        limit = current_app.config["FIELD_MAX_CHARACTERS"]
        length = len(field.data or "")
        if length > limit:
            raise ValidationError(
                f"{self.name} must be {limit:,} characters or fewer. It has {length:,}: "
                "shorten it and save again. Your text is still in the box."
            )


def _text_area(name: str, label: str) -> TextAreaField:
    return TextAreaField(label, validators=[MaximumCharacters(ENTRY_FIELD_SHORT_NAMES[name])])


class EntryForm(BaseForm):
    """The five stage 1 columns, with what the editor's page was loaded with for merging."""

    revision = IntegerField(widget=HiddenInput(), validators=[Optional()])
    good_practice = _text_area("good_practice", ENTRY_FIELD_LABELS["good_practice"])
    pledge = _text_area("pledge", ENTRY_FIELD_LABELS["pledge"])
    helps = _text_area("helps", ENTRY_FIELD_LABELS["helps"])
    hinders = _text_area("hinders", ENTRY_FIELD_LABELS["hinders"])
    signs_of_success = _text_area("signs_of_success", ENTRY_FIELD_LABELS["signs_of_success"])

    @property
    def editable_fields(self) -> tuple[str, ...]:
        return ENTRY_TEXT_FIELDS


# Each text field carries the text the page showed (for merging) and, after a conflict,
# the editor's choice between their text and the saved one.
for _name in ENTRY_TEXT_FIELDS + FINDING_FIELDS:
    setattr(EntryForm, f"original_{_name}", HiddenField())
    # "mine" or "theirs": the radios are drawn by the template only when there is a conflict.
    setattr(EntryForm, f"choice_{_name}", StringField(default="mine"))


class NewFindingForm(BaseForm):
    """A finding of the owners' own: what it is and where it came from."""

    finding_title = required_text(
        FINDING_FIELD_LABELS["finding_title"],
        "Enter the finding or recommendation",
        MaximumCharacters(ENTRY_FIELD_SHORT_NAMES["finding_title"]),
    )
    finding_source = StringField(
        FINDING_FIELD_LABELS["finding_source"],
        validators=[MaximumCharacters(ENTRY_FIELD_SHORT_NAMES["finding_source"])],
    )


class FindingEntryForm(EntryForm, NewFindingForm):
    """An added finding: its title and where it came from, then the same five columns."""

    @property
    def editable_fields(self) -> tuple[str, ...]:
        return FINDING_FIELDS + ENTRY_TEXT_FIELDS


class RecordDetailsForm(BaseForm):
    name = StringField(
        RECORD_DETAIL_LABELS["name"],
        validators=[
            DataRequired("Enter the name of the individual or team"),
            Length(max=160),
            OneLine("The name must be on one line: take out the line break"),
        ],
    )
    work_base_address = TextAreaField(
        RECORD_DETAIL_LABELS["work_base_address"],
        validators=[at_most(1000, "The address")],
    )
    telephone = StringField(
        RECORD_DETAIL_LABELS["telephone"],
        validators=[at_most(40, "The telephone number")],
    )
    email = EmailField(
        RECORD_DETAIL_LABELS["email"],
        validators=[
            Optional(),
            Email(
                "Enter an email address in the right form, like name@example.org",
                check_deliverability=False,
            ),
            Length(max=254),
        ],
    )


class StartRecordForm(BaseForm):
    team_id = HiddenField()


class AddendumForm(BaseForm):
    text = required_text("Addendum", "Write the addendum", MaximumCharacters("The addendum"))


class EvidenceForm(BaseForm):
    """One piece of evidence: what happened, when, and where the evidence came from."""

    revision = IntegerField(widget=HiddenInput(), validators=[Optional()])
    # Once-only key of "Add the evidence" (core.submissions): a second click adds nothing.
    submission_key = HiddenField()
    description = required_text(
        "What happened, and what does it show?",
        "Describe the evidence: what happened, and what it shows",
        MaximumCharacters("The evidence"),
    )
    occurred_on = DateInputField(
        "When did it happen? (optional)", name_in_errors="Date", validators=[Optional()]
    )
    from_self = BooleanField("SR – self report")
    from_service_user = BooleanField("SUR – service user report")
    from_manager = BooleanField("MR – manager report")
    from_colleague = BooleanField("CR – colleague report")

    def chosen_sources(self) -> set[EvidenceSource]:
        return {source for source in EvidenceSource if self[source.column].data}


class ReplyForm(BaseForm):
    """The owners' reply to their manager's return comment."""

    reply = required_text(
        "Your reply to the comment",
        "Write your reply to the comment",
        MaximumCharacters("The reply"),
    )


class ReviewForm(BaseForm):
    """The judgement of change and what next for one pledge, merged like the stage 1 columns."""

    revision = IntegerField(widget=HiddenInput(), validators=[Optional()])
    judgement_value = StringField(
        "How has practice changed?",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            Optional(),
            AnyOf([j.value for j in ChangeJudgement], message="Choose one of the judgements"),
        ],
    )
    what_next = TextAreaField("What next", validators=[MaximumCharacters("What next")])

    @property
    def editable_fields(self) -> tuple[str, ...]:
        return ("judgement_value", "what_next")


for _name in ("judgement_value", "what_next"):
    setattr(ReviewForm, f"original_{_name}", HiddenField())
    setattr(ReviewForm, f"choice_{_name}", StringField(default="mine"))


class NextCycleForm(BaseForm):
    """Which pledges to carry into the next cycle: entry ids, checked on the page."""


class SubmitForm(BaseForm):
    """Submitting a record, with the owners' choice of how the good-practice library shares it."""

    sharing = RadioField(
        "Sharing this record's good practice and pledges in the good-practice library",
        choices=[SelectChoice(choice.value, choice.label) for choice in Sharing],
        default=Sharing.ANONYMISED.value,
        # Left out (an older page, a script), the record keeps the choice it has.
        validators=[Optional()],
    )
    # "None of this identifies a child or family", asked when some text looks as if it might.
    not_identifying = BooleanField(false_values=("", "false", "no"))
