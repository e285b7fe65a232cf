"""Security headers on every page, friendly error pages, and request size limits."""

from __future__ import annotations


def test_pages_carry_security_headers_and_a_strict_content_security_policy(client):
    response = client.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "base-uri 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert "<script>" not in html
    assert "onclick" not in html


def test_an_unknown_page_is_a_friendly_404(client, auth, people):
    auth.login(people["practitioner"])
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html
    assert "Traceback" not in html


def test_a_request_too_large_gets_a_friendly_page(client, auth, people, app):
    auth.login(people["practitioner"])
    body = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/records/start", data={"team_id": body})
    assert response.status_code == 413
    assert "That was too much to send at once" in response.get_data(as_text=True)


def test_ids_too_large_for_the_database_are_not_found_not_a_crash(client, auth, people):
    auth.login(people["manager"])
    huge = 10**30
    assert client.get(f"/records/{huge}").status_code == 404
    assert client.get(f"/supervision/sessions/new?person={huge}").status_code == 404
    assert client.get(f"/records/{2**31}/record.pdf").status_code == 404


def test_a_post_from_another_site_is_refused_even_with_a_valid_token(app, client, auth, people):
    from core.database import db
    from tests.conftest import csrf_token_from

    practitioner = people["practitioner"]
    auth.login(practitioner)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        token = csrf_token_from(client.get("/profile").get_data(as_text=True))
        form = {"csrf_token": token, "details-telephone": "0800 000000", "details-submit": "1"}
        for origin in ("https://evil.example", "null", "http://localhost.evil.example"):
            response = client.post("/profile", data=form, headers={"Origin": origin})
            assert response.status_code == 400, origin
            assert "came from another site" in response.get_data(as_text=True)
        db.session.expire_all()
        assert practitioner.telephone == "01629 000001"
        same_site = client.post("/profile", data=form, headers={"Origin": "http://localhost"})
        assert same_site.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert practitioner.telephone == "0800 000000"


def test_the_forms_exempt_from_flask_wtf_still_need_a_same_site_referer_over_https(
    client, auth, people, make_record
):
    from core.database import db

    practitioner = people["practitioner"]
    record = make_record(practitioner)
    entry = record.entries[0]
    auth.login(practitioner)
    url = f"/records/{record.id}/entries/{entry.id}"
    data = {"pledge": "Forged pledge", "revision": str(entry.revision)}
    https = {"base_url": "https://localhost"}
    assert client.post(url, data=data, **https).status_code == 400
    evil = {"Referer": "https://evil.example/page"}
    assert client.post(url, data=data, headers=evil, **https).status_code == 400
    db.session.expire_all()
    assert entry.pledge == ""
    own = {"Referer": f"https://localhost{url}"}
    data["pledge"] = "My own pledge"
    assert client.post(url, data=data, headers=own, **https).status_code in (200, 302)
    db.session.expire_all()
    assert entry.pledge == "My own pledge"


def test_reading_pages_needs_no_origin_or_referer(client, auth, people):
    auth.login(people["practitioner"])
    assert client.get("/records", headers={"Origin": "https://evil.example"}).status_code == 200
    assert client.get("/records", base_url="https://localhost").status_code == 200
