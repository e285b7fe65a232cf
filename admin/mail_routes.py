"""Mail that has not left: failed and waiting emails, and "send again"."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for

from admin import bp
from admin.permissions import can_administer_this
from admin.view_helpers import administrator_required
from core.database import db
from core.formatting import plural
from core.forms import ConfirmForm
from core.guard import object_view
from core.ids import parse_id
from core.mail import OutboxEmail, OutboxStatus, send_again

SHOWN = 200


def _emails(*statuses: OutboxStatus) -> tuple[list[OutboxEmail], int]:
    where = OutboxEmail.status.in_(statuses)
    total = db.session.scalar(sa.select(sa.func.count(OutboxEmail.id)).where(where))
    rows = db.session.scalars(
        sa.select(OutboxEmail).where(where).order_by(OutboxEmail.id.desc()).limit(SHOWN)
    ).all()
    return list(rows), total


@bp.get("/mail")
@administrator_required
def mail():
    failed, failed_total = _emails(OutboxStatus.FAILED)
    waiting, waiting_total = _emails(OutboxStatus.PENDING, OutboxStatus.SENDING)
    return render_template(
        "admin/mail.html",
        failed=failed,
        failed_total=failed_total,
        waiting=waiting,
        waiting_total=waiting_total,
        shown=SHOWN,
        form=ConfirmForm(),
    )


def load_email(email_id: str) -> OutboxEmail | None:
    """An email in the outbox; None for an id that is not a number."""
    return db.session.get(OutboxEmail, parse_id(email_id) or 0)


@bp.post("/mail/<email_id>/send-again")
@object_view(load_email, permission=can_administer_this)
def send_email_again(email):
    if ConfirmForm().validate_on_submit():
        if email.status is OutboxStatus.SENT:
            flash(f"The email to {email.to_address} has already been sent.", "success")
        else:
            send_again(email)
            db.session.commit()
            flash(f"The email to {email.to_address} will be sent again now.", "success")
    return redirect(url_for("admin.mail"))


@bp.post("/mail/send-all-failed-again")
@administrator_required
def send_all_failed_again():
    if ConfirmForm().validate_on_submit():
        failed = db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.status == OutboxStatus.FAILED)
        ).all()
        for email in failed:
            send_again(email)
        db.session.commit()
        flash(f"{plural(len(failed), 'failed email')} will be sent again now.", "success")
    return redirect(url_for("admin.mail"))
