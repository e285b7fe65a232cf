"""The partnership's impact report: how much did we do, how well, is anyone better off.

It reads `pledges`, `people` and the library's "signed off"; nothing imports it.
"""

from flask import Blueprint

bp = Blueprint("impact", __name__)


@bp.app_template_global("can_read_impact")
def can_read_impact_global(user) -> bool:
    from impact.permissions import can_read_impact

    return can_read_impact(user)


from impact import routes, summaries  # noqa: E402, F401  (the views; the summaries task)
