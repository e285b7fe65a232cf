"""Administration forms posted twice, one after the other and at the same moment, and two
administrators deactivating each other at once: exactly one wins, the other is told why, and
the service always keeps an administrator."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from core.database import db
from people.models import Role, User
from tests.admin.test_admin_pages import _person_form
from tests.concurrency import post_at_once

ROUNDS = 10


def _count_people() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


@pytest.fixture
def as_admin(client, auth, people):
    auth.login(people["admin"])
    return client


def _add_person_form(client) -> dict:
    page = client.get("/admin/people/new").get_data(as_text=True)
    (key,) = re.findall(r'name="submission_key" type="hidden" value="([^"]+)"', page)
    return _person_form(submission_key=key)


def test_add_person_twice_adds_them_once_and_shows_them(as_admin, people):
    form = _add_person_form(as_admin)
    first, second = as_admin.post("/admin/people/new", data=form), None
    second = as_admin.post("/admin/people/new", data=form)
    assert (first.status_code, second.status_code) == (302, 302)
    assert second.headers["Location"] == first.headers["Location"]
    assert "This person had already been added" in as_admin.get(
        second.headers["Location"]
    ).get_data(as_text=True)
    assert _count_people() == 7


def test_a_refused_add_can_be_corrected_and_posted_again_with_the_same_key(as_admin, people):
    form = _add_person_form(as_admin)
    refused = as_admin.post("/admin/people/new", data={**form, "email": people["admin"].email})
    assert refused.status_code == 422
    assert as_admin.post("/admin/people/new", data=form).status_code == 302
    assert _count_people() == 7


def _uploaded(as_admin) -> str:
    csv = "Name,Email,Line manager's email\nAnn Able,ann@example.org,\n"
    upload = as_admin.post(
        "/admin/import",
        data={"file": (io.BytesIO(csv.encode()), "staff.csv")},
        content_type="multipart/form-data",
    )
    return upload.headers["Location"]


def test_confirm_import_twice_imports_once(as_admin, people):
    url = _uploaded(as_admin)
    first, second = as_admin.post(url, data={}), as_admin.post(url, data={})
    assert (first.status_code, second.status_code) == (302, 302)
    assert "This file had already been imported" in as_admin.get(url).get_data(as_text=True)
    assert _count_people() == 7


def test_deactivate_twice_says_it_was_already_done(as_admin, people):
    url = f"/admin/people/{people['outsider'].id}/deactivate"
    first, second = as_admin.post(url, data={}), as_admin.post(url, data={})
    assert (first.status_code, second.status_code) == (302, 302)
    assert "has already been deactivated" in as_admin.get(second.headers["Location"]).get_data(
        as_text=True
    )


# At the same moment, through two connections ----------------------------------------------------


def test_add_person_at_once_adds_them_once(app, as_admin, people, postgresql_only):
    form = _add_person_form(as_admin)
    responses = post_at_once(app, [(people["admin"], "/admin/people/new", form)] * 2)
    assert [r.status_code for r in responses] == [302, 302]
    assert _count_people() == 7


def test_two_administrators_adding_the_same_address_at_once_get_no_500(
    app, as_admin, people, make_user, postgresql_only
):
    other_admin = make_user("Bea Admin", roles={Role.ADMINISTRATOR})
    responses = post_at_once(
        app,
        [
            (people["admin"], "/admin/people/new", _add_person_form(as_admin)),
            (other_admin, "/admin/people/new", _add_person_form(as_admin)),
        ],
    )
    assert sorted(r.status_code for r in responses) == [302, 422]
    (refused,) = [r for r in responses if r.status_code == 422]
    assert "already has the email address nia@example.org" in refused.get_data(as_text=True)
    assert _count_people() == 8


def test_confirm_import_at_once_imports_once(app, as_admin, people, postgresql_only):
    url = _uploaded(as_admin)
    responses = post_at_once(app, [(people["admin"], url, {})] * 2)
    assert [r.status_code for r in responses] == [302, 302]
    assert _count_people() == 7


def test_two_administrators_deactivating_each_other_at_once_leave_one(
    app, people, make_user, postgresql_only
):
    for round_ in range(ROUNDS):
        ada = make_user(f"Ada {round_}", roles={Role.ADMINISTRATOR})
        bea = make_user(f"Bea {round_}", roles={Role.ADMINISTRATOR})
        for other in db.session.scalars(sa.select(User).where(User.id.not_in([ada.id, bea.id]))):
            other.is_active_account = False  # these two are the only administrators left
        db.session.commit()
        responses = post_at_once(
            app,
            [
                (ada, f"/admin/people/{bea.id}/deactivate", {}),
                (bea, f"/admin/people/{ada.id}/deactivate", {}),
            ],
        )
        statuses = sorted(r.status_code for r in responses)
        db.session.refresh(ada)
        db.session.refresh(bea)
        assert [ada.is_active, bea.is_active].count(True) == 1, f"round {round_}"
        assert statuses in ([302, 302], [302, 403], [302, 422]), statuses
        (loser,) = [r for r in responses if r.headers.get("Location") is None] or [None]
        if loser is not None and loser.status_code == 422:
            assert "is the only administrator" in loser.get_data(as_text=True)


def _submission_key(client, url: str) -> dict:
    page = client.get(url).get_data(as_text=True)
    keys = re.findall(r'name="submission_key" type="hidden" value="([^"]+)"', page)
    return {"submission_key": keys[0]} if keys else {}


@pytest.mark.parametrize(
    ("page", "url", "form", "count"),
    [
        ("/admin/teams/new", "/admin/teams/new", {"name": "Rapid response team"}, "teams"),
        (
            "/admin/organisation",
            "/admin/organisation/agencies",
            {"agencies-new-name": "Youth service"},
            "agencies",
        ),
    ],
)
def test_two_administrators_adding_the_same_name_at_once_get_no_500(
    app, as_admin, people, make_user, postgresql_only, page, url, form, count
):
    """The unique name decides between two inserts at the same moment; the loser is told
    there is already one of that name (it was a 500)."""
    other_admin = make_user("Bea Admin", roles={Role.ADMINISTRATOR})
    table = sa.table(count)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(table))
    responses = post_at_once(
        app,
        [
            (people["admin"], url, {**form, **_submission_key(as_admin, page)}),
            (other_admin, url, {**form, **_submission_key(as_admin, page)}),
        ],
    )
    statuses = sorted(r.status_code for r in responses)
    assert 500 not in statuses
    assert statuses in ([302, 422], [302, 302]), statuses
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(table)) == before + 1
    for refused in (r for r in responses if r.status_code == 422):
        assert "There is already" in refused.get_data(as_text=True)
