"""Time limits on a signed-in session (OWASP ASVS level 2): it ends after
`SESSION_IDLE_MINUTES` without a request (30 by default) and `SESSION_ABSOLUTE_HOURS` after signing
in (12 by default), whatever the cookie says.

The times live in the signed session cookie and are checked before anything else on each request
(before the CSRF check, so a form posted after the end goes to sign-in, not to an error). Pages
carry the limits for the script in static/js/app.js, which warns `SESSION_WARNING_MINUTES` before
the end and offers to stay signed in (WCAG 2.2.1 Timing Adjustable); it asks the server how long
is left (`people.session_status`, which is not activity itself) so that work in another tab counts.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import flash, jsonify, redirect, request, session, url_for
from flask_login import current_user, logout_user, user_logged_in

from core.clock import utcnow
from core.security import is_safe_next

log = logging.getLogger(__name__)

SIGNED_IN_AT = "signed_in_at"
LAST_ACTIVE_AT = "last_active_at"
# Requests that are not activity: the page's own question "how long is left?" and files.
NOT_ACTIVITY = frozenset({"static", "people.session_status"})
ANSWERS_IN_JSON = frozenset({"people.session_status", "people.keep_signed_in"})
# The cookie is rewritten at most this often (seconds) just to note activity.
ACTIVITY_RESOLUTION = 15


def _now() -> float:
    return utcnow().timestamp()


def _limits(app_config) -> tuple[int, int]:
    return (
        int(app_config["SESSION_IDLE_MINUTES"]) * 60,
        int(app_config["SESSION_ABSOLUTE_HOURS"]) * 3600,
    )


def time_left() -> dict:
    """Seconds left before the session ends for inactivity and in all, for the page and script."""
    from flask import current_app

    idle, absolute = _limits(current_app.config)
    now = _now()
    return {
        "signed_in": True,
        "idle_left": max(0, int(session.get(LAST_ACTIVE_AT, now) + idle - now)),
        "absolute_left": max(0, int(session.get(SIGNED_IN_AT, now) + absolute - now)),
        "warning": int(current_app.config["SESSION_WARNING_MINUTES"]) * 60,
    }


def _note_sign_in(app, user, **extra) -> None:
    now = _now()
    session[SIGNED_IN_AT] = now
    session[LAST_ACTIVE_AT] = now


def _return_to() -> str | None:
    """Where to come back to after signing in again: this page, or for a form post the page the
    form was on (the post's own address may not answer GET)."""
    if request.method == "GET":
        target = request.full_path.rstrip("?")
        return target if is_safe_next(target) else None
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host:
        return None
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return target if is_safe_next(target) else None


def check_session_time_limits():
    """End a session that has been idle or open too long; otherwise note the activity."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    from flask import current_app

    idle, absolute = _limits(current_app.config)
    now = _now()
    signed_in_at = session.setdefault(SIGNED_IN_AT, now)
    last_active_at = session.get(LAST_ACTIVE_AT, now)
    if now - last_active_at > idle or now - signed_in_at > absolute:
        too_long = now - signed_in_at > absolute
        log.info(
            "session of user %s ended: %s", current_user.id, "open too long" if too_long else "idle"
        )
        logout_user()
        session.clear()
        flash(
            f"For your security you were signed out: sessions last "
            f"{current_app.config['SESSION_ABSOLUTE_HOURS']} hours at most. Sign in again to "
            "carry on."
            if too_long
            else "For your security you were signed out because nothing had happened for "
            f"{current_app.config['SESSION_IDLE_MINUTES']} minutes. Sign in again to carry on.",
            "info",
        )
        if request.endpoint in ANSWERS_IN_JSON:
            return jsonify(signed_in=False), 401
        return redirect(url_for("people.sign_in", next=_return_to()))
    if (
        request.endpoint not in NOT_ACTIVITY and now - last_active_at >= ACTIVITY_RESOLUTION
    ) or LAST_ACTIVE_AT not in session:
        session[LAST_ACTIVE_AT] = now
    return None


def _page_limits():
    if not current_user.is_authenticated:
        return {}
    return {"session_time": time_left()}


def init_app(app) -> None:
    """Register before CSRF protection, so an ended session is dealt with first."""
    app.config.setdefault("SESSION_IDLE_MINUTES", 30)
    app.config.setdefault("SESSION_ABSOLUTE_HOURS", 12)
    app.config.setdefault("SESSION_WARNING_MINUTES", 5)
    app.before_request(check_session_time_limits)
    app.context_processor(_page_limits)
    user_logged_in.connect(_note_sign_in, app)
