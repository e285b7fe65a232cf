"""A record's whole history, as a page of its own (the record page shows the latest changes)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template
from flask_login import current_user, login_required

from core.database import db
from pledges import bp
from pledges.models import Record
from pledges.permissions import can_view_history
from pledges.queries import recent_events
from pledges.wording import ENTRY_FIELD_SHORT_NAMES


@bp.get("/records/<id:record_id>/history")
@login_required
def record_history(record_id: int):
    record = db.session.scalar(sa.select(Record).where(Record.id == record_id)) or abort(404)
    if not can_view_history(current_user, record):
        abort(403)
    return render_template(
        "pledges/history.html",
        record=record,
        history=recent_events(record, limit=None),
        short_names=ENTRY_FIELD_SHORT_NAMES,
    )
