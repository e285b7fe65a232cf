"""The training team's and district teams' dashboard, and the downloads of what it shows."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from collation import bp
from collation.charts import bar_chart_svg
from collation.exports import export_dir, queue_export, retry_export, start_export
from collation.filenames import export_filename, job_filename
from collation.models import ExportJob, ExportKind, ExportStatus
from collation.pdf import collated_pdf
from collation.queries import dashboard_figures
from collation.selection import can_collate, selection_from_args
from collation.spreadsheet import csv_bytes, xlsx_bytes
from core.clock import today_in_london
from core.database import db
from core.forms import ConfirmForm
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
    name = export_filename(selection, "pdf", today_in_london())
    return _download(collated_pdf(selection), "application/pdf", name)


@bp.get("/collation/collated.xlsx")
@login_required
def download_xlsx():
    selection = _selection_or_abort()
    return _download(
        xlsx_bytes(selection),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        export_filename(selection, "xlsx", today_in_london()),
    )


@bp.get("/collation/collated.csv")
@login_required
def download_csv():
    selection = _selection_or_abort()
    name = export_filename(selection, "csv", today_in_london())
    return _download(csv_bytes(selection), "text/csv", name)


@bp.post("/collation/exports")
@login_required
def request_export():
    """Queue an export of what the dashboard shows, and go to its progress page."""
    selection = _selection_or_abort()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        kind = ExportKind(request.form.get("kind", ""))
    except ValueError:
        abort(400)
    job = queue_export(current_user._get_current_object(), kind, selection)
    db.session.commit()
    start_export(job.id)
    return redirect(url_for("collation.export_progress", job_id=job.id))


def _job_or_abort(job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id) or abort(404)
    if job.requested_by_id != current_user.id:
        abort(403)
    return job


@bp.get("/collation/exports/<id:job_id>")
@login_required
def export_progress(job_id: int):
    job = _job_or_abort(job_id)
    db.session.refresh(job)
    return render_template("collation/export.html", job=job, form=ConfirmForm())


@bp.get("/collation/exports/<id:job_id>/download")
@login_required
def export_download(job_id: int):
    job = _job_or_abort(job_id)
    if job.status is not ExportStatus.DONE:
        abort(404)
    path = export_dir(current_app) / job.file_name
    if not path.exists():
        abort(404)
    return send_file(
        path,
        mimetype=job.kind.mimetype,
        as_attachment=True,
        download_name=job_filename(job),
    )


@bp.post("/collation/exports/<id:job_id>/retry")
@login_required
def export_retry(job_id: int):
    job = _job_or_abort(job_id)
    if ConfirmForm().validate_on_submit() and job.status is ExportStatus.FAILED:
        retry_export(job)
        db.session.commit()
        start_export(job.id)
    return redirect(url_for("collation.export_progress", job_id=job.id))
