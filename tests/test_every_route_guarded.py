"""Every page goes through the one guard (core/guard.py), or is on a short list of pages for
people who are not signed in. A new page that checks its own permission (or forgets to) fails
here."""

from __future__ import annotations

import pytest
from flask_login import login_user
from werkzeug.exceptions import Forbidden, NotFound

from core.guard import Guard, object_view, page_view

# Pages for people who are not signed in (yet): each checks what it needs itself.
PUBLIC_PAGES = {
    "static",
    "people.sign_in",
    "people.forgot_password",
    "people.set_password_link",  # the emailed token is the permission
    "people.set_password",
    "people.session_status",  # answers "not signed in" to the timeout warning
    "people.keep_signed_in",
}


def test_every_route_goes_through_the_guard(app):
    unguarded = sorted(
        f"{rule.endpoint} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if not isinstance(getattr(app.view_functions[rule.endpoint], "guarded_by", None), Guard)
        and rule.endpoint not in PUBLIC_PAGES
    )
    assert unguarded == []


def test_the_lists_name_real_pages_only(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints >= PUBLIC_PAGES


def test_routes_with_an_id_load_their_object_through_the_guard(app):
    """A page whose address names an object (an id) loads it with `object_view`, so a missing
    object is a 404 and the permission is asked about that object."""
    without_loader = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if any(name.endswith("_id") for name in rule.arguments)
        and getattr(app.view_functions[rule.endpoint], "guarded_by", Guard(None)).load is None
    )
    assert without_loader == []


# The guard itself, on a page of its own.

THINGS = {1: "mine", 2: "theirs", 3: "mine, locked"}


def load_thing(thing_id: int):
    return THINGS.get(thing_id)


def may_see(user, thing) -> bool:
    return thing.startswith("mine")


def may_change(user, thing) -> bool:
    return not thing.endswith("locked")


def locked(thing):
    return f"{thing} cannot change now", 409


@object_view(load_thing, permission=may_see, when=may_change, otherwise=locked)
def thing_page(thing, word):
    return f"{thing} {word}"


@page_view(lambda user: False)
def nobody_page():
    return "never shown"


def test_guard_signs_in_loads_checks_and_answers(app, make_user):
    with app.test_request_context("/"):
        assert thing_page(thing_id=1, word="hello").status_code == 302  # to sign in
        login_user(make_user())
        assert thing_page(thing_id=1, word="hello") == "mine hello"  # the view gets the object
        with pytest.raises(NotFound):
            thing_page(thing_id=9, word="hello")
        with pytest.raises(Forbidden):
            thing_page(thing_id=2, word="hello")
        assert thing_page(thing_id=3, word="hello") == ("mine, locked cannot change now", 409)
        with pytest.raises(Forbidden):
            nobody_page()
