"""Stage 2 pages: starting the review, reviewing each pledge with evidence, the next cycle."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from core.auth import csrf
from core.clock import today_in_london
from core.database import db
from core.errors import ActionRefused, AlreadyDone
from core.formatting import plural
from core.forms import ConfirmForm
from core.ids import parse_id
from core.submissions import claim_submission, new_submission_key
from pledges import bp
from pledges.forms import EvidenceForm, ReviewForm
from pledges.models import ChangeJudgement, EvidenceSource
from pledges.permissions import is_owner
from pledges.queries import load_entry
from pledges.review.operations import (
    add_evidence,
    can_start_review,
    remove_evidence,
    save_review,
    start_next_cycle,
    start_review,
    suggest_carrying_forward,
    update_evidence,
)
from pledges.view_helpers import (
    already_done,
    flash_identifying_hint,
    form_status,
    me,
    record_or_abort,
    remember_what_page_showed,
    save_arguments,
    text_errors,
    unsaved_fields,
)


def _review_entry_or_abort(record, entry_id):
    entry = load_entry(record, entry_id) or abort(404)
    if not entry.has_pledge:
        abort(404)
    return entry


def _can_edit_review(record) -> bool:
    return is_owner(current_user, record) and record.in_review_stage and record.is_editable


@bp.post("/records/<id:record_id>/review/start")
@login_required
def start_review_page(record_id: int):
    record = record_or_abort(record_id, as_owner=True)
    if not ConfirmForm().validate_on_submit():
        flash("The page had expired. Please try again.", "error")
    elif not can_start_review(record, today_in_london()):
        flash("The review cannot be started yet.", "info")
    else:
        try:
            start_review(record, me())
        except ActionRefused as refusal:
            return already_done(refusal, record)
        db.session.commit()
        flash("Your six-month review has started. Review each pledge in turn.", "success")
    return redirect(url_for("pledges.view_record", record_id=record.id, _anchor="review"))


def _render_review(record, entry, form, evidence_form, conflicts=None, status=200):
    if not evidence_form.submission_key.data:
        evidence_form.submission_key.data = new_submission_key()
    return render_template(
        "pledges/review_entry.html",
        record=record,
        entry=entry,
        form=form,
        evidence_form=evidence_form,
        conflicts=conflicts or {},
        editable=_can_edit_review(record),
        judgements=list(ChangeJudgement),
        sources=list(EvidenceSource),
    ), status


@bp.route("/records/<id:record_id>/review/<id:entry_id>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired page keeps what was typed
@login_required
def review_entry(record_id: int, entry_id: int):
    record = record_or_abort(record_id)
    entry = _review_entry_or_abort(record, entry_id)
    if not record.in_review_stage:
        return redirect(url_for("pledges.view_record", record_id=record.id))
    form = ReviewForm(obj=entry)
    if request.method == "GET":
        remember_what_page_showed(form, entry)
        return _render_review(record, entry, form, EvidenceForm())
    if not is_owner(current_user, record):
        abort(403)
    form.validate()
    if "csrf_token" in form.errors:
        form.form_errors.append(
            "Your changes could not be saved because the page had expired. Save again."
        )
        return _render_review(record, entry, form, EvidenceForm(), status=422)
    try:
        outcome = save_review(entry, me(), **save_arguments(form))
    except ActionRefused as refusal:
        form.form_errors.append(f"{refusal.message} What you chose is still below.")
        return _render_review(record, entry, form, EvidenceForm(), status=422)
    db.session.commit()
    remember_what_page_showed(form, entry, keep_typed=unsaved_fields(form, outcome))
    if outcome.conflicts or text_errors(form):
        return _render_review(
            record,
            entry,
            form,
            EvidenceForm(),
            outcome.conflicts,
            status=409 if outcome.conflicts else 422,
        )
    flash(
        "Saved." if outcome.changed_fields else "Nothing had changed since you last saved.",
        "success",
    )
    flash_identifying_hint(entry)
    return redirect(url_for("pledges.review_entry", record_id=record.id, entry_id=entry.id))


@bp.post("/records/<id:record_id>/review/<id:entry_id>/evidence")
@login_required
def add_evidence_page(record_id: int, entry_id: int):
    record = record_or_abort(record_id, as_owner=True)
    entry = _review_entry_or_abort(record, entry_id)
    evidence_form = EvidenceForm()
    if evidence_form.validate_on_submit():
        _claim, first_post = claim_submission(evidence_form.submission_key.data, current_user.id)
        if not first_post:
            flash("This evidence had already been added.", "info")
            return _back_to_evidence(record.id, entry.id)
        try:
            add_evidence(
                entry,
                me(),
                description=evidence_form.description.data,
                occurred_on=evidence_form.occurred_on.data,
                sources=evidence_form.chosen_sources(),
            )
        except ActionRefused as refusal:
            evidence_form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            flash("The evidence has been added.", "success")
            flash_identifying_hint(entry)
            return _back_to_evidence(record.id, entry.id)
    form = ReviewForm(obj=entry, formdata=None)
    remember_what_page_showed(form, entry)
    return _render_review(record, entry, form, evidence_form, status=form_status(evidence_form))


def _back_to_evidence(record_id: int, entry_id: int):
    return redirect(
        url_for("pledges.review_entry", record_id=record_id, entry_id=entry_id, _anchor="evidence")
    )


def _evidence_or_abort(record, evidence_id):
    for entry in record.entries:
        for item in entry.evidence:
            if item.id == evidence_id:
                return item
    abort(404)


@bp.route("/records/<id:record_id>/evidence/<id:evidence_id>", methods=["GET", "POST"])
@login_required
def edit_evidence(record_id: int, evidence_id: int):
    record = record_or_abort(record_id, as_owner=True)
    item = _evidence_or_abort(record, evidence_id)
    form = EvidenceForm(obj=item)
    stale = False
    if request.method == "GET":
        form.revision.data = item.revision
    elif form.validate_on_submit():
        try:
            update_evidence(
                item,
                me(),
                base_revision=form.revision.data if form.revision.data is not None else -1,
                description=form.description.data,
                occurred_on=form.occurred_on.data,
                sources=form.chosen_sources(),
            )
        except ActionRefused as refusal:
            form.form_errors.append(refusal.message)
            if item.revision != form.revision.data:
                stale = True
                form.revision.raw_data = None  # saving again replaces what is saved now
                form.revision.data = item.revision
                form.form_errors.append("Saving again replaces the version saved now.")
        else:
            db.session.commit()
            flash("The evidence has been saved.", "success")
            flash_identifying_hint(item.entry)
            return _back_to_evidence(record.id, item.entry_id)
    page = render_template(
        "pledges/evidence.html", record=record, item=item, form=form, stale=stale
    )
    return page, form_status(form)


@bp.route("/records/<id:record_id>/evidence/<id:evidence_id>/remove", methods=["GET", "POST"])
@login_required
def remove_evidence_page(record_id: int, evidence_id: int):
    record = record_or_abort(record_id, as_owner=True)
    item = _evidence_or_abort(record, evidence_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        entry_id = item.entry_id
        try:
            remove_evidence(item, me())
        except AlreadyDone as done:
            return already_done(done, record)
        except ActionRefused as refusal:
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash("The evidence has been removed. It stays in the record's history.", "success")
        return redirect(url_for("pledges.review_entry", record_id=record.id, entry_id=entry_id))
    return render_template("pledges/remove_evidence.html", record=record, item=item, form=form)


@bp.route("/records/<id:record_id>/next-cycle", methods=["GET", "POST"])
@login_required
def next_cycle(record_id: int):
    record = record_or_abort(record_id, as_owner=True)
    form = ConfirmForm()
    if form.validate_on_submit():
        chosen_ids = {parse_id(i) for i in request.form.getlist("carry")} - {None}
        chosen = [entry for entry in record.pledged_entries if entry.id in chosen_ids]
        try:
            new = start_next_cycle(record, me(), chosen)
        except AlreadyDone as done:
            return already_done(done, record)
        except ActionRefused as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
            return redirect(url_for("pledges.view_record", record_id=record.id))
        db.session.commit()
        flash(
            f"Cycle {new.cycle} has started with {plural(len(chosen), 'pledge')} carried forward.",
            "success",
        )
        return redirect(url_for("pledges.view_record", record_id=new.id))
    suggested = {entry.id for entry in record.pledged_entries if suggest_carrying_forward(entry)}
    return render_template("pledges/next_cycle.html", record=record, form=form, suggested=suggested)
