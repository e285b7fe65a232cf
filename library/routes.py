"""The good-practice library's pages: read by everyone signed in, featured by the training team."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from core.database import db
from core.errors import ActionRefused
from core.forms import ConfirmForm
from library import bp
from library.operations import feature_entry, unfeature_entry
from library.permissions import can_feature, can_read_library
from library.queries import LibraryFilters, choices, key_point_choices, library_page
from people.models import Agency, District
from pledges.models import Entry


@bp.app_template_global("can_feature")
def can_feature_global(user) -> bool:
    return can_feature(user)


@bp.get("/library")
@login_required
def index():
    if not can_read_library(current_user):
        abort(403)
    filters = LibraryFilters.from_args(request.args)
    found = library_page(filters, request.args.get("page", 1, type=int) or 1)
    return render_template(
        "library/index.html",
        filters=filters,
        found=found,
        key_points=key_point_choices(),
        agencies=choices(Agency),
        districts=choices(District),
        form=ConfirmForm(),
        may_feature=can_feature(current_user),
    )


@bp.post("/library/entries/<id:entry_id>/feature")
@login_required
def feature(entry_id: int):
    return _change_feature(entry_id, featuring=True)


@bp.post("/library/entries/<id:entry_id>/unfeature")
@login_required
def unfeature(entry_id: int):
    return _change_feature(entry_id, featuring=False)


def _change_feature(entry_id: int, *, featuring: bool):
    entry = db.session.get(Entry, entry_id) or abort(404)
    if not can_feature(current_user):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    me = current_user._get_current_object()
    try:
        if featuring:
            feature_entry(entry, me)
        else:
            unfeature_entry(entry, me)
    except ActionRefused as refusal:
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(
            "The entry is featured: it leads the library."
            if featuring
            else "The entry is no longer featured. It stays in the library.",
            "success",
        )
    back = LibraryFilters.from_args(request.args).query_args()
    return redirect(url_for("library.index", **back, _anchor=f"entry-{entry_id}"))
