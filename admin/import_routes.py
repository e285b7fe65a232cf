"""Importing people from a CSV file: upload, the dry run, then the import."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from admin import bp
from admin.forms import ConfirmImportForm, UploadForm
from admin.models import PeopleImport
from admin.people_files import people_file_text
from admin.people_import import ImportFileError, decode_csv, import_people, plan_import, read_csv
from admin.permissions import can_administer_this
from admin.queries import load_import
from admin.view_helpers import administrator_required, status_for
from core.database import db
from core.guard import me, object_view
from core.locks import lock_row


@bp.route("/import", methods=["GET", "POST"])
@administrator_required
def upload_people():
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            content = people_file_text(upload.read())
            read_csv(content)
        except ImportFileError as problem:
            form.file.errors.append(str(problem))
        else:
            stored = PeopleImport(
                uploaded_by=me(),
                filename=(upload.filename or "")[:255],
                content=decode_csv(content),
            )
            db.session.add(stored)
            db.session.commit()
            return redirect(url_for("admin.people_import", import_id=stored.id))
    return render_template("admin/upload.html", form=form), status_for(form, [])


@bp.route("/import/<id:import_id>", methods=["GET", "POST"])
@object_view(load_import, permission=can_administer_this)
def people_import(stored):
    """The dry run of an uploaded file, row by row; posting it carries out the import."""
    form = ConfirmImportForm()
    if form.validate_on_submit():
        # Locked, so a second click (or another administrator) waits, then finds it imported.
        lock_row(stored)
        if stored.is_imported:
            flash(f"This file had already been imported: {stored.outcome}.", "info")
            return redirect(url_for("admin.people_import", import_id=stored.id))
    plan = plan_import(stored.content)
    if not stored.is_imported and plan.has_work and form.validate_on_submit():
        import_people(stored, plan, me(), send_links=form.send_links.data)
        db.session.commit()
        flash(f"Import done: {stored.outcome}.", "success")
        return redirect(url_for("admin.people_import", import_id=stored.id))
    return render_template("admin/import_plan.html", stored=stored, plan=plan, form=form)
