"""Set-password links: emailed, single-use, time-limited; "forgot password" never tells whether
an address is registered."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine

from core.clock import utcnow
from core.database import db
from people.password_links import (
    LinkProblem,
    LinkPurpose,
    make_token,
    person_for_token,
    send_password_link,
)
from tests.conftest import PASSWORD


def _link_in(message) -> str:
    match = re.search(r"http://\S+(/set-password/\S+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def test_forgot_password_answers_the_same_for_any_address_and_emails_only_real_ones(
    client, people, smtp_inbox
):
    known = client.post("/forgot-password", data={"email": people["practitioner"].email})
    unknown = client.post("/forgot-password", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200

    def page_text(response, email):
        return response.get_data(as_text=True).replace(email, "ADDRESS")

    assert page_text(known, people["practitioner"].email) == page_text(
        unknown, "nobody@example.org"
    )
    assert [m["To"] for m in smtp_inbox.messages] == [people["practitioner"].email]
    assert "lasts 2 hours" in smtp_inbox.messages[0].get_content()


def test_a_reset_link_sets_the_password_once_and_the_person_signs_in(client, people, smtp_inbox):
    pat = people["practitioner"]
    client.post("/forgot-password", data={"email": pat.email.upper()})
    link = _link_in(smtp_inbox.to(pat.email)[0])
    opened = client.get(link)
    assert opened.status_code == 302
    assert opened.headers["Location"] == "/set-password"  # the token is not in the address
    assert "Choose your password" in client.get("/set-password").get_data(as_text=True)
    new = "a brand new pass phrase"
    response = client.post("/set-password", data={"new_password": new, "confirm_password": new})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    again = client.get(link)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    assert (
        client.post("/sign-in", data={"email": pat.email, "password": PASSWORD}).status_code == 401
    )
    signed_in = client.post("/sign-in", data={"email": pat.email, "password": new})
    assert signed_in.headers["Location"] == "/"


def test_mismatched_or_short_passwords_are_explained_beside_the_field(client, people):
    link = f"/set-password/{make_token(people['practitioner'], LinkPurpose.RESET)}"
    short = client.post(link, data={"new_password": "short", "confirm_password": "short"})
    assert short.status_code == 422
    assert "Use at least 12 characters" in short.get_data(as_text=True)
    different = client.post(
        link, data={"new_password": "long enough words", "confirm_password": "other words here"}
    )
    assert "The two new passwords are not the same" in different.get_data(as_text=True)
    person_for_token(link.rsplit("/", 1)[1])  # still usable: nothing was set


def test_links_expire(people):
    pat = people["practitioner"]
    reset, welcome = make_token(pat, LinkPurpose.RESET), make_token(pat, LinkPurpose.WELCOME)
    with time_machine.travel(utcnow() + timedelta(hours=3)):
        with pytest.raises(LinkProblem, match="expired"):
            person_for_token(reset)
        assert person_for_token(welcome) == pat
    with (
        time_machine.travel(utcnow() + timedelta(days=8)),
        pytest.raises(LinkProblem, match="expired"),
    ):
        person_for_token(welcome)


def test_altered_links_and_leavers_links_do_not_work(client, people):
    pat = people["practitioner"]
    token = make_token(pat, LinkPurpose.RESET)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "rubbish", "a.b.c"):
        with pytest.raises(LinkProblem, match="not right"):
            person_for_token(bad)
        assert client.get(f"/set-password/{bad}").status_code == 410
    pat.is_active_account = False
    db.session.commit()
    with pytest.raises(LinkProblem, match="no longer works"):
        person_for_token(token)


def test_a_new_person_without_a_password_sets_one_from_the_welcome_email(
    client, make_user, smtp_inbox
):
    from people.operations import create_user

    newcomer = create_user(email="new@example.org", name="Nia Newcomer")
    send_password_link(newcomer, LinkPurpose.WELCOME)
    db.session.commit()
    (message,) = smtp_inbox.to("new@example.org")
    assert "An account has been made for you" in message.get_content()
    link = _link_in(message)
    password = "my first real password"
    client.post(link, data={"new_password": password, "confirm_password": password})
    response = client.post("/sign-in", data={"email": "new@example.org", "password": password})
    assert response.headers["Location"] == "/"


def test_setting_a_password_ends_other_sessions(client, auth, people):
    pat = people["practitioner"]
    auth.login(pat)
    assert client.get("/records").status_code == 200
    other = client.application.test_client()
    link = f"/set-password/{make_token(pat, LinkPurpose.RESET)}"
    other.post(link, data={"new_password": "x" * 12, "confirm_password": "x" * 12})
    assert client.get("/records").status_code == 302


def test_the_sign_in_page_offers_a_reset(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/forgot-password"' in html


def test_reset_links_go_at_most_once_every_five_minutes(client, people, smtp_inbox):
    pat = people["practitioner"]
    first = client.post("/forgot-password", data={"email": pat.email})
    again = client.post("/forgot-password", data={"email": pat.email})
    assert first.get_data() == again.get_data()  # the page never says it held one back
    assert len(smtp_inbox.to(pat.email)) == 1
    with time_machine.travel(utcnow() + timedelta(minutes=6)):
        client.post("/forgot-password", data={"email": pat.email})
    assert len(smtp_inbox.to(pat.email)) == 2


def test_the_token_stays_out_of_the_access_log(client, people, caplog):
    import logging

    token = make_token(people["practitioner"], LinkPurpose.RESET)
    caplog.set_level(logging.INFO)
    for name in ("werkzeug", "gunicorn.access"):  # the browser tests quieten werkzeug
        caplog.set_level(logging.INFO, logger=name)
    # What werkzeug's request log (and gunicorn's access log) write for the emailed link.
    logging.getLogger("werkzeug").info(
        '%s - - [%s] "%s" %s -',
        "127.0.0.1",
        "25/Nov/2026 22:00:00",
        f"GET /set-password/{token} HTTP/1.1",
        302,
    )
    logging.getLogger("gunicorn.access").info(
        '%(h)s "%(r)s" %(s)s',
        {"h": "10.0.0.1", "r": f"GET /set-password/{token} HTTP/1.1", "s": 302},
    )
    assert len(caplog.records) == 2
    assert token not in caplog.text
    assert "/set-password/[redacted]" in caplog.text
    # The page the link leads to has no token in its address.
    response = client.get(f"/set-password/{token}")
    assert token not in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code == 200


def test_the_token_free_page_without_a_link_opened_explains(client):
    response = client.get("/set-password")
    assert response.status_code == 410
    assert "Open the link in your email again" in response.get_data(as_text=True)


def test_a_reset_link_posted_twice_at_once_works_once(app, people):
    """Two requests on two connections set a password from the same link at the same moment."""
    import threading

    from people.password_links import set_password_from_link
    from people.passwords import verify_password

    if db.engine.dialect.name != "postgresql":
        pytest.skip("two real concurrent connections: run on PostgreSQL")
    pat = people["practitioner"]
    token = make_token(pat, LinkPurpose.RESET)
    db.session.commit()
    barrier = threading.Barrier(2)
    outcomes = {}

    def use_link(number: int) -> None:
        with app.app_context():
            person = person_for_token(token)
            barrier.wait()
            try:
                set_password_from_link(person, f"new pass phrase number {number}")
                db.session.commit()
                outcomes[number] = "set"
            except LinkProblem:
                db.session.rollback()
                outcomes[number] = "refused"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=use_link, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["refused", "set"]
    (winner,) = [n for n, outcome in outcomes.items() if outcome == "set"]
    db.session.expire_all()
    assert verify_password(pat.password_hash, f"new pass phrase number {winner}")
