"""The record: the framework, stage 1 self-assessment and pledges, and (later) the review."""

from flask import Blueprint

from pledges.summary import summarise
from pledges.wording import (
    ENTRY_FIELD_SHORT_NAMES,
    approve_remaining_label,
    sign_off_sentence,
    status_detail,
)

bp = Blueprint("pledges", __name__)
# The words for a record's state and its counts, for any template (supervision's pages show
# records too).
for helper in (status_detail, sign_off_sentence, approve_remaining_label, summarise):
    bp.add_app_template_global(helper)
# The columns' short names, as the history names what changed.
bp.add_app_template_global(ENTRY_FIELD_SHORT_NAMES, "entry_field_short_names")


@bp.app_template_global("review_timing")
def review_timing_today(record):
    """Where a record's review stands today (due, overdue, ...), for any template or macro."""
    from core.clock import today_in_london
    from pledges.review.rules import review_timing

    return review_timing(record, today_in_london())


@bp.app_template_global("next_step")
def next_step_today(record):
    """What the owners do next with a record ("Next: submit for sign-off"), as of today."""
    from core.clock import today_in_london
    from pledges.next_step import next_step

    return next_step(record, today_in_london())


from pledges import cli, history_routes, routes  # noqa: E402, F401  (views and commands)
from pledges.review import routes as review_routes  # noqa: E402, F401  (stage 2 views)
