"""The training team's and district teams' dashboard, and the downloads of what it shows."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from collation import bp
from collation.exports import queue_export, retry_export, start_export
from collation.filenames import job_filename
from collation.models import ExportKind, ExportStatus
from collation.permissions import can_collate, can_use_export
from collation.queries import load_export, team_choices
from collation.record_list import records_page, records_wanted_from_args
from collation.selection import MULTI_AGENCY_VALUE, selection_from_args
from collation.storage import export_storage
from collation.summaries import dashboard_charts, figures_for
from core.clock import today_in_london
from core.database import all_by_name, db
from core.forms import ConfirmForm
from core.guard import me, object_view, page_view
from people.models import Agency, District
from pledges.queries import published_key_points
from pledges.record_scope import MULTI_AGENCY


@bp.get("/collation")
@page_view(can_collate)
def dashboard():
    selection = selection_from_args(request.args, current_user)
    current = figures_for(selection, today_in_london())
    return render_template(
        "collation/dashboard.html",
        selection=selection,
        figures=current.figures,
        computed_at=current.computed_at,
        charts=dashboard_charts(current, selection),
        districts=all_by_name(District),
        agencies=[(str(a.id), a.name) for a in all_by_name(Agency)]
        + [(MULTI_AGENCY_VALUE, MULTI_AGENCY)],
        teams=team_choices(selection),
        key_points=published_key_points(),
    )


@bp.get("/collation/records")
@page_view(can_collate)
def records():
    """The signed-off records behind a figure of the dashboard, each linking to its record."""
    wanted = records_wanted_from_args(request.args, current_user)
    found = records_page(wanted, request.args.get("page", 1, type=int) or 1, today_in_london())
    return render_template("collation/records.html", wanted=wanted, found=found)


@bp.post("/collation/exports")
@page_view(can_collate)
def request_export():
    """Queue an export of what the dashboard shows, and go to its progress page."""
    selection = selection_from_args(request.args, current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        kind = ExportKind(request.form.get("kind", ""))
    except ValueError:
        abort(400)
    job = queue_export(me(), kind, selection)
    db.session.commit()
    start_export(job.id)
    return redirect(url_for("collation.export_progress", job_id=job.id))


# The export's permission is asked of the roles held now, not when it was requested.
@bp.get("/collation/exports/<id:job_id>")
@object_view(load_export, permission=can_use_export)
def export_progress(job):
    db.session.refresh(job)
    return render_template("collation/export.html", job=job, form=ConfirmForm())


@bp.get("/collation/exports/<id:job_id>/download")
@object_view(load_export, permission=can_use_export)
def export_download(job):
    storage = export_storage()
    if not job.is_available or not storage.exists(job.file_name):
        abort(404)
    return storage.send(
        job.file_name,
        mimetype=job.kind.mimetype,
        download_name=job_filename(job),
    )


@bp.post("/collation/exports/<id:job_id>/retry")
@object_view(load_export, permission=can_use_export)
def export_retry(job):
    if ConfirmForm().validate_on_submit() and job.status is ExportStatus.FAILED:
        retry_export(job)
        db.session.commit()
        start_export(job.id)
    return redirect(url_for("collation.export_progress", job_id=job.id))
