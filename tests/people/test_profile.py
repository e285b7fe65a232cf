"""The profile: your own contact details and password."""

from __future__ import annotations

from core.database import db
from people.passwords import verify_password
from tests.conftest import PASSWORD


def test_contact_details_are_saved_and_used_by_new_records(client, auth, people, framework):
    pat = people["practitioner"]
    auth.login(pat)
    response = client.post(
        "/profile",
        data={
            "details-work_base_address": "New Office\r\nHigh Street",
            "details-telephone": " 01234 567 890 ",
            "details-submit": "1",
        },
    )
    assert response.status_code == 302
    db.session.refresh(pat)
    assert pat.work_base_address == "New Office\nHigh Street"
    assert pat.telephone == "01234 567 890"
    client.post("/records/start")
    from pledges.models import Record

    record = db.session.query(Record).one()
    assert record.work_base_address == "New Office\nHigh Street"
    assert record.telephone == "01234 567 890"


def test_a_new_password_needs_the_current_one_and_twelve_characters(app, client, auth, people):
    pat = people["practitioner"]
    auth.login(pat)

    def change(current, new, again=None):
        return client.post(
            "/profile",
            data={
                "password-current_password": current,
                "password-new_password": new,
                "password-confirm_password": again if again is not None else new,
                "password-submit": "1",
            },
        )

    short = change(PASSWORD, "short")
    assert short.status_code == 422
    assert "Use at least 12 characters" in short.get_data(as_text=True)
    mismatch = change(PASSWORD, "long enough password", "different one!")
    assert "are not the same" in mismatch.get_data(as_text=True)
    wrong = change("not my password", "a brand new password")
    assert "Your current password is not right." in wrong.get_data(as_text=True)

    other_browser = app.test_client()
    with other_browser.session_transaction() as session:
        session["_user_id"] = pat.session_token
    assert change(PASSWORD, "a brand new password").status_code == 302
    db.session.refresh(pat)
    assert verify_password(pat.password_hash, "a brand new password")
    assert client.get("/profile").status_code == 200  # this browser stays signed in
    assert other_browser.get("/records").status_code == 302  # every other session ended
