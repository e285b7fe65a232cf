"""The one guard every signed-in page goes through, and the one way a refusal becomes a message.

A page that shows or changes an object (a record, an entry, a session, an export, a person):

    @bp.route("/records/<id:record_id>/details", methods=["GET", "POST"])
    @object_view(load_record, permission=is_owner, when=can_edit_record, otherwise=not_editable)
    def edit_details(record): ...

signs the user in, loads the object from the URL's values (404 when there is none), asks a yes/no
function from the package's permissions.py about the *current* user and their roles now (403
when no), and, where the user may act on the object but not in its present state, answers
`otherwise(object)` instead (a redirect with a message). The view receives the object.

A page that loads nothing (a list, a form to start something) uses `page_view(permission)`.
Both mark the view, so a test can walk every route and find any page that skips the guard.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, flash, redirect, request
from flask_login import current_user, login_required

from core.database import db
from core.errors import ActionRefused, AlreadyDone

Permission = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Guard:
    """What a view is guarded by; kept on the view as `guarded_by` for the route test."""

    permission: Callable
    load: Callable | None = None
    when: Permission | None = None


def me():
    """The signed-in user (the object itself, not Flask-Login's proxy)."""
    return current_user._get_current_object()


def _subject(loaded):
    """What the permission is about: the object, or the first of several loaded together."""
    return loaded[0] if isinstance(loaded, tuple) else loaded


def object_view(
    load: Callable[..., Any],
    *,
    permission: Permission,
    when: Permission | None = None,
    otherwise: Callable[..., Any] | None = None,
):
    """Guard a view of one object.

    `load` takes the URL values named by its parameters (`load_record(record_id)`) and returns
    the object, or a tuple of objects whose first is the one the permissions are about (a record
    and one of its entries), or None for 404. `permission(user, object)` answers 403 when false.
    `when(user, object)`, if given, is the state the object must be in now; when false the
    page answers `otherwise(*objects)` (by default 403). The view is called with the loaded
    object(s), then the URL values `load` did not take.
    """
    takes = set(inspect.signature(load).parameters)
    if when is not None and otherwise is None:
        raise TypeError("object_view: `when` needs `otherwise`, the answer when it is false")

    def decorator(view):
        @wraps(view)
        @login_required
        def guarded(**values):
            loaded = load(**{name: values.pop(name) for name in list(values) if name in takes})
            if loaded is None:
                abort(404)
            objects = loaded if isinstance(loaded, tuple) else (loaded,)
            if not permission(current_user, _subject(loaded)):
                abort(403)
            if when is not None and not when(current_user, _subject(loaded)):
                return otherwise(*objects)
            return view(*objects, **values)

        guarded.guarded_by = Guard(permission=permission, load=load, when=when)
        return guarded

    return decorator


def page_view(permission: Callable[[Any], bool]):
    """Guard a page that loads no object: sign in first, then 403 unless `permission(user)`."""

    def decorator(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not permission(current_user):
                abort(403)
            return view(*args, **kwargs)

        guarded.guarded_by = Guard(permission=permission)
        return guarded

    return decorator


def anyone_signed_in(user) -> bool:
    """Every signed-in user: for pages about the user themselves (their records, their sessions)."""
    return user.is_authenticated


signed_in_view = page_view(anyone_signed_in)


def carry_out(
    operation: Callable[[], Any],
    *,
    form=None,
    problems: list[str] | None = None,
    done_path: str | None = None,
) -> tuple[bool, Any]:
    """Run one operation and commit: (True, its result).

    Refused (`ActionRefused`): roll back, so objects reload as saved; show why beside the form
    field the refusal names, else in `problems`, else at the top of `form`, else as a flash
    message; and return (False, None). Already done (a second click, or someone else first):
    roll back, say so, and redirect to the page that shows how things stand (`done_path` when
    the view names one, else the refusal's path, else this page).
    """
    try:
        result = operation()
    except AlreadyDone as done:
        db.session.rollback()
        flash(done.message, "info")
        abort(redirect(done_path or done.path or request.path))
    except ActionRefused as refusal:
        db.session.rollback()
        show_refusal(refusal, form=form, problems=problems)
        return False, None
    db.session.commit()
    return True, result


def show_refusal(refusal: ActionRefused, *, form=None, problems: list[str] | None = None) -> None:
    """Put a refusal's message where the user will read it (see `carry_out`)."""
    if form is not None and refusal.field and refusal.field in form:
        form[refusal.field].errors.append(refusal.message)
    elif problems is not None:
        problems.append(refusal.message)
    elif form is not None:
        form.form_errors.append(refusal.message)
    else:
        flash(refusal.message, "error")
