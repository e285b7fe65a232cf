"""People and organisation: users, agencies, districts, teams, line management and sign-in."""

from flask import Blueprint

bp = Blueprint("people", __name__)


@bp.record_once
def _schedule_digests(state) -> None:
    """The scheduler's daily run sends the daily digests, after the review sweep."""
    from people.digests import send_daily_digests

    state.app.extensions.setdefault("daily_jobs", []).append(send_daily_digests)


from people import auth, routes  # noqa: E402, F401  (registers the loader and the views)
