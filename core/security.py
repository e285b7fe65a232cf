"""Security headers on every response, the hosts and proxies trusted, the check on cross-site
posts, and the check that keeps `next=` on this site."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from flask import request
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

from core.links import base_url_host

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # Not no-referrer: Flask-WTF checks the Referer on HTTPS form posts.
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint != "static":
        # Pages hold people's records: browsers and proxies must not keep copies.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CrossSiteRequest(BadRequest):
    """A state-changing request that another site's page sent (its Origin or Referer says so)."""


def _host_of(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def refuse_cross_site_requests() -> None:
    """Every state-changing request must come from this site's own pages.

    An Origin header, when the browser sends one (every current browser does on a POST), must
    name this host; "null" (a sandboxed or privacy-redirected page) is refused too. Over HTTPS,
    a request without Origin needs a same-site Referer. Flask-WTF checks neither Origin nor, on
    the views exempt from its CSRF check (the forms that check their own token), the Referer:
    this covers every route alike.
    """
    if request.method not in STATE_CHANGING_METHODS:
        return
    here = request.host.lower()
    origin = request.headers.get("Origin")
    if origin is not None:
        if _host_of(origin) != here:
            raise CrossSiteRequest(f"origin {origin[:100]!r} is not this site")
        return
    if request.is_secure and _host_of(request.referrer or "") != here:
        raise CrossSiteRequest("no same-site Referer on a secure request without Origin")


def add_hsts_header(response):
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def is_safe_next(target: str | None) -> bool:
    """A path on this site: one leading slash, no scheme, no host, no backslash."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(character) < 32 for character in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


# Paths whose last part is a secret (set-password tokens): kept out of the access logs.
SECRET_IN_PATH = re.compile(r"(/set-password/)[^\s?\"']+")
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


class RedactSecretsInPaths(logging.Filter):
    """Replaces the token in a logged set-password path with [redacted]; the line stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/set-password/" in message:
            record.msg, record.args = SECRET_IN_PATH.sub(r"\1[redacted]", message), None
        return True


def init_app(app) -> None:
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactSecretsInPaths) for existing in logger.filters):
            logger.addFilter(RedactSecretsInPaths())
    if app.config.get("TRUSTED_HOSTS_FROM_BASE_URL") and not app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = [base_url_host(app)]
    proxies = app.config.get("PROXY_COUNT", 0)
    if proxies:
        # Behind the TLS proxy the client's address and scheme come from its X-Forwarded-*
        # headers (the sign-in throttle counts per source address); only that many hops count.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.before_request(refuse_cross_site_requests)
    app.after_request(add_security_headers)
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.after_request(add_hsts_header)
