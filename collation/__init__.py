"""County-wide collation: dashboards, the collated PDF and spreadsheet exports.

It reads every other package; nothing imports it.
"""

from flask import Blueprint

bp = Blueprint("collation", __name__)


@bp.app_template_global("can_collate")
def can_collate_global(user):
    from collation.permissions import can_collate

    return can_collate(user)


from collation import routes  # noqa: E402, F401  (registers the views)
