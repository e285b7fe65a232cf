"""What the administration views share: the guards for administrators and framework publishers
(core/guard.py's `page_view`), and reading people and places from forms."""

from __future__ import annotations

from flask import render_template

from admin.permissions import can_administer, can_publish_frameworks
from core.database import db
from core.forms import ConfirmForm
from core.guard import page_view
from people.models import User
from people.operations import find_user_by_email

administrator_required = page_view(can_administer)
framework_publisher_required = page_view(can_publish_frameworks)


def person_in(field) -> User | bool | None:
    """The person whose email is in `field` (the operations refuse leavers, in words); None
    when blank; False, with the error on the field, when nobody has that address."""
    if not field.data:
        return None
    person = find_user_by_email(field.data)
    if person is None:
        field.errors.append(
            f"Nobody here has the email address {field.data.strip()}. Check it, or add them first."
        )
        return False
    return person


def place_from(model, value: str):
    return db.session.get(model, int(value)) if value else None


def status_for(form, problems) -> int:
    return 422 if problems or any(field.errors for field in form) else 200


def form_page(template: str, form, problems: list[str], **context):
    """A page with a form (and `action_form` for its buttons that post, such as removing a
    member), answered 422 while the form or `problems` say what is wrong."""
    page = render_template(
        template, form=form, problems=problems, action_form=ConfirmForm(), **context
    )
    return page, status_for(form, problems)
