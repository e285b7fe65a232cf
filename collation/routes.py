"""The training team's and district teams' dashboard, and the downloads of what it shows."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from collation import bp
from collation.exports import queue_export, retry_export, start_export
from collation.filenames import job_filename
from collation.models import ExportJob, ExportKind, ExportStatus
from collation.permissions import can_use_export
from collation.queries import team_choices
from collation.selection import can_collate, selection_from_args
from collation.storage import export_storage
from collation.summaries import dashboard_charts, figures_for
from core.clock import today_in_london
from core.database import db
from core.forms import ConfirmForm
from people.models import Agency, District


def _selection_or_abort():
    if not can_collate(current_user):
        abort(403)
    return selection_from_args(request.args, current_user)


@bp.get("/collation")
@login_required
def dashboard():
    selection = _selection_or_abort()
    current = figures_for(selection, today_in_london())
    return render_template(
        "collation/dashboard.html",
        selection=selection,
        figures=current.figures,
        computed_at=current.computed_at,
        charts=dashboard_charts(current),
        districts=db.session.scalars(sa.select(District).order_by(District.name)).all(),
        agencies=db.session.scalars(sa.select(Agency).order_by(Agency.name)).all(),
        teams=team_choices(selection),
    )


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
    if not can_use_export(current_user, job):  # the roles held now, not when it was requested
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
    storage = export_storage()
    if not job.is_available or not storage.exists(job.file_name):
        abort(404)
    return storage.send(
        job.file_name,
        mimetype=job.kind.mimetype,
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
