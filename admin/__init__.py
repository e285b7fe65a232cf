"""Running the service: people, teams, agencies and districts, line management, imports and
frameworks. Reads and changes the other packages; none of them imports this one."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.app_template_global("can_administer")
def can_administer_global(user) -> bool:
    from admin.permissions import can_administer

    return can_administer(user)


@bp.app_template_global("can_publish_frameworks")
def can_publish_frameworks_global(user) -> bool:
    from admin.permissions import can_publish_frameworks

    return can_publish_frameworks(user)


from admin import (  # noqa: E402, F401  (registers the views)
    frameworks,
    import_routes,
    mail_routes,
    people_routes,
    routes,
    team_routes,
)
