"""Supervision pages: the manager's view, sessions, and decisions on entries."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from core.clock import today_in_london
from core.database import db
from core.errors import ActionRefused, AlreadyDone
from core.forms import ConfirmForm
from core.ids import parse_id
from people.models import Team, User
from pledges.smart import smart_prompts
from pledges.wording import ENTRY_FIELD_LABELS
from supervision import bp
from supervision.forms import NotesForm, ReturnForm, SessionForm
from supervision.models import SupervisionSession
from supervision.operations import (
    approve_all_remaining,
    approve_entry,
    return_entry,
    save_session_notes,
    start_session,
)
from supervision.permissions import (
    can_run_session,
    can_sign_off,
    can_supervise_person,
    can_supervise_team,
    can_view_session,
    session_records_visible_to,
)
from supervision.prompts import REFLECTIVE_PROMPTS, SOURCE
from supervision.queries import load_session, manager_overview, sessions_for


def _me():
    return current_user._get_current_object()


@bp.get("/supervision")
@login_required
def overview():
    return render_template(
        "supervision/overview.html", overview=manager_overview(_me()), today=today_in_london()
    )


@bp.get("/supervision/sessions")
@login_required
def my_sessions():
    return render_template("supervision/my_sessions.html", sessions=sessions_for(_me()))


def _subject_or_abort():
    """The person or team named in the query string, if the user may supervise them."""
    if person_id := parse_id(request.args.get("person")):
        person = db.session.get(User, person_id) or abort(404)
        if not can_supervise_person(current_user, person):
            abort(403)
        return person, None
    if team_id := parse_id(request.args.get("team")):
        team = db.session.get(Team, team_id) or abort(404)
        if not can_supervise_team(current_user, team):
            abort(403)
        return None, team
    abort(404)


@bp.route("/supervision/sessions/new", methods=["GET", "POST"])
@login_required
def new_session():
    person, team = _subject_or_abort()
    form = SessionForm()
    if request.method == "GET":
        form.held_on.data = today_in_london()
    if form.validate_on_submit():
        try:
            session = start_session(
                _me(),
                supervisee=person,
                team=team,
                held_on=form.held_on.data,
                notes=form.notes.data,
            )
        except ActionRefused as refusal:
            form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            return redirect(url_for("supervision.view_session", session_id=session.id))
    status = 422 if form.errors else 200
    return render_template(
        "supervision/new_session.html", form=form, person=person, team=team
    ), status


def _session_or_abort(session_id: int) -> SupervisionSession:
    session = load_session(session_id) or abort(404)
    if not can_view_session(current_user, session):
        abort(403)
    return session


def _render_session(session, *, notes_form=None, return_forms=None, status=200):
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
        confirm_form=ConfirmForm(),
        smart_prompts=smart_prompts,
        labels=ENTRY_FIELD_LABELS,
        reflective_prompts=REFLECTIVE_PROMPTS,
        prompts_source=SOURCE,
    ), status


@bp.get("/supervision/sessions/<id:session_id>")
@login_required
def view_session(session_id: int):
    return _render_session(_session_or_abort(session_id))


@bp.post("/supervision/sessions/<id:session_id>/notes")
@login_required
def save_notes(session_id: int):
    session = _session_or_abort(session_id)
    form = NotesForm()
    if not form.validate_on_submit():
        return _render_session(session, notes_form=form, status=422)
    try:
        save_session_notes(session, _me(), form.notes.data)
    except ActionRefused as refusal:
        abort(403, refusal.message)
    db.session.commit()
    flash("The notes have been saved.", "success")
    return redirect(url_for("supervision.view_session", session_id=session.id, _anchor="notes"))


def _back_to_entry(session, entry):
    return redirect(
        url_for("supervision.view_session", session_id=session.id, _anchor=f"entry-{entry.id}")
    )


def _entry_in_session_or_abort(session, entry_id):
    for record in session.records:
        for entry in record.entries:
            if entry.id == entry_id:
                return entry
    abort(404)


@bp.post("/supervision/sessions/<id:session_id>/entries/<id:entry_id>/approve")
@login_required
def approve(session_id: int, entry_id: int):
    session = _session_or_abort(session_id)
    entry = _entry_in_session_or_abort(session, entry_id)
    if ConfirmForm().validate_on_submit():
        _decide(lambda: approve_entry(entry, _me(), session), f"Approved: {entry.title}")
    return _back_to_entry(session, entry)


@bp.post("/supervision/sessions/<id:session_id>/entries/<id:entry_id>/return")
@login_required
def return_(session_id: int, entry_id: int):
    session = _session_or_abort(session_id)
    entry = _entry_in_session_or_abort(session, entry_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _render_session(session, return_forms={entry.id: form}, status=422)
    _decide(
        lambda: return_entry(entry, _me(), session, form.comment.data),
        f"Returned with your comment: {entry.title}",
    )
    return _back_to_entry(session, entry)


@bp.post("/supervision/sessions/<id:session_id>/records/<id:record_id>/approve-all")
@login_required
def approve_all(session_id: int, record_id: int):
    session = _session_or_abort(session_id)
    record = next((r for r in session.records if r.id == record_id), None) or abort(404)
    if ConfirmForm().validate_on_submit():
        _decide(
            lambda: approve_all_remaining(record, _me(), session),
            "Every remaining entry has been approved.",
        )
    return redirect(url_for("supervision.view_session", session_id=session.id))


def _decide(action, success_message: str) -> None:
    """Run one decision; commit it and say so, or say why it was refused."""
    try:
        action()
    except AlreadyDone as done:
        # A second click (or another manager first): nothing more is done, and no email sent.
        db.session.rollback()
        flash(done.message, "info")
        return
    except ActionRefused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        return
    db.session.commit()
    flash(success_message, "success")
