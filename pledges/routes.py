"""Stage 1 pages: my records, the record, its entries, added findings and submission."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.auth import csrf
from core.clock import today_in_london
from core.database import db
from core.downloads import pdf_download
from core.forms import ConfirmForm
from core.guard import carry_out, me, object_view, signed_in_view
from core.ids import parse_id
from people.models import Team
from pledges import bp
from pledges.forms import (
    AddendumForm,
    EntryForm,
    FindingEntryForm,
    NewFindingForm,
    RecordDetailsForm,
    ReplyForm,
    StartRecordForm,
    SubmitForm,
)
from pledges.framework import current_framework, load_framework_version
from pledges.landing import landing_endpoint
from pledges.models import Sharing
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
    can_note_evidence,
    can_read_framework,
    can_read_record,
    can_reopen,
    can_reply_to_return,
    can_see_review,
    can_start_next_cycle,
    can_start_team_record,
    can_submit,
    can_view_history,
    can_view_record,
    is_owner,
)
from pledges.personal_data import personal_data_findings
from pledges.queries import (
    entries_by_area,
    history_preview,
    load_earlier_versions,
    load_record,
    load_record_entry,
    load_record_to_read,
    my_records_overview,
)
from pledges.review.operations import can_start_review
from pledges.review.rules import rests_on_self_report_only
from pledges.smart import smart_prompts
from pledges.view_helpers import (
    flash_identifying_hint,
    form_status,
    remember_what_page_showed,
    save_arguments,
    text_errors,
    unsaved_fields,
)
from pledges.wording import (
    ENTRY_FIELD_HINTS,
    ENTRY_FIELD_LABELS,
    FINDING_FIELD_HINTS,
)

PAGE_TITLE_FOR_CONFLICT = "Someone else saved this point while you were editing"
PAGE_HAD_EXPIRED = (
    "Your changes could not be saved because the page had expired. "
    "Your text is still below: save again."
)
TEXT_NOT_SAVED = "Your text has not been saved: copy it if you need it."


def not_editable(record, entry=None):
    """The answer to a page for changing a record that cannot be changed in its state now."""
    flash(f"This record is {record.state.label.lower()}, so it cannot be changed now.", "info")
    return redirect(url_for("pledges.view_record", record_id=record.id))


def _editable_or_posted(user, record) -> bool:
    """An entry page posted after the record stopped being editable still answers with the text
    typed into it (the save says why it was refused), so nothing typed is lost."""
    return can_edit_record(user, record) or request.method == "POST"


@bp.get("/")
@signed_in_view
def home():
    return redirect(url_for(landing_endpoint(me())))


@bp.get("/records")
@signed_in_view
def my_records():
    overview = my_records_overview(me())
    return render_template("pledges/my_records.html", overview=overview, form=StartRecordForm())


@bp.post("/records/start")
@signed_in_view
def start():
    form = StartRecordForm()
    if not form.validate_on_submit():
        flash("The page had expired. Please try again.", "error")
        return redirect(url_for("pledges.my_records"))
    team = _chosen_team(form.team_id.data)
    if team is False:
        abort(403)
    started, record = carry_out(lambda: start_record(me(), team=team))
    if not started:
        return redirect(url_for("pledges.my_records"))
    flash("Your record has been started. Work through the points that matter to you.", "success")
    return redirect(url_for("pledges.view_record", record_id=record.id))


def _chosen_team(value: str | None):
    """The team whose record to start (None: the user's own), or False for a team the user may
    not start a record for."""
    if not value:
        return None
    team = db.session.get(Team, parse_id(value) or 0)
    return team if team is not None and can_start_team_record(current_user, team) else False


@bp.get("/records/<id:record_id>")
@object_view(load_record_to_read, permission=can_read_record)
def view_record(record):
    load_earlier_versions(record)
    return render_template(
        "pledges/record.html",
        record=record,
        groups=entries_by_area(record),
        labels=ENTRY_FIELD_LABELS,
        can_edit=can_edit_record(current_user, record),
        can_edit_review=can_edit_review(current_user, record),
        can_note_evidence=can_note_evidence(current_user, record),
        can_submit=can_submit(current_user, record),
        can_start_review=is_owner(current_user, record)
        and can_start_review(record, today_in_london()),
        today=today_in_london(),
        can_add_addendum=can_add_addendum(current_user, record),
        can_reopen=can_reopen(current_user, record),
        can_start_next_cycle=can_start_next_cycle(current_user, record),
        show_history=can_view_history(current_user, record),
        history=history_preview(record) if can_view_history(current_user, record) else None,
        show_review=can_see_review(current_user, record),
        links_to_review=can_view_record(current_user, record),
        problems=submission_problems(record) if record.is_editable else [],
    )


@bp.route("/records/<id:record_id>/details", methods=["GET", "POST"])
@object_view(load_record, permission=is_owner, when=can_edit_record, otherwise=not_editable)
def edit_details(record):
    form = RecordDetailsForm(obj=record)
    if form.validate_on_submit():
        saved, changed = carry_out(
            lambda: update_record_details(record, me(), form.data), form=form
        )
        if saved:
            flash(
                "The record's details have been saved." if changed else "Nothing had changed.",
                "success",
            )
            return redirect(url_for("pledges.view_record", record_id=record.id))
    return render_template("pledges/details.html", record=record, form=form), form_status(form)


@bp.route("/records/<id:record_id>/entries/<id:entry_id>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired page keeps the text typed into it
@object_view(
    load_record_entry, permission=is_owner, when=_editable_or_posted, otherwise=not_editable
)
def edit_entry(record, entry):
    form = (FindingEntryForm if entry.is_added_finding else EntryForm)(obj=entry)
    if request.method == "GET":
        remember_what_page_showed(form, entry)
        return _entry_page(record, entry, form)
    form.validate()  # marks invalid fields; the valid ones are still saved
    if "csrf_token" in form.errors:
        form.form_errors.append(PAGE_HAD_EXPIRED)
        return _entry_page(record, entry, form)  # keeps the revision the page was loaded at
    arguments = save_arguments(form)
    saved, outcome = carry_out(lambda: save_entry(entry, me(), **arguments), form=form)
    if not saved:
        form.form_errors.append(TEXT_NOT_SAVED)
        return _entry_page(record, entry, form)
    remember_what_page_showed(form, entry, keep_typed=unsaved_fields(form, outcome))
    if not outcome.conflicts and not text_errors(form):
        return _after_save(record, entry, outcome, kept_theirs=bool(arguments["keep_theirs"]))
    return _entry_page(record, entry, form, conflicts=outcome.conflicts)


def _entry_page(record, entry, form, conflicts=None):
    return render_template(
        "pledges/entry.html",
        record=record,
        entry=entry,
        form=form,
        conflicts=conflicts or {},
        editable=can_edit_record(current_user, record),
        hints=ENTRY_FIELD_HINTS | FINDING_FIELD_HINTS,
        next_entry=_next_entry(record, entry),
        title_for_conflict=PAGE_TITLE_FOR_CONFLICT,
        can_reply=can_reply_to_return(current_user, record),
        reply_form=ReplyForm(formdata=None, reply=entry.reply_to_return),
    ), 409 if conflicts else form_status(form)


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


def _next_entry(record, entry):
    later = [e for e in record.entries if e.position > entry.position]
    return later[0] if later else None


@bp.route("/records/<id:record_id>/findings/new", methods=["GET", "POST"])
@object_view(load_record, permission=is_owner, when=can_edit_record, otherwise=not_editable)
def new_finding(record):
    form = NewFindingForm()
    if form.validate_on_submit():
        title, source = form.finding_title.data, form.finding_source.data
        added, entry = carry_out(
            lambda: add_finding(record, me(), title=title, source=source), form=form
        )
        if added:
            flash("The finding has been added. Now fill in its columns.", "success")
            return redirect(url_for("pledges.edit_entry", record_id=record.id, entry_id=entry.id))
    return render_template(
        "pledges/new_finding.html", record=record, form=form, hints=FINDING_FIELD_HINTS
    ), form_status(form)


def _record_and_added_finding(record_id: int, entry_id: int):
    loaded = load_record_entry(record_id, entry_id)
    return loaded if loaded is not None and loaded[1].is_added_finding else None


@bp.route("/records/<id:record_id>/entries/<id:entry_id>/remove", methods=["GET", "POST"])
@object_view(
    _record_and_added_finding, permission=is_owner, when=can_edit_record, otherwise=not_editable
)
def remove_finding_page(record, entry):
    form = ConfirmForm()
    if form.validate_on_submit():
        remove_finding(entry, me())
        db.session.commit()
        flash("The finding has been removed. Its text is kept in the record's history.", "success")
        return redirect(url_for("pledges.view_record", record_id=record.id))
    return render_template("pledges/remove_finding.html", record=record, entry=entry, form=form)


def _sharing_chosen(form: SubmitForm, record) -> Sharing | None:
    """The library sharing chosen on the submit page: stage 1 only (the review shares nothing
    new), and None when left out, so the record keeps its choice."""
    if record.in_review_stage or not form.sharing.data:
        return None
    return Sharing(form.sharing.data)


@bp.route("/records/<id:record_id>/submit", methods=["GET", "POST"])
@object_view(load_record, permission=is_owner, when=can_submit, otherwise=not_editable)
def submit(record):
    form = SubmitForm(sharing=record.sharing.value)
    if not form.validate_on_submit():
        return _submit_page(record, form, submission_problems(record))
    problems: list[str] = []
    sent, _ = carry_out(
        lambda: submit_record(
            record,
            me(),
            personal_data_confirmed=form.not_identifying.data,
            sharing=_sharing_chosen(form, record),
        ),
        form=form,
        problems=problems,
    )
    if not sent:  # refused for the personal-data warning alone, the form keeps the question
        return _submit_page(record, form, submission_problems(record) or problems)
    what = "review" if record.in_review_stage else "record"
    flash(f"Your {what} has been sent to {record.signing_manager.name} for sign-off.", "success")
    return redirect(url_for("pledges.view_record", record_id=record.id))


def _submit_page(record, form, problems: list[str]):
    return render_template(
        "pledges/submit.html",
        record=record,
        form=form,
        problems=problems,
        smart_prompts=smart_prompts,
        self_report_only=rests_on_self_report_only(record),
        personal_data=personal_data_findings(record),
    ), 422 if request.method == "POST" else 200


def _addenda_need_sign_off(record, entry=None):
    flash("Addenda are for signed-off records. Change the entry itself instead.", "info")
    return redirect(url_for("pledges.view_record", record_id=record.id))


@bp.route("/records/<id:record_id>/entries/<id:entry_id>/addendum", methods=["GET", "POST"])
@object_view(
    load_record_entry,
    permission=is_owner,
    when=can_add_addendum,
    otherwise=_addenda_need_sign_off,
)
def add_addendum_page(record, entry):
    form = AddendumForm()
    if form.validate_on_submit():
        add_addendum(entry, me(), form.text.data)
        db.session.commit()
        flash("The addendum has been added. The signed-off text is unchanged.", "success")
        return redirect(
            url_for("pledges.view_record", record_id=record.id, _anchor=f"entry-{entry.id}")
        )
    return render_template(
        "pledges/addendum.html", record=record, entry=entry, form=form
    ), form_status(form)


def _only_signed_off_reopens(record):
    flash("Only a signed-off record can be reopened.", "info")
    return redirect(url_for("pledges.view_record", record_id=record.id))


@bp.route("/records/<id:record_id>/reopen", methods=["GET", "POST"])
@object_view(load_record, permission=is_owner, when=can_reopen, otherwise=_only_signed_off_reopens)
def reopen(record):
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("pledges/reopen.html", record=record, form=form)
    if carry_out(lambda: reopen_record(record, me()))[0]:
        flash(
            "The record is open for changes. The signed-off version is kept, and the new "
            "version needs signing off again.",
            "success",
        )
    return redirect(url_for("pledges.view_record", record_id=record.id))


def _record_version(record_id: int, version: int):
    record = load_record(record_id)
    if record is None:
        return None
    snapshot = next((s for s in record.snapshots if s.version == version), None)
    return (record, snapshot) if snapshot is not None else None


@bp.get("/records/<id:record_id>/versions/<id:version>")
@object_view(_record_version, permission=can_view_record)
def view_version(record, snapshot):
    return render_template(
        "pledges/version.html", record=record, snapshot=snapshot, labels=ENTRY_FIELD_LABELS
    )


@bp.get("/framework")
@signed_in_view
def framework():
    return render_template("pledges/framework.html", framework=current_framework())


@bp.get("/records/<id:record_id>/record.pdf")
@object_view(load_record_to_read, permission=can_read_record)
def record_pdf_download(record):
    """The record laid out like the paper tool, for whoever may see the record."""
    from pledges.pdf import record_pdf  # ReportLab: imported by this download only

    filename = f"pledges-{record.name}-cycle-{record.cycle}.pdf".replace(" ", "-").lower()
    include_review = can_see_review(current_user, record)
    return pdf_download(record_pdf(record, include_review=include_review), filename)


@bp.get("/frameworks/<id:version_id>/blank-tool.pdf")
@object_view(load_framework_version, permission=can_read_framework)
def blank_tool_download(framework):
    """The empty tool for a framework, to print and fill in by hand: for anyone signed in."""
    from pledges.pdf import blank_tool_pdf  # ReportLab: imported by this download only

    filename = f"blank-tool-{framework.key}-{framework.version}.pdf".replace(" ", "-").lower()
    return pdf_download(blank_tool_pdf(framework), filename)
