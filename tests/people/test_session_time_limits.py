"""Sessions end after 30 minutes without activity and 12 hours after signing in (OWASP ASVS
level 2), with the clock moved; the page carries the limits for its warning and a way to stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.conftest import PASSWORD

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def at(minutes: float):
    return time_machine.travel(START + timedelta(minutes=minutes), tick=False)


@pytest.fixture
def signed_in(client, people):
    with at(0):
        response = client.post(
            "/sign-in", data={"email": people["practitioner"].email, "password": PASSWORD}
        )
    assert response.status_code == 302
    return client


def test_a_session_ends_after_thirty_minutes_without_activity(signed_in):
    with at(29):
        assert signed_in.get("/records").status_code == 200
    with at(58):  # 29 minutes after the last request
        assert signed_in.get("/records").status_code == 200
    with at(88.5):
        response = signed_in.get("/records")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/records"
    page = signed_in.get("/sign-in").get_data(as_text=True)
    assert "nothing had happened for 30 minutes" in page
    with at(89):
        assert signed_in.get("/records").status_code == 302  # signed out for good


def test_a_session_ends_twelve_hours_after_signing_in_however_busy(signed_in):
    minute = 0
    while minute < 12 * 60:
        minute += 20
        with at(minute):
            status = signed_in.get("/records").status_code
        if minute <= 12 * 60:
            assert status == 200, minute
    with at(12 * 60 + 1):
        response = signed_in.get("/records")
    assert response.status_code == 302
    assert "sessions last 12 hours at most" in signed_in.get("/sign-in").get_data(as_text=True)


def test_staying_signed_in_counts_as_activity_but_asking_the_time_left_does_not(signed_in):
    with at(20):
        state = signed_in.get("/session/status").get_json()
        assert state == {
            "signed_in": True,
            "idle_left": 10 * 60,
            "absolute_left": 12 * 3600 - 20 * 60,
            "warning": 5 * 60,
        }
    with at(26):
        assert signed_in.post("/session/keep-alive").get_json()["idle_left"] == 30 * 60
    with at(50):
        assert signed_in.get("/session/status").get_json()["idle_left"] == 6 * 60
    with at(56.5):
        assert signed_in.get("/session/status").get_json() == {"signed_in": False}
    assert signed_in.get("/records").status_code == 302


def test_the_idle_limit_is_configurable(app, signed_in):
    app.config["SESSION_IDLE_MINUTES"] = 10
    try:
        with at(11):
            assert signed_in.get("/records").status_code == 302
    finally:
        app.config["SESSION_IDLE_MINUTES"] = 30


def test_a_form_posted_after_the_end_goes_to_sign_in_and_back_to_its_page(signed_in):
    with at(45):
        response = signed_in.post(
            "/profile",
            data={"details-telephone": "01629 123456", "details-submit": "1"},
            headers={"Referer": "http://localhost/profile"},
        )
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/profile"


def test_pages_carry_the_limits_for_the_warning_and_a_way_to_stay(signed_in):
    with at(1):
        html = signed_in.get("/records").get_data(as_text=True)
    assert 'id="session-timeout"' in html
    assert 'data-idle-left="1800"' in html
    assert 'data-warning="300"' in html
    assert "Stay signed in" in html
