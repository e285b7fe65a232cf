"""Sign-in and sign-out."""

from __future__ import annotations

import logging

from flask import flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from core.clock import utcnow
from core.database import db
from core.guard import carry_out, me, signed_in_view
from core.notifications import mark_all_read, recent_notifications
from core.security import is_safe_next
from core.sessions import time_left
from people import bp
from people.digests import choose_email
from people.forms import (
    EmailChoiceForm,
    ForgotPasswordForm,
    PasswordForm,
    ProfileForm,
    SetPasswordForm,
    SignInForm,
)
from people.models import EmailChoice
from people.operations import (
    authenticate,
    change_password,
    end_all_sessions,
    update_profile,
)
from people.password_links import (
    LinkProblem,
    person_for_token,
    request_password_reset,
    set_password_from_link,
)
from people.throttle import count_attempt, give_back

log = logging.getLogger(__name__)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("pledges.home"))
    form = SignInForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"][:254]
    attempt = None
    if form.validate_on_submit():
        attempt, signed_in = _try_signing_in(form.email.data, form.password.data)
        if signed_in:
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("pledges.home"))
    locked_until = attempt.locked_until if attempt else None
    sign_in_failed = attempt is not None and locked_until is None
    return render_template(
        "people/sign_in.html",
        form=form,
        sign_in_failed=sign_in_failed,
        locked_until=locked_until,
        locked_by_address=bool(attempt and attempt.locked_by_address),
    ), 429 if locked_until else 401 if sign_in_failed else 200


def _try_signing_in(email: str, password: str):
    """Count the attempt, then check the password: (the attempt, whether the user is signed in)."""
    # Counted and committed before the password is checked, so parallel guesses queue.
    attempt = count_attempt(email, request.remote_addr)
    db.session.commit()
    user = authenticate(email, password) if attempt.allowed else None
    if user is None:
        log.warning(
            "sign-in %s for %r from %s",
            "failed" if attempt.allowed else "refused (too many attempts)",
            attempt.email_key.removeprefix("email:"),
            request.remote_addr,
        )
        return attempt, False
    give_back(attempt)
    db.session.commit()
    session.clear()
    login_user(user)
    log.info("user %s signed in from %s", user.id, request.remote_addr)
    return attempt, True


@bp.route("/sign-out", methods=["POST"])
@signed_in_view
def sign_out():
    end_all_sessions(me())
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("people.sign_in"))


@bp.get("/session/status")
def session_status():
    """How long the session has left, for the page's timeout warning. Not itself activity."""
    if not current_user.is_authenticated:
        return jsonify(signed_in=False)
    return jsonify(time_left())


@bp.post("/session/keep-alive")
def keep_signed_in():
    """ "Stay signed in" on the timeout warning: the request itself counts as activity."""
    if not current_user.is_authenticated:
        return jsonify(signed_in=False), 401
    return jsonify(time_left())


@bp.get("/notifications")
@signed_in_view
def notifications():
    """The signed-in person's notifications; opening the list marks them read."""
    items = recent_notifications(current_user.id)
    unread_ids = {item.id for item in items if item.is_unread}
    mark_all_read(current_user.id)
    db.session.commit()
    return render_template("people/notifications.html", items=items, unread_ids=unread_ids)


@bp.route("/profile", methods=["GET", "POST"])
@signed_in_view
def profile():
    """Your own work base, telephone and password."""
    details = ProfileForm(obj=me(), prefix="details")
    password = PasswordForm(prefix="password")
    if "details-submit" in request.form and details.validate_on_submit():
        update_profile(
            me(),
            work_base_address=details.work_base_address.data or "",
            telephone=details.telephone.data or "",
        )
        db.session.commit()
        flash("Your details have been saved. New records will use them.", "success")
        return redirect(url_for("people.profile"))
    if "password-submit" in request.form and password.validate_on_submit():
        current, new = password.current_password.data, password.new_password.data
        if carry_out(lambda: change_password(me(), current, new), form=password)[0]:
            _signed_in_again_after_password_change()
            return redirect(url_for("people.profile"))
    failed = details.errors or password.errors or password.form_errors
    return render_template(
        "people/profile.html", details=details, password=password, email_choices=EmailChoice
    ), 422 if failed else 200


@bp.post("/profile/email")
@signed_in_view
def choose_email_page():
    """Email for each notification, or a daily digest."""
    form = EmailChoiceForm()
    if form.validate_on_submit():
        choice = EmailChoice(form.choice.data)
        carry_out(lambda: choose_email(me(), choice, utcnow()))
        flash(f"Saved: {choice.label.lower()}. Notifications in the app are unchanged.", "success")
    else:
        flash("Choose how you would like your notifications by email.", "error")
    return redirect(url_for("people.profile", _anchor="email"))


def _signed_in_again_after_password_change() -> None:
    user = me()
    session.clear()
    login_user(user)
    flash("Your password has been changed. Any other sessions have been signed out.", "success")


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link. The answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        db.session.commit()
        return render_template("people/reset_link_sent.html", email=form.email.data.strip())
    return render_template("people/forgot_password.html", form=form), 422 if form.errors else 200


SET_PASSWORD_TOKEN = "set_password_token"


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password_link(token: str):
    """The emailed link. Its token moves into the session and the browser goes on to a page
    whose address holds no token, so the token stays out of access logs, history and Referer
    headers (a post straight to the link still works)."""
    try:
        person_for_token(token)
    except LinkProblem as problem:
        return render_template("people/link_problem.html", problem=str(problem)), 410
    if request.method == "POST":
        return _choose_password(token)
    session[SET_PASSWORD_TOKEN] = token
    return redirect(url_for("people.set_password"))


@bp.route("/set-password", methods=["GET", "POST"])
def set_password():
    """Choose a password from an emailed link; the link then stops working."""
    token = session.get(SET_PASSWORD_TOKEN)
    if not isinstance(token, str):
        problem = "Open the link in your email again, or ask for a new one."
        return render_template("people/link_problem.html", problem=problem), 410
    return _choose_password(token)


def _choose_password(token: str):
    try:
        person = person_for_token(token)
        form = SetPasswordForm()
        if form.validate_on_submit():
            set_password_from_link(person, form.new_password.data)
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash(
                "Your password is set. Sign in with your email address and new password.",
                "success",
            )
            return redirect(url_for("people.sign_in", email=person.email))
    except LinkProblem as problem:
        db.session.rollback()
        session.pop(SET_PASSWORD_TOKEN, None)
        return render_template("people/link_problem.html", problem=str(problem)), 410
    return render_template(
        "people/set_password.html", form=form, person=person
    ), 422 if form.errors else 200
