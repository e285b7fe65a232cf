"""Signing in and out, and that every page but sign-in needs a signed-in user."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.database import db
from people.operations import authenticate
from people.passwords import hash_password, verify_password
from tests.conftest import PASSWORD, csrf_token_from


def sign_in(client, email, password, next_page=None):
    url = "/sign-in" + (f"?next={next_page}" if next_page else "")
    return client.post(url, data={"email": email, "password": password})


def test_signing_in_goes_where_the_work_is(client, people):
    response = sign_in(client, people["practitioner"].email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/records"
    assert client.get("/records").status_code == 200


def test_email_is_matched_whatever_its_case(client, people):
    response = sign_in(client, "  " + people["practitioner"].email.upper(), PASSWORD)
    assert response.status_code == 302


def test_a_wrong_password_says_so_without_saying_which_part(client, people):
    response = sign_in(client, people["practitioner"].email, "wrong-password-here")
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "The email address or password is not right" in html
    unknown = sign_in(client, "nobody@example.org", "wrong-password-here")
    assert "The email address or password is not right" in unknown.get_data(as_text=True)


def test_empty_fields_get_messages_next_to_them(client):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert "Enter your email address" in html
    assert "Enter your password" in html
    assert 'href="#email"' in html


def test_a_deactivated_person_cannot_sign_in_and_loses_their_session(client, auth, people):
    practitioner = people["practitioner"]
    auth.login(practitioner)
    assert client.get("/records").status_code == 200
    practitioner.is_active_account = False
    db.session.commit()
    assert client.get("/records").status_code == 302
    assert sign_in(client, practitioner.email, PASSWORD).status_code == 401


@pytest.mark.parametrize(
    ("next_page", "location"),
    [
        ("/framework", "/framework"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_ever_leads_within_the_site(client, people, next_page, location):
    response = sign_in(client, people["practitioner"].email, PASSWORD, next_page)
    assert response.headers["Location"] == location


def test_pages_need_a_signed_in_user(client, people, make_record):
    record = make_record(people["practitioner"])
    for url in ("/", "/records", f"/records/{record.id}", "/framework"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/sign-in?next="), url


def test_signing_out_ends_every_session_of_that_person(app, client, people):
    other_browser = app.test_client()
    sign_in(client, people["practitioner"].email, PASSWORD)
    sign_in(other_browser, people["practitioner"].email, PASSWORD)
    assert other_browser.get("/records").status_code == 200
    client.post("/sign-out")
    assert client.get("/records").status_code == 302
    assert other_browser.get("/records").status_code == 302


def test_sign_in_and_sign_out_are_protected_against_cross_site_posts(app, client, people):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        credentials = {"email": people["practitioner"].email, "password": PASSWORD}
        assert client.post("/sign-in", data=credentials).status_code == 400
        token = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
        assert client.post("/sign-in", data={**credentials, "csrf_token": token}).status_code == 302
        assert client.post("/sign-out").status_code == 400
        assert client.get("/records").status_code == 200  # still signed in
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_passwords_are_hashed_with_argon2id(people):
    stored = people["practitioner"].password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "x")
    assert not verify_password(None, PASSWORD)
    assert not verify_password("not a hash", PASSWORD)


def test_an_outdated_hash_is_upgraded_at_sign_in(app, people):
    practitioner = people["practitioner"]
    from argon2 import PasswordHasher

    practitioner.password_hash = PasswordHasher(time_cost=1, memory_cost=16, parallelism=2).hash(
        PASSWORD
    )
    db.session.commit()
    assert authenticate(practitioner.email, PASSWORD) == practitioner
    assert practitioner.password_hash != hash_password(PASSWORD)
    assert "p=1" in practitioner.password_hash


def test_repeated_failures_lock_sign_in_for_a_while_with_a_clear_message(client, people):
    import time_machine

    email = people["practitioner"].email
    for _ in range(4):
        assert sign_in(client, email, "wrong-password-here").status_code == 401
    locked = sign_in(client, email, "wrong-password-here")
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.get_data(as_text=True)
    # Even the right password waits until the lock ends.
    assert sign_in(client, email, PASSWORD).status_code == 429
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=16)):
        assert sign_in(client, email, PASSWORD).status_code == 302


def test_unknown_addresses_are_throttled_the_same_way(client):
    for _ in range(5):
        response = sign_in(client, "nobody@example.org", "wrong-password-here")
    assert response.status_code == 429
