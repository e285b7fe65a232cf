"""The administration overview: counts, the way in to each part, recent imports."""

from __future__ import annotations

from flask import render_template, request

from admin import bp
from admin.models import PeopleImport
from admin.queries import admin_history, people_counts_by
from admin.view_helpers import administrator_required
from core.database import db
from core.ids import parse_id
from people.models import User


@bp.get("/")
@administrator_required
def index():
    by_state = people_counts_by(User.is_active_account)
    counts = {"active": by_state.get(True, 0), "left": by_state.get(False, 0)}
    recent = db.session.scalars(
        db.select(PeopleImport).order_by(PeopleImport.uploaded_at.desc()).limit(5)
    ).all()
    return render_template("admin/index.html", counts=counts, recent_imports=recent)


@bp.get("/history")
@administrator_required
def history():
    """Every change administrators (and the training team, for frameworks) made, newest first."""
    events = admin_history(page=parse_id(request.args.get("page")) or 1)
    return render_template("admin/history.html", events=events)
