"""The sign-in throttle under parallel guesses, per account and per source address; the same work
whether or not an account exists; the demo password refused in production."""

from __future__ import annotations

import logging
import threading

import pytest
from argon2 import PasswordHasher

from core.database import db
from people.operations import authenticate
from people.passwords import DEMO_PASSWORD, hash_password, stand_in_hash
from tests.conftest import PASSWORD


def sign_in(client, email, password):
    return client.post("/sign-in", data={"email": email, "password": password})


@pytest.fixture
def verifications(monkeypatch):
    """Counts Argon2 hash verifications (and new hashes made), in any thread."""
    counts = {"verify": 0, "hash": 0}
    lock = threading.Lock()
    real_verify, real_hash = PasswordHasher.verify, PasswordHasher.hash

    def verify(self, *args, **kwargs):
        with lock:
            counts["verify"] += 1
        return real_verify(self, *args, **kwargs)

    def make_hash(self, *args, **kwargs):
        with lock:
            counts["hash"] += 1
        return real_hash(self, *args, **kwargs)

    stand_in_hash()  # made once per process, before counting starts
    monkeypatch.setattr(PasswordHasher, "verify", verify)
    monkeypatch.setattr(PasswordHasher, "hash", make_hash)
    return counts


@pytest.fixture
def postgres_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("parallel requests need real concurrent connections: run on PostgreSQL")


def in_parallel(app, how_many: int, action) -> list:
    """Run `action(client, number)` in `how_many` threads released at once, each request with its
    own app context, database session and connection. An exception counts as a 500."""
    barrier = threading.Barrier(how_many)
    results: list = [None] * how_many

    def run(number: int) -> None:
        client = app.test_client()
        barrier.wait()
        try:
            results[number] = action(client, number).status_code
        except Exception as error:  # a crash is what the test looks for
            results[number] = error

    threads = [threading.Thread(target=run, args=(number,)) for number in range(how_many)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_parallel_guesses_at_one_account_get_five_checks_and_no_crash(
    app, people, postgres_only, verifications
):
    email = people["practitioner"].email
    db.session.commit()
    statuses = in_parallel(app, 16, lambda client, n: sign_in(client, email, f"wrong guess {n}"))
    assert all(status in (401, 429) for status in statuses), statuses
    assert verifications["verify"] <= 5, statuses
    assert statuses.count(429) >= 11
    # Locked now: even the right password waits.
    assert sign_in(app.test_client(), email, PASSWORD).status_code == 429


def test_parallel_guesses_with_the_right_password_among_them(
    app, people, postgres_only, verifications
):
    email = people["practitioner"].email
    db.session.commit()
    statuses = in_parallel(
        app,
        16,
        lambda client, n: sign_in(client, email, PASSWORD if n == 15 else f"wrong guess {n}"),
    )
    assert not [status for status in statuses if isinstance(status, Exception)], statuses
    # At most five wrong passwords are checked. The right one gives its place back (people/
    # throttle.py), so when it comes early one more guess may be checked after it: six in all.
    signed_in = statuses.count(302)
    assert signed_in <= 1
    assert verifications["verify"] <= 5 + signed_in, statuses


def test_guesses_spread_across_accounts_meet_a_limit_per_source_address(
    app, client, make_user, verifications
):
    accounts = [make_user().email for _ in range(25)]
    statuses = [
        sign_in(client, email, f"wrong guess {n}").status_code
        for n in range(4)
        for email in accounts
    ]
    assert statuses.count(401) < 30
    assert statuses[-1] == 429
    assert verifications["verify"] <= 30
    locked = sign_in(client, accounts[0], PASSWORD)
    assert locked.status_code == 429
    assert "from your network" in locked.get_data(as_text=True)
    # Somebody elsewhere is not held up.
    elsewhere = app.test_client()
    response = elsewhere.post(
        "/sign-in",
        data={"email": accounts[1], "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert response.status_code == 302


def test_a_right_password_gives_back_its_place_in_the_address_count(app, client, make_user):
    app.config["SIGN_IN_FAILURES_PER_ADDRESS"] = 3
    try:
        person = make_user()
        for _ in range(5):
            assert sign_in(client, person.email, PASSWORD).status_code == 302
            client.post("/sign-out")
        assert sign_in(client, person.email, "wrong guess").status_code == 401
    finally:
        app.config["SIGN_IN_FAILURES_PER_ADDRESS"] = 30


def test_failed_sign_ins_are_logged_with_the_source_address(client, people, caplog):
    caplog.set_level(logging.WARNING, logger="people.routes")
    client.post(
        "/sign-in",
        data={"email": people["practitioner"].email, "password": "wrong guess"},
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )
    assert any(
        "failed" in record.getMessage() and "198.51.100.23" in record.getMessage()
        for record in caplog.records
    )


def test_known_unknown_and_deactivated_accounts_each_cost_one_hash_verification(
    people, make_user, verifications
):
    practitioner = people["practitioner"]
    leaver = make_user()
    leaver.is_active_account = False
    no_password_yet = make_user()
    no_password_yet.password_hash = None
    db.session.commit()
    for email in (practitioner.email, "nobody@example.org", leaver.email, no_password_yet.email):
        before = dict(verifications)
        assert authenticate(email, "wrong guess here") is None
        assert verifications["verify"] - before["verify"] == 1, email
        assert verifications["hash"] == before["hash"], email
    # A deactivated person with the right password is refused after the same single check.
    before = verifications["verify"]
    assert authenticate(leaver.email, PASSWORD) is None
    assert verifications["verify"] - before == 1


def test_production_refuses_the_demo_password_even_where_an_account_has_it(app, client, make_user):
    person = make_user()
    person.password_hash = hash_password(DEMO_PASSWORD)
    db.session.commit()
    app.config["DEMO_PASSWORD_ALLOWED"] = False
    try:
        assert sign_in(client, person.email, DEMO_PASSWORD).status_code == 401
    finally:
        app.config["DEMO_PASSWORD_ALLOWED"] = True
    assert sign_in(client, person.email, DEMO_PASSWORD).status_code == 302
