"""Stage 2 pages: the evidence log and the review of each pledge, replies to return comments,
starting the review, and the next cycle. Every page goes through core.guard's object_view."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.auth import csrf
from core.clock import today_in_london
from core.formatting import plural
from core.forms import ConfirmForm
from core.guard import carry_out, me, object_view
from core.ids import parse_id
from core.submissions import claim_submission, new_submission_key
from pledges import bp
from pledges.forms import EvidenceForm, ReplyForm, ReviewForm
from pledges.links import record_page
from pledges.models import ChangeJudgement, EvidenceSource
from pledges.operations import reply_to_return
from pledges.permissions import (
    can_edit_review,
    can_note_evidence,
    can_reply_to_return,
    can_view_record,
    is_owner,
)
from pledges.queries import (
    load_pledged_entry,
    load_record,
    load_record_entry,
    load_record_evidence,
)
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
    flash_identifying_hint,
    form_problem,
    form_status,
    remember_what_page_showed,
    save_arguments,
    text_errors,
    unsaved_fields,
)

PAGE_HAD_EXPIRED = "Your changes could not be saved because the page had expired. Save again."


def _signed_off(user, record) -> bool:
    return record.is_signed_off


def _to_record(record, *_objects):
    return redirect(url_for("pledges.view_record", record_id=record.id))


def _at_review(record, entry, anchor=None):
    return redirect(
        url_for("pledges.review_entry", record_id=record.id, entry_id=entry.id, _anchor=anchor)
    )


@bp.post("/records/<id:record_id>/review/start")
@object_view(load_record, permission=is_owner)
def start_review_page(record):
    back = url_for("pledges.view_record", record_id=record.id, _anchor="review")
    if not ConfirmForm().validate_on_submit():
        flash("The page had expired. Please try again.", "error")
    elif not can_start_review(record, today_in_london()):
        flash("The review cannot be started yet.", "info")
    elif carry_out(lambda: start_review(record, me()), done_path=back)[0]:
        flash("Your six-month review has started. Review each pledge in turn.", "success")
    return redirect(back)


def _render_review(record, entry, form, evidence_form=None, conflicts=None, status=200):
    evidence_form = evidence_form or EvidenceForm(formdata=None)
    if not evidence_form.submission_key.data:
        evidence_form.submission_key.data = new_submission_key()
    return render_template(
        "pledges/review_entry.html",
        record=record,
        entry=entry,
        form=form,
        evidence_form=evidence_form,
        conflicts=conflicts or {},
        editable=can_edit_review(current_user, record),
        can_note_evidence=can_note_evidence(current_user, record),
        can_reply=can_reply_to_return(current_user, record),
        reply_form=ReplyForm(formdata=None, reply=entry.reply_to_return),
        judgements=list(ChangeJudgement),
        sources=list(EvidenceSource),
    ), status


@bp.route("/records/<id:record_id>/review/<id:entry_id>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired page keeps what was typed
@object_view(load_pledged_entry, permission=can_view_record, when=_signed_off, otherwise=_to_record)
def review_entry(record, entry):
    """A pledge's evidence log (from stage 1's sign-off) and, once the review is open, its
    judgement of change and what next, saved and merged like stage 1's entries."""
    form = ReviewForm(obj=entry)
    if request.method == "GET":
        remember_what_page_showed(form, entry)
        return _render_review(record, entry, form)
    if not is_owner(current_user, record):
        abort(403)
    form.validate()
    if "csrf_token" in form.errors:
        form.form_errors.append(PAGE_HAD_EXPIRED)
        return _render_review(record, entry, form, status=422)
    saved, outcome = carry_out(lambda: save_review(entry, me(), **save_arguments(form)), form=form)
    if not saved:
        form.form_errors.append("What you chose is still below.")
        return _render_review(record, entry, form, status=422)
    remember_what_page_showed(form, entry, keep_typed=unsaved_fields(form, outcome))
    if outcome.conflicts or text_errors(form):
        status = 409 if outcome.conflicts else 422
        return _render_review(record, entry, form, conflicts=outcome.conflicts, status=status)
    return _after_saving(record, entry, outcome)


def _after_saving(record, entry, outcome):
    flash(
        "Saved." if outcome.changed_fields else "Nothing had changed since you last saved.",
        "success",
    )
    flash_identifying_hint(entry)
    return _at_review(record, entry)


