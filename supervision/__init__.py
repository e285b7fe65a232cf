"""Supervision: line managers sign off entries in supervision sessions; the manager's view."""

from flask import Blueprint

bp = Blueprint("supervision", __name__)


@bp.record_once
def _schedule_session_messages(state) -> None:
    """The scheduler's every-minute run tells the owners of sessions left unfinished (the
    scheduler lives in pledges, which never imports supervision, so the job is handed to it)."""
    from supervision.operations import tell_idle_sessions

    state.app.extensions.setdefault("every_minute_jobs", []).append(tell_idle_sessions)


from supervision import routes  # noqa: E402, F401  (registers the views)
