"""The good-practice library's pages: read by everyone signed in, featured by the training team."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.database import db
from core.forms import ConfirmForm
from core.guard import carry_out, me, object_view, page_view
from library import bp
from library.operations import feature_entry, unfeature_entry
from library.permissions import can_feature, can_feature_entry, can_read_library
from library.queries import LibraryFilters, choices, key_point_choices, library_page
from people.models import Agency, District
from pledges.models import Entry


@bp.app_template_global("can_feature")
def can_feature_global(user) -> bool:
    return can_feature(user)


def load_entry(entry_id: int) -> Entry | None:
    return db.session.get(Entry, entry_id)


@bp.get("/library")
@page_view(can_read_library)
def index():
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
@object_view(load_entry, permission=can_feature_entry)
def feature(entry: Entry):
    return _change_feature(entry, featuring=True)


@bp.post("/library/entries/<id:entry_id>/unfeature")
@object_view(load_entry, permission=can_feature_entry)
def unfeature(entry: Entry):
    return _change_feature(entry, featuring=False)


def _change_feature(entry: Entry, *, featuring: bool):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operation = feature_entry if featuring else unfeature_entry
    done, _ = carry_out(lambda: operation(entry, me()))
    if done:
        flash(
            "The entry is featured: it leads the library."
            if featuring
            else "The entry is no longer featured. It stays in the library.",
            "success",
        )
    back = LibraryFilters.from_args(request.args).query_args()
    return redirect(url_for("library.index", **back, _anchor=f"entry-{entry.id}"))
