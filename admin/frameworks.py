"""Publishing a framework from its data file, for the training team and administrators: the
file is checked and previewed (its areas, key points and details) before it is published."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for

from admin import bp
from admin.forms import PublishFrameworkForm, UploadForm
from admin.operations import make_framework_version_current, publish_framework_version
from admin.permissions import can_publish_framework_version
from admin.view_helpers import framework_publisher_required
from core.database import db
from core.forms import ConfirmForm
from core.guard import me, object_view
from pledges.framework import (
    FrameworkFileError,
    framework_from_text,
    load_framework_version,
    stored_framework,
)
from pledges.models import FrameworkVersion, Record


def _versions_page(form, problems: list[str], status: int = 200):
    versions = db.session.scalars(
        sa.select(FrameworkVersion).order_by(FrameworkVersion.key, FrameworkVersion.id)
    ).all()
    records = dict(
        db.session.execute(
            sa.select(Record.framework_version_id, sa.func.count(Record.id)).group_by(
                Record.framework_version_id
            )
        ).all()
    )
    return render_template(
        "admin/frameworks.html",
        versions=versions,
        records=records,
        form=form,
        problems=problems,
        action_form=ConfirmForm(),
    ), status


def _already_published(data: dict) -> str | None:
    already = stored_framework(data["key"], data["version"])
    if already is None:
        return None
    return (
        f"{already.title}, version {already.version}, is already published. Give the file a "
        "new version to publish a change."
    )


@bp.route("/frameworks", methods=["GET", "POST"])
@framework_publisher_required
def frameworks():
    """The published frameworks, and the upload that checks a file and shows its preview."""
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        raw = form.file.data.read()
        try:
            data = framework_from_text(raw)
        except FrameworkFileError as error:
            problems = error.problems
        else:
            if (already := _already_published(data)) is not None:
                form.file.errors.append(already)
            else:
                text = raw.decode("utf-8-sig")
                publish_form = PublishFrameworkForm(formdata=None, framework_text=text)
                return render_template("admin/framework_preview.html", data=data, form=publish_form)
    status = 422 if problems or form.errors else 200
    return _versions_page(form, problems, status)


@bp.post("/frameworks/publish")
@framework_publisher_required
def publish_framework_page():
    """Publish the previewed file, checked again (it came back through the browser)."""
    form = PublishFrameworkForm()
    if not form.validate_on_submit():
        flash("The preview had expired. Choose the framework's file again.", "error")
        return redirect(url_for("admin.frameworks"))
    try:
        data = framework_from_text(form.framework_text.data)
    except FrameworkFileError as error:
        return _versions_page(UploadForm(formdata=None), error.problems, 422)
    if (already := _already_published(data)) is not None:
        flash(already, "error")  # published meanwhile, or the button pressed twice
        return redirect(url_for("admin.frameworks"))
    version = publish_framework_version(data, me(), make_current=form.make_current.data)
    db.session.commit()
    state = "New records will use it." if version.is_current else "It is not current."
    flash(f"{version.title}, version {version.version}, is published. {state}", "success")
    return redirect(url_for("admin.frameworks"))


@bp.post("/frameworks/<id:version_id>/current")
@object_view(load_framework_version, permission=can_publish_framework_version)
def make_current(version):
    if ConfirmForm().validate_on_submit():
        make_framework_version_current(version, me())
        db.session.commit()
        flash(
            f"New records will use {version.title}, version {version.version}. Records already "
            "started keep their framework.",
            "success",
        )
    return redirect(url_for("admin.frameworks"))
