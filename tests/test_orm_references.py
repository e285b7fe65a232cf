"""Issue 20: a web request keeps the ORM objects its session loads reachable until the session
is closed (core/orm_references.py), and lets go of them then; other sessions are left weak."""

from __future__ import annotations

import gc
import weakref

import pytest
import sqlalchemy as sa

from core.database import db
from core.orm_references import HELD
from people.models import User


def _load_everyone_and_drop_them() -> list[weakref.ref]:
    """Load every user, make each one unreachable from here, and return weak references."""
    users = db.session.scalars(sa.select(User)).all()
    refs = [weakref.ref(user) for user in users]
    del users
    gc.collect()
    return refs


@pytest.fixture
def holding(app, monkeypatch):
    """As in production (the suite shares one app context between a test's requests)."""
    monkeypatch.setitem(app.config, "HOLD_REQUEST_OBJECTS", True)


def test_an_app_that_is_not_testing_holds_and_the_suite_does_not(app):
    from app import create_app

    assert app.config["HOLD_REQUEST_OBJECTS"] is False
    served = create_app({"SECRET_KEY": "x" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert served.testing is False
    assert served.config["HOLD_REQUEST_OBJECTS"] is True


def test_a_request_holds_what_its_session_loaded_until_the_end_of_the_request(
    app, holding, make_user
):
    for _ in range(3):
        make_user()
    with app.app_context(), app.test_request_context("/"):  # a request's own app context
        refs = _load_everyone_and_drop_them()
        assert len(refs) == 3
        # Reachable though nothing here refers to them: the collector cannot run SQLAlchemy's
        # weakref callback on a state while the session may still change it.
        assert all(ref() is not None for ref in refs)
        assert len(db.session.info[HELD]) == 3
        session = db.session()
    # The request is over: the session was closed first (every state detached), then let go.
    assert HELD not in session.info
    assert not session.identity_map
    gc.collect()
    assert [ref() for ref in refs] == [None, None, None]


def test_a_session_outside_a_request_keeps_the_weak_identity_map(app, holding, make_user):
    """The queue worker's exports stream the county with yield_per: objects they are done with
    must go, so sessions outside a request hold nothing."""
    for _ in range(3):
        make_user()
    db.session.expunge_all()  # the users made above, as a fresh worker session would have none
    refs = _load_everyone_and_drop_them()
    assert len(refs) == 3
    assert HELD not in db.session.info
    assert [ref() for ref in refs] == [None, None, None]


def test_pages_still_work_with_the_objects_held(client, auth, people, holding):
    """A signed-in manager's pages, several requests in a row on one client."""
    auth.login(people["manager"])
    for path in ["/supervision", "/records", "/supervision", "/profile"]:
        assert client.get(path).status_code == 200
