"""Stage 1 pages: my records, the record, its entries, added findings and submission."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from core.auth import csrf
from core.clock import today_in_london
from core.database import db
from core.errors import ActionRefused, AlreadyDone
from core.forms import ConfirmForm
from pledges import bp
from pledges.forms import (
    AddendumForm,
    EntryForm,
    FindingEntryForm,
    NewFindingForm,
    RecordDetailsForm,
    StartRecordForm,
)
from pledges.framework import current_framework, load_framework_version
from pledges.operations import (
    add_addendum,
    add_finding,
    remove_finding,
    reopen_record,
    save_entry,
    start_record,
    submission_problems,
    submit_record,
    update_record_details,
)
from pledges.permissions import (
    can_add_addendum,
    can_edit_record,
    can_edit_review,
    can_reopen,
    can_start_next_cycle,
    can_submit,
    can_view_history,
    can_view_record,
    is_owner,
)
from pledges.personal_data import hint_after_saving, personal_data_findings
from pledges.queries import (
    entries_by_area,
    history_preview,
    load_entry,
    load_record,
    my_records_overview,
)
from pledges.review_rules import rests_on_self_report_only
from pledges.reviews import can_start_review
from pledges.smart import smart_prompts
from pledges.wording import (
    ENTRY_FIELD_HINTS,
    ENTRY_FIELD_LABELS,
    ENTRY_FIELD_SHORT_NAMES,
    FINDING_FIELD_HINTS,
)

PAGE_TITLE_FOR_CONFLICT = "Someone else saved this point while you were editing"


def _me():
    return current_user._get_current_object()


def _record_or_abort(record_id: int, *, as_owner: bool = False):
    """The record, or 404 when there is none and 403 when it is not the user's to see (or edit)."""
    record = load_record(record_id)
    if record is None:
        abort(404)
    if not can_view_record(current_user, record):
        abort(403)
    if as_owner and not is_owner(current_user, record):
        abort(403)
    return record


@bp.get("/")
@login_required
def home():
    return redirect(url_for("pledges.my_records"))


@bp.get("/records")
@login_required
def my_records():
    overview = my_records_overview(_me())
    return render_template("pledges/my_records.html", overview=overview, form=StartRecordForm())


@bp.post("/records/start")
@login_required
def start():
    form = StartRecordForm()
    if not form.validate_on_submit():
        flash("The page had expired. Please try again.", "error")
        return redirect(url_for("pledges.my_records"))
    team = None
    if form.team_id.data:
        team = next((t for t in current_user.teams if str(t.id) == form.team_id.data), None)
        if team is None:
            abort(403)
    try:
        record = start_record(_me(), team=team)
    except AlreadyDone as done:
        db.session.rollback()
        flash(f"{done.message} Here it is.", "info")
        return redirect(done.path)
    except ActionRefused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("pledges.my_records"))
    db.session.commit()
    flash("Your record has been started. Work through the points that matter to you.", "success")
    return redirect(url_for("pledges.view_record", record_id=record.id))


@bp.get("/records/<id:record_id>")
@login_required
def view_record(record_id: int):
    record = _record_or_abort(record_id)
    return render_template(
        "pledges/record.html",
        record=record,
        groups=entries_by_area(record),
        labels=ENTRY_FIELD_LABELS,
        short_names=ENTRY_FIELD_SHORT_NAMES,
        can_edit=can_edit_record(current_user, record),
        can_edit_review=can_edit_review(current_user, record),
        can_submit=can_submit(current_user, record),
        can_start_review=is_owner(current_user, record)
        and can_start_review(record, today_in_london()),
        today=today_in_london(),
        can_add_addendum=can_add_addendum(current_user, record),
        can_reopen=can_reopen(current_user, record),
        can_start_next_cycle=can_start_next_cycle(current_user, record),
        history=history_preview(record) if can_view_history(current_user, record) else None,
        problems=submission_problems(record) if record.is_editable else [],
    )


