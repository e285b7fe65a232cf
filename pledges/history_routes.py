"""A record's whole history, as a page of its own (the record page shows the latest changes)."""

from __future__ import annotations

from flask import render_template

from core.guard import object_view
from pledges import bp
from pledges.permissions import can_view_history
from pledges.queries import load_record_alone, recent_events


@bp.get("/records/<id:record_id>/history")
@object_view(load_record_alone, permission=can_view_history)
def record_history(record):
    return render_template(
        "pledges/history.html",
        record=record,
        history=recent_events(record, limit=None),
    )
