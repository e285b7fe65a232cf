"""Friendly error pages: a clear message and a way on, never a stack trace."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, SecurityError

from core.database import db
from core.security import CrossSiteRequest

log = logging.getLogger(__name__)

MESSAGES = {
    400: (
        "Something was wrong with that request",
        "Go back, check what you entered and try again.",
    ),
    403: (
        "You cannot see this page",
        "It belongs to someone else, or your role does not include it.",
    ),
    404: ("Page not found", "The page may have moved, or the address may be mistyped."),
    405: ("That cannot be done here", "Go back and use the buttons on the page."),
    413: (
        "That was too much to send at once",
        "Send less text in one go (each box holds up to 10,000 characters) and try again.",
    ),
    500: (
        "Sorry, something went wrong on our side",
        "Your saved work is safe. Try again in a moment.",
    ),
}


def _render(status: int, title: str | None = None, detail: str | None = None):
    default_title, default_detail = MESSAGES.get(status, MESSAGES[400])
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=title or default_title,
            detail=detail or default_detail,
        ),
        status,
    )


def handle_csrf_error(error: CSRFError):
    return _render(
        400,
        "This page had expired",
        "For your security, forms expire after a while. Go back, reload the page and try again.",
    )


def handle_cross_site_request(error: CrossSiteRequest):
    log.warning("cross-site request refused: %s", error.description)
    return _render(
        400,
        "That request came from another site",
        "Nothing has been changed. To use this service, go to it directly and try again.",
    )


def handle_untrusted_host(error: SecurityError):
    """A request naming a host not in TRUSTED_HOSTS: no page of ours (its links would name that
    host), just a plain refusal."""
    log.warning("request refused: %s", error.description)
    return "This address is not served here.", 400, {"Content-Type": "text/plain; charset=utf-8"}


def handle_too_large(error: RequestEntityTooLarge):
    return _render(413)


def handle_http_error(error: HTTPException):
    return _render(error.code or 500)


def handle_unexpected_error(error: Exception):
    log.exception("unhandled error")
    db.session.rollback()
    return _render(500)


# Errors that mean the database could not be reached or answered: the service is briefly
# unavailable (503), not broken, and what the person sent is offered back to them.
DATABASE_UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)
# Fields that are not what a person typed: tokens, the revision a page was loaded with, copies
# of the text it showed, choices on the conflict page, passwords.
NOT_TYPED = ("csrf_token", "revision", "original_", "choice_", "then", "submit")


def _typed_fields() -> list[tuple[str, str]]:
    if request.method != "POST":
        return []
    fields = []
    for name, value in request.form.items(multi=True):
        if name.startswith(NOT_TYPED) or name.endswith("submit") or "password" in name:
            continue
        if value.strip():
            label = name.rpartition("-")[2].replace("_", " ").capitalize()
            fields.append((label, value))
    return fields


def handle_database_unavailable(error: Exception):
    """The app's own page (503) when the database fails: it says nothing was saved and shows
    the text fields that were posted, read-only, to copy. Rendered without context processors
    and without the signed-in header, which would ask the database again."""
    log.error("database unavailable: %s", error.__class__.__name__, exc_info=error)
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        log.warning("rollback failed as well: the connection is gone")
    template = current_app.jinja_env.get_template("errors/database_unavailable.html")
    html = template.render(fields=_typed_fields(), request=request)
    return html, 503, {"Retry-After": "60"}


def init_app(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(CrossSiteRequest, handle_cross_site_request)
    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, handle_database_unavailable)
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(RequestEntityTooLarge, handle_too_large)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.testing:
        # In tests an unexpected error should fail the test loudly, not render a page.
        app.register_error_handler(Exception, handle_unexpected_error)