@bp.route("/records/<id:record_id>/details", methods=["GET", "POST"])
@login_required
def edit_details(record_id: int):
    record = _record_or_abort(record_id, as_owner=True)
    editable = can_edit_record(current_user, record)
    if not editable:
        return _not_editable(record)
    form = RecordDetailsForm(obj=record)
    if form.validate_on_submit():
        try:
            changed = update_record_details(record, _me(), form.data)
        except ActionRefused as refusal:
            form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            flash(
                "The record's details have been saved." if changed else "Nothing had changed.",
                "success",
            )
            return redirect(url_for("pledges.view_record", record_id=record.id))
    return render_template("pledges/details.html", record=record, form=form), _status(form)


@bp.route("/records/<id:record_id>/entries/<id:entry_id>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired page keeps the text typed into it
@login_required
def edit_entry(record_id: int, entry_id: int):
    record = _record_or_abort(record_id, as_owner=True)
    editable = can_edit_record(current_user, record)
    entry = load_entry(record, entry_id)
    if not editable and request.method == "GET":
        return _not_editable(record)
    form_class = FindingEntryForm if entry.is_added_finding else EntryForm
    form = form_class(obj=entry)
    conflicts = {}
    if request.method == "GET":
        _remember_what_page_showed(form, entry)
    else:
        form.validate()  # marks invalid fields; the valid ones are still saved
        if "csrf_token" in form.errors:
            form.form_errors.append(
                "Your changes could not be saved because the page had expired. "
                "Your text is still below: save again."
            )
            _remember_what_page_showed(form, entry, keep_typed=True, keep_base=True)
        else:
            try:
                outcome = save_entry(entry, _me(), **_save_arguments(form))
            except ActionRefused as refusal:
                form.form_errors.append(
                    f"{refusal.message} Your text has not been saved: copy it if you need it."
                )
            else:
                db.session.commit()
                conflicts = outcome.conflicts
                kept_theirs = bool(_save_arguments(form)["keep_theirs"])
                _remember_what_page_showed(form, entry, keep_typed=_unsaved_fields(form, outcome))
                if not conflicts and not _text_errors(form):
                    return _after_save(record, entry, outcome, kept_theirs=kept_theirs)
    return render_template(
        "pledges/entry.html",
        record=record,
        entry=entry,
        form=form,
        conflicts=conflicts,
        editable=editable,
        hints=ENTRY_FIELD_HINTS | FINDING_FIELD_HINTS,
        next_entry=_next_entry(record, entry),
        title_for_conflict=PAGE_TITLE_FOR_CONFLICT,
    ), 409 if conflicts else _status(form)


def _text_errors(form) -> bool:
    return any(form[name].errors for name in form.editable_fields)


def _save_arguments(form) -> dict:
    """What the editor typed (valid fields only), and what their page was loaded with."""
    valid = {name: form[name].data for name in form.editable_fields if not form[name].errors}
    return {
        "submitted": valid,
        "base_revision": form.revision.data if form.revision.data is not None else -1,
        "originals": {
            name: form[f"original_{name}"].data
            for name in form.editable_fields
            if form[f"original_{name}"].raw_data
        },
        "keep_theirs": {
            name for name in form.editable_fields if form[f"choice_{name}"].data == "theirs"
        },
    }


def _unsaved_fields(form, outcome) -> set[str]:
    """Fields whose typed text was not saved: in conflict, or refused as invalid. Every other
    field is shown as saved now (which holds what others saved in the fields only they changed),
    so saving the page again cannot clear their text."""
    return set(outcome.conflicts) | {name for name in form.editable_fields if form[name].errors}


def _remember_what_page_showed(
    form, entry, *, keep_typed: bool | set[str] = False, keep_base: bool = False
) -> None:
    """Set the hidden revision and originals to what is saved now; keep typed text if asked
    (True: every field; a set: those fields).

    With `keep_base` (nothing was saved) the page keeps the revision it was loaded at, so a
    later save still merges with whatever others saved meanwhile.
    """
    if keep_base:
        return
    form.revision.data = entry.revision
    form.revision.raw_data = [str(entry.revision)]  # a number field renders what was posted
    for name in form.editable_fields:
        form[f"original_{name}"].data = getattr(entry, name)
        form[f"choice_{name}"].data = "mine"
        if keep_typed is not True and name not in (keep_typed or ()):
            form[name].data = getattr(entry, name)


def _after_save(record, entry, outcome, *, kept_theirs: bool = False):
    if kept_theirs:
        message = "Saved. Where you chose, the text the other person saved was kept."
    elif outcome.changed_fields:
        message = "Saved."
    else:
        message = "Nothing had changed since you last saved."
    flash(message, "success")
    flash_identifying_hint(entry)
    action = request.form.get("then")
    if action == "next" and (following := _next_entry(record, entry)) is not None:
        return redirect(url_for("pledges.edit_entry", record_id=record.id, entry_id=following.id))
    if action == "record":
        return redirect(
            url_for("pledges.view_record", record_id=record.id, _anchor=f"entry-{entry.id}")
        )
    return redirect(url_for("pledges.edit_entry", record_id=record.id, entry_id=entry.id))


def flash_identifying_hint(entry) -> None:
    """After a save, say which words look like a child's or family's details, and why. It
    never stops the save; submission asks again."""
    if (hint := hint_after_saving(entry)) is not None:
        flash(hint, "info")


def _next_entry(record, entry):
    later = [e for e in record.entries if e.position > entry.position]
    return later[0] if later else None


@bp.route("/records/<id:record_id>/findings/new", methods=["GET", "POST"])
@login_required
def new_finding(record_id: int):
    record = _record_or_abort(record_id, as_owner=True)
    editable = can_edit_record(current_user, record)
    if not editable:
        return _not_editable(record)
    form = NewFindingForm()
    if form.validate_on_submit():
        try:
            entry = add_finding(
                record, _me(), title=form.finding_title.data, source=form.finding_source.data
            )
        except ActionRefused as refusal:
            form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            flash("The finding has been added. Now fill in its columns.", "success")
            return redirect(url_for("pledges.edit_entry", record_id=record.id, entry_id=entry.id))
    return render_template(
        "pledges/new_finding.html", record=record, form=form, hints=FINDING_FIELD_HINTS
    ), _status(form)


@bp.route("/records/<id:record_id>/entries/<id:entry_id>/remove", methods=["GET", "POST"])
@login_required
def remove_finding_page(record_id: int, entry_id: int):
    record = _record_or_abort(record_id, as_owner=True)
    editable = can_edit_record(current_user, record)
    entry = load_entry(record, entry_id)
    if not editable:
        return _not_editable(record)
    if not entry.is_added_finding:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        remove_finding(entry, _me())
        db.session.commit()
        flash("The finding has been removed. Its text is kept in the record's history.", "success")
        return redirect(url_for("pledges.view_record", record_id=record.id))
    return render_template("pledges/remove_finding.html", record=record, entry=entry, form=form)


@bp.route("/records/<id:record_id>/submit", methods=["GET", "POST"])
@login_required
def submit(record_id: int):
    record = _record_or_abort(record_id, as_owner=True)
    editable = can_submit(current_user, record)
    if not editable:
        return _not_editable(record)
    form = ConfirmForm()
    blocking = submission_problems(record)
    unconfirmed = ""
    if form.validate_on_submit():
        try:
            submit_record(
                record,
                _me(),
                personal_data_confirmed=request.form.get("not_identifying") == "yes",
            )
        except AlreadyDone as done:
            return _already_done(done, record)
        except ActionRefused as refusal:
            blocking = submission_problems(record) or (
                [] if refusal.problems else [refusal.message]
            )
            # Refused for the personal-data warning alone: the form stays, with the question.
            unconfirmed = "" if blocking else refusal.problems[0]
        else:
            db.session.commit()
            what = "review" if record.in_review_stage else "record"
            flash(
                f"Your {what} has been sent to {record.signing_manager.name} for sign-off.",
                "success",
            )
            return redirect(url_for("pledges.view_record", record_id=record.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "pledges/submit.html",
        record=record,
        form=form,
        problems=blocking,
        unconfirmed=unconfirmed,
        smart_prompts=smart_prompts,
        self_report_only=rests_on_self_report_only(record),
        personal_data=personal_data_findings(record),
    ), status


@bp.route("/records/<id:record_id>/entries/<id:entry_id>/addendum", methods=["GET", "POST"])
@login_required
def add_addendum_page(record_id: int, entry_id: int):
    record = _record_or_abort(record_id, as_owner=True)
    entry = load_entry(record, entry_id)
    if not can_add_addendum(current_user, record):
        flash("Addenda are for signed-off records. Change the entry itself instead.", "info")
        return redirect(url_for("pledges.view_record", record_id=record.id))
    form = AddendumForm()
    if form.validate_on_submit():
        add_addendum(entry, _me(), form.text.data)
        db.session.commit()
        flash("The addendum has been added. The signed-off text is unchanged.", "success")
        return redirect(
            url_for("pledges.view_record", record_id=record.id, _anchor=f"entry-{entry.id}")
        )
    return render_template("pledges/addendum.html", record=record, entry=entry, form=form), _status(
        form
    )


@bp.route("/records/<id:record_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(record_id: int):
    record = _record_or_abort(record_id, as_owner=True)
    if not can_reopen(current_user, record):
        flash("Only a signed-off record can be reopened.", "info")
        return redirect(url_for("pledges.view_record", record_id=record.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            reopen_record(record, _me())
        except ActionRefused as refusal:
            return _already_done(refusal, record)
        db.session.commit()
        flash(
            "The record is open for changes. The signed-off version is kept, and the new "
            "version needs signing off again.",
            "success",
        )
        return redirect(url_for("pledges.view_record", record_id=record.id))
    return render_template("pledges/reopen.html", record=record, form=form)


@bp.get("/records/<id:record_id>/versions/<id:version>")
@login_required
def view_version(record_id: int, version: int):
    record = _record_or_abort(record_id)
    snapshot = next((s for s in record.snapshots if s.version == version), None) or abort(404)
    return render_template(
        "pledges/version.html", record=record, snapshot=snapshot, labels=ENTRY_FIELD_LABELS
    )


@bp.get("/framework")
@login_required
def framework():
    return render_template("pledges/framework.html", framework=current_framework())


def _already_done(refusal: ActionRefused, record=None):
    """A repeat (a second click, or a teammate first), or a change the state no longer allows:
    nothing was done; say so and show the record as it stands."""
    db.session.rollback()
    flash(refusal.message, "info")
    path = getattr(refusal, "path", None)
    return redirect(path or url_for("pledges.view_record", record_id=record.id))


def _not_editable(record):
    flash(f"This record is {record.status_label.lower()}, so it cannot be changed now.", "info")
    return redirect(url_for("pledges.view_record", record_id=record.id))


def _status(form) -> int:
    return 422 if form.is_submitted() and (form.errors or form.form_errors) else 200


@bp.get("/records/<id:record_id>/record.pdf")
@login_required
def record_pdf_download(record_id: int):
    """The record laid out like the paper tool, for whoever may see the record."""
    from pledges.pdf import record_pdf  # ReportLab: imported by this download only

    record = _record_or_abort(record_id)
    filename = f"pledges-{record.name}-cycle-{record.cycle}.pdf".replace(" ", "-").lower()
    return _pdf_response(record_pdf(record), filename)


@bp.get("/frameworks/<id:version_id>/blank-tool.pdf")
@login_required
def blank_tool_download(version_id: int):
    """The empty tool for a framework, to print and fill in by hand: for anyone signed in."""
    from pledges.pdf import blank_tool_pdf  # ReportLab: imported by this download only

    framework = load_framework_version(version_id) or abort(404)
    filename = f"blank-tool-{framework.key}-{framework.version}.pdf".replace(" ", "-").lower()
    return _pdf_response(blank_tool_pdf(framework), filename)


def _pdf_response(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{_safe_filename(filename)}"'},
    )


def _safe_filename(name: str) -> str:
    return "".join(c for c in name if c.isascii() and (c.isalnum() or c in "-_.")) or "record.pdf"
