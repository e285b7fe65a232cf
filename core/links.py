"""Links to the app's pages, in pages, emails and prompts alike: `url_for(..., _external=True)`.

The public address comes from `BASE_URL`: its host becomes Flask's `SERVER_NAME` and its scheme
`PREFERRED_URL_SCHEME`, so the scheduler, the worker and the command line (which have no request)
build the same addresses a request does. Since Flask 3.1 `SERVER_NAME` no longer limits which
hosts the app answers; `TRUSTED_HOSTS` does that (core/security.py).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def init_app(app) -> None:
    base = urlsplit(app.config["BASE_URL"])
    if not app.config.get("SERVER_NAME"):
        app.config["SERVER_NAME"] = base.netloc
    app.config["PREFERRED_URL_SCHEME"] = base.scheme or "https"
    if base.path.strip("/"):
        app.config["APPLICATION_ROOT"] = base.path.rstrip("/")


def base_url_host(app) -> str:
    """The host name of `BASE_URL`, without its port."""
    return urlsplit(app.config["BASE_URL"]).hostname or ""


def path_of(address: str) -> str:
    """The path (and query) of a full address: what a notification in the app links to, so that
    it works on whichever host the person uses."""
    return urlsplit(address)._replace(scheme="", netloc="").geturl()


def address_of(path: str) -> str:
    """The full address of a path `url_for` made (a notification's link), for an email."""
    config = current_app.config
    return f"{config['PREFERRED_URL_SCHEME']}://{config['SERVER_NAME']}{path}"
