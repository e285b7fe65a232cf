"""The impact report's page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from flask_login import current_user

from core.clock import today_in_london
from core.database import db
from core.guard import page_view
from core.ids import parse_id
from impact import bp
from impact.figures import shown, shown_share
from impact.permissions import can_read_impact, impact_scope
from impact.summaries import current_report
from people.models import District


@bp.get("/impact")
@page_view(can_read_impact)
def report():
    scope = impact_scope(current_user)
    chosen = db.session.get(District, parse_id(request.args.get("district")) or 0)
    district = scope or chosen  # a district team sees its own district, whatever is asked
    anonymised = request.args.get("anonymise") in ("1", "on", "yes", "true")
    report, computed_at = current_report(district.id if district else None, today_in_london())
    return render_template(
        "impact/report.html",
        report=report,
        computed_at=computed_at,
        district=district,
        locked=scope is not None,
        anonymised=anonymised,
        districts=db.session.scalars(sa.select(District).order_by(District.name)).all(),
        count=lambda n: shown(n, anonymised=anonymised),
        share=lambda s: shown_share(s, anonymised=anonymised),
    )
