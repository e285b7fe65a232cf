"""Supervision pages: the manager's view, sessions, and decisions on entries."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.clock import today_in_london
from core.database import db
from core.formatting import long_date
from core.forms import ConfirmForm
from core.guard import carry_out, me, object_view, signed_in_view
from core.ids import parse_id
from people.models import Team, User
from pledges.smart import smart_prompts
from pledges.wording import ENTRY_FIELD_LABELS
from supervision import bp
from supervision.forms import ManagerReportForm, NotesForm, ReturnForm, SessionForm
from supervision.operations import (
    IDLE_BEFORE_TELLING,
    add_manager_report,
    approve_all_remaining,
    approve_entry,
    delete_session,
    finish_session,
    return_entry,
    save_session_notes,
    start_session,
)
from supervision.permissions import (
    can_delete_session,
    can_hold_session_about,
    can_run_session,
    can_sign_off,
    can_view_session,
    can_write_session_notes,
    session_records_visible_to,
)
from supervision.prompts import REFLECTIVE_PROMPTS, SOURCE
from supervision.queries import (
    load_session,
    load_session_entry,
    load_session_record,
    manager_overview,
    sessions_for,
)
from supervision.session_view import session_view


@bp.get("/supervision")
@signed_in_view
def overview():
    today = today_in_london()
    overview = manager_overview(me())
    return render_template(
        "supervision/overview.html",
        overview=overview,
        waiting=overview.waiting(today),
        today=today,
    )


@bp.get("/supervision/sessions")
@signed_in_view
def my_sessions():
    return render_template("supervision/my_sessions.html", sessions=sessions_for(me()))


def _subject_in_query():
    """The person (`?person=`) or team (`?team=`) a new session is about, or None."""
    if person_id := parse_id(request.args.get("person")):
        return db.session.get(User, person_id)
    if team_id := parse_id(request.args.get("team")):
        return db.session.get(Team, team_id)
    return None


@bp.route("/supervision/sessions/new", methods=["GET", "POST"])
@object_view(_subject_in_query, permission=can_hold_session_about)
def new_session(subject):
    person, team = (None, subject) if isinstance(subject, Team) else (subject, None)
    form = SessionForm()
    if request.method == "GET":
        form.held_on.data = today_in_london()
    if form.validate_on_submit():
        held_on, notes = form.held_on.data, form.notes.data
        started, session = carry_out(
            lambda: start_session(me(), supervisee=person, team=team, held_on=held_on, notes=notes),
            form=form,
        )
        if started:
            return redirect(url_for("supervision.view_session", session_id=session.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "supervision/new_session.html", form=form, person=person, team=team
    ), status


def _render_session(session, *, notes_form=None, return_forms=None, report_forms=None, status=200):
    runs_it = can_run_session(current_user, session)
    records = session_records_visible_to(current_user, session)
    return render_template(
        "supervision/session.html",
        session=session,
        records=records,
        runs_it=runs_it,
        can_decide={r.id: runs_it and can_sign_off(current_user, r) for r in records},
        notes_form=notes_form or NotesForm(notes=session.notes),
        return_forms=return_forms or {},
        report_forms=report_forms or {},
        session_view=session_view,
        idle_minutes=int(IDLE_BEFORE_TELLING.total_seconds() // 60),
        confirm_form=ConfirmForm(),
        smart_prompts=smart_prompts,
        labels=ENTRY_FIELD_LABELS,
        reflective_prompts=REFLECTIVE_PROMPTS,
        prompts_source=SOURCE,
    ), status


@bp.get("/supervision/sessions/<id:session_id>")
@object_view(load_session, permission=can_view_session)
def view_session(session):
    return _render_session(session)


@bp.post("/supervision/sessions/<id:session_id>/notes")
@object_view(load_session, permission=can_write_session_notes)
def save_notes(session):
    form = NotesForm()
    if not form.validate_on_submit():
        return _render_session(session, notes_form=form, status=422)
    if carry_out(lambda: save_session_notes(session, me(), form.notes.data))[0]:
        flash("The notes have been saved.", "success")
    return redirect(url_for("supervision.view_session", session_id=session.id, _anchor="notes"))


@bp.route("/supervision/sessions/<id:session_id>/delete", methods=["GET", "POST"])
@object_view(load_session, permission=can_delete_session)
def delete_session_page(session):
    """Confirm, then delete a session started by mistake (refused once it has decisions)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        described = f"{session.with_name} on {long_date(session.held_on)}"
        if carry_out(lambda: delete_session(session, me()))[0]:
            flash(f"The session with {described} has been deleted.", "success")
            return redirect(url_for("supervision.my_sessions"))
        return redirect(url_for("supervision.view_session", session_id=session.id))
    return render_template("supervision/delete_session.html", session=session, form=form)


def _at_entry(session, entry) -> str:
    return url_for("supervision.view_session", session_id=session.id, _anchor=f"entry-{entry.id}")


@bp.post("/supervision/sessions/<id:session_id>/entries/<id:entry_id>/approve")
@object_view(load_session_entry, permission=can_view_session)
def approve(session, entry):
    if not ConfirmForm().validate_on_submit():
        return redirect(_at_entry(session, entry))
    return _decide(
        lambda: approve_entry(entry, me(), session),
        f"Approved: {entry.title}",
        _at_entry(session, entry),
    )


@bp.post("/supervision/sessions/<id:session_id>/entries/<id:entry_id>/return")
@object_view(load_session_entry, permission=can_view_session)
def return_(session, entry):
    form = ReturnForm()
    if not form.validate_on_submit():
        return _render_session(session, return_forms={entry.id: form}, status=422)
    return _decide(
        lambda: return_entry(entry, me(), session, form.comment.data),
        f"Returned with your comment: {entry.title}",
        _at_entry(session, entry),
    )


@bp.post("/supervision/sessions/<id:session_id>/records/<id:record_id>/approve-all")
@object_view(load_session_record, permission=can_view_session)
def approve_all(session, record):
    back = url_for("supervision.view_session", session_id=session.id)
    if not ConfirmForm().validate_on_submit():
        return redirect(back)
    return _decide(
        lambda: approve_all_remaining(record, me(), session),
        "Every remaining entry has been approved.",
        back,
    )


@bp.post("/supervision/sessions/<id:session_id>/finish")
@object_view(load_session, permission=can_view_session)
def finish(session):
    """The manager has finished: each owner gets one message with this session's decisions."""
    back = url_for("supervision.view_session", session_id=session.id)
    if not ConfirmForm().validate_on_submit():
        return redirect(back)
    return _decide(
        lambda: finish_session(session, me()),
        "The session is finished: the owners have been sent what you decided.",
        back,
    )


@bp.post("/supervision/sessions/<id:session_id>/entries/<id:entry_id>/manager-report")
@object_view(load_session_entry, permission=can_view_session)
def add_manager_report_page(session, entry):
    """A manager report (MR) noted in the session, in the manager's name."""
    form = ManagerReportForm()
    if not form.validate_on_submit():
        return _render_session(session, report_forms={entry.id: form}, status=422)
    return _decide(
        lambda: add_manager_report(
            entry,
            me(),
            session,
            description=form.description.data,
            occurred_on=form.occurred_on.data,
        ),
        f"Your manager report (MR) has been added: {entry.title}",
        _at_entry(session, entry),
    )


def _decide(action, success_message: str, back: str):
    """Run one decision; commit it and say so, or say why it was refused (a second click, or
    another manager first, changes nothing and sends no email); then go `back`."""
    if carry_out(action, done_path=back)[0]:
        flash(success_message, "success")
    return redirect(back)
