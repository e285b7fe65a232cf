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
