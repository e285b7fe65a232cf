"""The training team's and district teams' dashboard, and the downloads of what it shows."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, render_template, request
from flask_login import current_user, login_required

from collation import bp
from collation.charts import bar_chart_svg
from collation.pdf import collated_pdf
from collation.queries import dashboard_figures
from collation.selection import can_collate, selection_from_args
from collation.spreadsheet import csv_bytes, xlsx_bytes
from core.clock import today_in_london
from core.database import db
from people.models import Agency, District, Team


def _selection_or_abort():
    if not can_collate(current_user):
        abort(403)
    return selection_from_args(request.args, current_user)


@bp.get("/collation")
@login_required
def dashboard():
    selection = _selection_or_abort()
    figures = dashboard_figures(selection, today_in_london())
    charts = [
        ("status", "Records by status", figures.by_status),
        ("districts", "Signed-off records by district", figures.by_district),
        ("agencies", "Signed-off records by agency", figures.by_agency),
        ("teams", "Signed-off team records by team", figures.by_team),
        ("key-points", "Pledges per key point", figures.pledges_by_key_point),
        ("support", "Signed-off reviews by how they are evidenced", figures.review_support),
        ("sources", "Pieces of evidence by source", figures.evidence_by_source),
        ("judgements", "Judgements of change", figures.judgements),
    ]
    districts = db.session.scalars(sa.select(District).order_by(District.name)).all()
    return render_template(
        "collation/dashboard.html",
        selection=selection,
        figures=figures,
        charts=[
            (key, title, items, bar_chart_svg(f"chart-{key}", title, items))
            for key, title, items in charts
        ],
        districts=districts,
        agencies=db.session.scalars(sa.select(Agency).order_by(Agency.name)).all(),
        teams=db.session.scalars(sa.select(Team).order_by(Team.name)).all(),
    )


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/collation/collated.pdf")
@login_required
def download_pdf():
    selection = _selection_or_abort()
    return _download(collated_pdf(selection), "application/pdf", "collated-pledges.pdf")


@bp.get("/collation/collated.xlsx")
@login_required
def download_xlsx():
    selection = _selection_or_abort()
    return _download(
        xlsx_bytes(selection),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "collated-pledges.xlsx",
    )


@bp.get("/collation/collated.csv")
@login_required
def download_csv():
    selection = _selection_or_abort()
    return _download(csv_bytes(selection), "text/csv", "collated-pledges.csv")
