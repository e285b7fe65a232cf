"""Publishing a framework from its data file, for the training team and administrators."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for

from admin import bp
from admin.forms import PublishFrameworkForm
from admin.operations import make_framework_version_current, publish_framework_version
from admin.view_helpers import framework_publisher_required, me
from core.database import db
from core.forms import ConfirmForm
from pledges.framework import (
    FrameworkFileError,
    framework_from_text,
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


@bp.route("/frameworks", methods=["GET", "POST"])
@framework_publisher_required
def frameworks():
    form = PublishFrameworkForm()
    problems: list[str] = []
    if form.validate_on_submit():
        raw = form.file.data.read()
        try:
            data = framework_from_text(raw)
        except FrameworkFileError as error:
            problems = error.problems
        else:
            already = stored_framework(data["key"], data["version"])
            if already is not None:
                form.file.errors.append(
                    f"{already.title}, version {already.version}, is already published. Give "
                    "the file a new version to publish a change."
                )
            else:
                version = publish_framework_version(data, me(), make_current=form.make_current.data)
                db.session.commit()
                state = "New records will use it." if version.is_current else "It is not current."
                flash(
                    f"{version.title}, version {version.version}, is published. {state}", "success"
                )
                return redirect(url_for("admin.frameworks"))
    status = 422 if problems or form.errors else 200
    return _versions_page(form, problems, status)


@bp.post("/frameworks/<id:version_id>/current")
@framework_publisher_required
def make_current(version_id: int):
    version = db.session.get(FrameworkVersion, version_id)
    if version is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        make_framework_version_current(version, me())
        db.session.commit()
        flash(
            f"New records will use {version.title}, version {version.version}. Records already "
            "started keep their framework.",
            "success",
        )
    return redirect(url_for("admin.frameworks"))