@bp.post("/records/<id:record_id>/review/<id:entry_id>/evidence")
@object_view(load_pledged_entry, permission=is_owner)
def add_evidence_page(record, entry):
    evidence_form = EvidenceForm()
    if evidence_form.validate_on_submit():
        _claim, first_post = claim_submission(evidence_form.submission_key.data, current_user.id)
        if not first_post:
            flash("This evidence had already been added.", "info")
            return _at_review(record, entry, "evidence")
        added, _item = carry_out(
            lambda: add_evidence(entry, me(), **_evidence_values(evidence_form)),
            form=evidence_form,
        )
        if added:
            flash("The evidence has been added.", "success")
            flash_identifying_hint(entry)
            return _at_review(record, entry, "evidence")
    form = ReviewForm(obj=entry, formdata=None)
    remember_what_page_showed(form, entry)
    return _render_review(record, entry, form, evidence_form, status=form_status(evidence_form))


def _evidence_values(form) -> dict:
    return {
        "description": form.description.data,
        "occurred_on": form.occurred_on.data,
        "sources": form.chosen_sources(),
    }


@bp.post("/records/<id:record_id>/entries/<id:entry_id>/reply")
@object_view(load_record_entry, permission=is_owner)
def reply_page(record, entry):
    """The owners' reply to a return comment, from the page where they change the entry (stage
    1) or its review (stage 2)."""
    page = "pledges.review_entry" if record.in_review_stage else "pledges.edit_entry"
    back = url_for(page, record_id=record.id, entry_id=entry.id, _anchor="returned")
    form = ReplyForm()
    if not form.validate_on_submit():
        flash(form_problem(form), "error")
    elif carry_out(lambda: reply_to_return(entry, me(), form.reply.data), done_path=back)[0]:
        flash(
            "Your reply has been saved. Your manager will see it in your next session.", "success"
        )
    return redirect(back)


@bp.route("/records/<id:record_id>/evidence/<id:evidence_id>", methods=["GET", "POST"])
@object_view(load_record_evidence, permission=is_owner)
def edit_evidence(record, item):
    form = EvidenceForm(obj=item)
    stale = False
    if request.method == "GET":
        form.revision.data = item.revision
    elif form.validate_on_submit():
        base = form.revision.data if form.revision.data is not None else -1
        values = _evidence_values(form)
        saved, _ = carry_out(
            lambda: update_evidence(item, me(), base_revision=base, **values), form=form
        )
        if saved:
            flash("The evidence has been saved.", "success")
            flash_identifying_hint(item.entry)
            return _at_review(record, item.entry, "evidence")
        stale = _offer_to_replace(form, item)
    page = render_template(
        "pledges/evidence.html", record=record, item=item, form=form, stale=stale
    )
    return page, form_status(form)


def _offer_to_replace(form, item) -> bool:
    """After a refused save: if someone changed the evidence meanwhile, saving again replaces
    their version (the form now carries the revision saved now)."""
    if item.revision == form.revision.data:
        return False
    form.revision.raw_data = None
    form.revision.data = item.revision
    form.form_errors.append("Saving again replaces the version saved now.")
    return True


@bp.route("/records/<id:record_id>/evidence/<id:evidence_id>/remove", methods=["GET", "POST"])
@object_view(load_record_evidence, permission=is_owner)
def remove_evidence_page(record, item):
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("pledges/remove_evidence.html", record=record, item=item, form=form)
    entry = item.entry
    back = url_for("pledges.review_entry", record_id=record.id, entry_id=entry.id)
    if carry_out(lambda: remove_evidence(item, me()), done_path=record_page(record))[0]:
        flash("The evidence has been removed. It stays in the record's history.", "success")
    return redirect(back)


@bp.route("/records/<id:record_id>/next-cycle", methods=["GET", "POST"])
@object_view(load_record, permission=is_owner)
def next_cycle(record):
    form = ConfirmForm()
    if form.validate_on_submit():
        chosen_ids = {parse_id(i) for i in request.form.getlist("carry")} - {None}
        chosen = [entry for entry in record.pledged_entries if entry.id in chosen_ids]
        started, new = carry_out(lambda: start_next_cycle(record, me(), chosen))
        if not started:
            return redirect(url_for("pledges.view_record", record_id=record.id))
        flash(
            f"Cycle {new.cycle} has started with {plural(len(chosen), 'pledge')} carried forward.",
            "success",
        )
        return redirect(url_for("pledges.view_record", record_id=new.id))
    suggested = {entry.id for entry in record.pledged_entries if suggest_carrying_forward(entry)}
    return render_template("pledges/next_cycle.html", record=record, form=form, suggested=suggested)
