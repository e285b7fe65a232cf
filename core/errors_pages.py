"""Friendly error pages: a clear message and a way on, never a stack trace."""

from __future__ import annotations

import logging

from flask import render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from core.database import db

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


def handle_too_large(error: RequestEntityTooLarge):
    return _render(413)


def handle_http_error(error: HTTPException):
    return _render(error.code or 500)


def handle_unexpected_error(error: Exception):
    log.exception("unhandled error")
    db.session.rollback()
    return _render(500)


def init_app(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(RequestEntityTooLarge, handle_too_large)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.testing:
        # In tests an unexpected error should fail the test loudly, not render a page.
        app.register_error_handler(Exception, handle_unexpected_error)
