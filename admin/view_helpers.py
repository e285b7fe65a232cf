"""What the administration views share: the permission check, loading, and carrying out an
operation with its refusal shown beside the field it concerns."""

from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, request
from flask_login import current_user, login_required

from admin.permissions import can_administer, can_publish_frameworks
from core.database import db
from core.errors import ActionRefused, AlreadyDone
from people.models import User
from people.operations import find_user_by_email


def permission_required(check):
    """A view decorator: sign in first, then 403 unless `check(current_user)`."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


administrator_required = permission_required(can_administer)
framework_publisher_required = permission_required(can_publish_frameworks)


def me() -> User:
    return current_user._get_current_object()


def or_404(item):
    if item is None:
        abort(404)
    return item


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


def show_refusal(form, refusal: ActionRefused, problems: list[str]) -> None:
    """Put a refusal beside its field when it names one, else at the top of the page."""
    if refusal.field and refusal.field in form:
        form[refusal.field].errors.append(refusal.message)
    else:
        problems.append(refusal.message)


def carry_out(operation, form, problems: list[str]) -> tuple[bool, object]:
    """Run an operation and commit: (True, its result). Refused: roll back (objects reload as
    saved), show why on the form, and (False, None). Already done: say so and redirect to the
    page that shows it."""
    try:
        result = operation()
    except AlreadyDone as done:
        # A repeat (a second click, or another administrator first): show how things stand.
        db.session.rollback()
        flash(done.message, "info")
        abort(redirect(done.path or request.path))
    except ActionRefused as refusal:
        db.session.rollback()
        show_refusal(form, refusal, problems)
        return False, None
    db.session.commit()
    return True, result


def place_from(model, value: str):
    return db.session.get(model, int(value)) if value else None


def status_for(form, problems) -> int:
    return 422 if problems or any(field.errors for field in form) else 200
