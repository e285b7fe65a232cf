"""The record: the framework, stage 1 self-assessment and pledges, and (later) the review."""

from flask import Blueprint

bp = Blueprint("pledges", __name__)


@bp.app_template_global("review_timing")
def review_timing_today(record):
    """Where a record's review stands today (due, overdue, ...), for any template or macro."""
    from core.clock import today_in_london
    from pledges.review.rules import review_timing

    return review_timing(record, today_in_london())


from pledges import cli, history_routes, routes  # noqa: E402, F401  (views and commands)
from pledges.review import routes as review_routes  # noqa: E402, F401  (stage 2 views)
