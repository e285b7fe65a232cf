"""Links are built by url_for on BASE_URL, with or without a request; production answers only
the hosts it trusts, and trusts the proxies it is told about."""

from __future__ import annotations

import pytest
from flask import url_for

from app import create_app
from people.password_links import LinkPurpose, set_password_address

PRODUCTION = {
    "SECRET_KEY": "s" * 48,
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "BASE_URL": "https://pledges.example.org",
}


@pytest.fixture
def production_app(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    return create_app(PRODUCTION)


def test_production_refuses_a_request_naming_another_host(production_app):
    client = production_app.test_client()
    assert client.get("/sign-in").status_code == 200
    assert client.get("/sign-in", headers={"Host": "pledges.example.org:443"}).status_code == 200
    refused = client.get("/sign-in", headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert "evil.example" not in refused.get_data(as_text=True)


def test_trusted_hosts_come_from_the_setting_when_given(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    app = create_app({**PRODUCTION, "TRUSTED_HOSTS": ["pledges.example.org", "intranet.local"]})
    client = app.test_client()
    assert client.get("/sign-in", headers={"Host": "intranet.local"}).status_code == 200
    assert client.get("/sign-in", headers={"Host": "evil.example"}).status_code == 400


def test_links_outside_a_request_use_base_url(production_app):
    """The scheduler, the worker and the command line have no request: links still name the
    public address, over https."""
    with production_app.app_context():
        assert (
            url_for("pledges.view_record", record_id=7, _external=True)
            == "https://pledges.example.org/records/7"
        )


def test_a_set_password_link_is_a_full_address_on_base_url(app, make_user):
    address = set_password_address(make_user(), LinkPurpose.WELCOME)
    assert address.startswith(f"{app.config['BASE_URL']}/set-password/")


def test_behind_the_proxy_the_client_address_and_scheme_come_from_its_headers(production_app):
    """PROXY_COUNT (1 in production) proxies' X-Forwarded-For and -Proto are believed, so the
    sign-in throttle counts the real source address and secure pages know they are secure."""
    seen = {}

    @production_app.get("/__test_address")
    def address():
        from flask import request

        seen.update(address=request.remote_addr, secure=request.is_secure)
        return ""

    production_app.test_client().get(
        "/__test_address",
        base_url="http://pledges.example.org",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
    )
    assert seen == {"address": "203.0.113.9", "secure": True}
