"""Administration pages: people, teams, agencies and districts, and importing people."""

from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from admin import bp
from admin.forms import (
    AddMemberForm,
    ConfirmImportForm,
    DeactivateForm,
    PersonForm,
    PlaceForm,
    TeamForm,
    UploadForm,
)
from admin.models import PeopleImport
from admin.operations import (
    add_member,
    create_person,
    create_team,
    deactivate_person,
    reactivate_person,
    remove_member,
    save_place,
    update_person,
    update_team,
)
from admin.people_import import (
    ImportFileError,
    apply_import,
    decode_csv,
    plan_import,
    read_csv,
)
from admin.permissions import can_administer
from admin.queries import (
    agencies,
    all_teams,
    districts,
    load_person,
    load_team,
    people_counts_by,
    search_people,
)
from core.clock import utcnow
from core.database import db
from core.errors import ActionRefused
from core.forms import ConfirmForm
from people.models import Agency, District, Role, User
from people.operations import find_user_by_email
from people.password_links import LinkPurpose, send_password_link
from pledges.models import Record


def administrator_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not can_administer(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _me() -> User:
    return current_user._get_current_object()


def _or_404(item):
    if item is None:
        abort(404)
    return item


def _person_in(field) -> User | bool | None:
    """The active person whose email is in `field`; None when blank; False (with the error on
    the field) when nobody has that address."""
    if not field.data:
        return None
    person = find_user_by_email(field.data)
    if person is None:
        field.errors.append(
            f"Nobody here has the email address {field.data.strip()}. Check it, or add them first."
        )
        return False
    return person


def _show_refusal(form, refusal: ActionRefused, problems: list[str]) -> None:
    """Put a refusal beside its field when it names one, else at the top of the page."""
    if refusal.field and refusal.field in form:
        form[refusal.field].errors.append(refusal.message)
    else:
        problems.append(refusal.message)


def _carry_out(operation, form, problems: list[str]) -> tuple[bool, object]:
    """Run an operation and commit: (True, its result). Refused: roll back (objects reload as
    saved), show why on the form, and (False, None)."""
    try:
        result = operation()
    except ActionRefused as refusal:
        db.session.rollback()
        _show_refusal(form, refusal, problems)
        return False, None
    db.session.commit()
    return True, result


def _place(model, value: str):
    return db.session.get(model, int(value)) if value else None


def _person_details(form, manager: User | None) -> dict:
    """What the person form says, as the person operations take it."""
    return {
        "email": form.email.data,
        "name": form.name.data,
        "job_title": form.job_title.data or "",
        "agency": _place(Agency, form.agency.data),
        "district": _place(District, form.district.data),
        "line_manager": manager,
        "roles": {Role(value) for value in form.roles.data or []},
    }


def _team_form(team, *, from_request: bool) -> TeamForm:
    """The team form as posted, or showing the team as saved."""
    form = TeamForm() if from_request else TeamForm(formdata=None, obj=team)
    form.set_places(agencies(), districts())
    if not from_request and team is not None:
        form.show(team)
    return form


def _status(form, problems) -> int:
    return 422 if problems or any(field.errors for field in form) else 200


@bp.get("/")
@administrator_required
def index():
    by_state = people_counts_by(User.is_active_account)
    counts = {"active": by_state.get(True, 0), "left": by_state.get(False, 0)}
    recent = db.session.scalars(
        db.select(PeopleImport).order_by(PeopleImport.uploaded_at.desc()).limit(5)
    ).all()
    return render_template("admin/index.html", counts=counts, recent_imports=recent)


# People --------------------------------------------------------------------------------------


@bp.get("/people")
@administrator_required
def people():
    text = request.args.get("q", "")[:200]
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and len(page) < 7 else 1
    show_left = request.args.get("left") != "hide"
    found = search_people(text, page=page_number, show_left=show_left)
    return render_template("admin/people.html", found=found, text=text, show_left=show_left)


@bp.route("/people/new", methods=["GET", "POST"])
@administrator_required
def new_person():
    form = PersonForm()
    form.set_places(agencies(), districts())
    problems: list[str] = []
    if form.validate_on_submit():
        manager = _person_in(form.line_manager_email)
        done, person = (False, None)
        if manager is not False:
            done, person = _carry_out(
                lambda: create_person(_me(), **_person_details(form, manager)), form, problems
            )
        if done:
            flash(
                f"{person.name} has been added and emailed a link to set their password.", "success"
            )
            return redirect(url_for("admin.person", person_id=person.id))
    return render_template(
        "admin/person_form.html", form=form, person=None, problems=problems
    ), _status(form, problems)


@bp.route("/people/<id:person_id>", methods=["GET", "POST"])
@administrator_required
def person(person_id: int):
    person = _or_404(load_person(person_id))
    form = PersonForm(obj=None if request.method == "POST" else person)
    form.set_places(agencies(), districts())
    if request.method == "GET":
        form.show(person)
    problems: list[str] = []
    if form.validate_on_submit():
        manager = _person_in(form.line_manager_email)
        done = (
            manager is not False
            and _carry_out(
                lambda: update_person(person, _me(), **_person_details(form, manager)),
                form,
                problems,
            )[0]
        )
        if done:
            flash(f"{person.name}'s details have been saved.", "success")
            return redirect(url_for("admin.person", person_id=person.id))
    records = db.session.scalars(
        db.select(Record).where(Record.owner_id == person.id).order_by(Record.cycle)
    ).all()
    return render_template(
        "admin/person_form.html",
        form=form,
        person=person,
        problems=problems,
        records=records,
        action_form=ConfirmForm(),
    ), _status(form, problems)


@bp.route("/people/<id:person_id>/deactivate", methods=["GET", "POST"])
@administrator_required
def deactivate(person_id: int):
    person = _or_404(load_person(person_id))
    form = DeactivateForm()
    if request.method == "GET" and person.line_manager:
        form.successor_email.data = person.line_manager.email
    problems: list[str] = []
    if form.validate_on_submit():
        successor = _person_in(form.successor_email)
        done = (
            successor is not False
            and _carry_out(lambda: deactivate_person(person, _me(), successor), form, problems)[0]
        )
        if done:
            flash(
                f"{person.name} has been deactivated: they can no longer sign in. Their records "
                "are kept.",
                "success",
            )
            return redirect(url_for("admin.person", person_id=person.id))
    return render_template(
        "admin/deactivate.html", form=form, person=person, problems=problems
    ), _status(form, problems)


@bp.post("/people/<id:person_id>/reactivate")
@administrator_required
def reactivate(person_id: int):
    person = _or_404(db.session.get(User, person_id))
    if ConfirmForm().validate_on_submit():
        try:
            reactivate_person(person, _me())
        except ActionRefused as refusal:
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash(
                f"{person.name} can sign in again. Give them a line manager and teams.", "success"
            )
    return redirect(url_for("admin.person", person_id=person.id))


@bp.post("/people/<id:person_id>/send-link")
@administrator_required
def send_link(person_id: int):
    person = _or_404(db.session.get(User, person_id))
    if not person.is_active:
        flash(f"{person.name} has left: reactivate them before sending a link.", "error")
    elif ConfirmForm().validate_on_submit():
        send_password_link(person, LinkPurpose.WELCOME)
        db.session.commit()
        flash(f"A link to set their password has been emailed to {person.email}.", "success")
    return redirect(url_for("admin.person", person_id=person.id))


# Teams ---------------------------------------------------------------------------------------


@bp.get("/teams")
@administrator_required
def teams():
    return render_template("admin/teams.html", teams=all_teams())


@bp.route("/teams/new", methods=["GET", "POST"])
@bp.route("/teams/<id:team_id>", methods=["GET", "POST"])
@administrator_required
def team(team_id: int | None = None):
    team = _or_404(load_team(team_id)) if team_id is not None else None
    form = _team_form(team, from_request=request.method == "POST")
    problems: list[str] = []
    if form.validate_on_submit():
        manager = _person_in(form.manager_email)
        if manager is not False:
            details = {
                "name": form.name.data,
                "description": form.description.data or "",
                "agency": _place(Agency, form.agency.data),
                "district": _place(District, form.district.data),
                "manager": manager,
            }
            done, saved = _carry_out(
                (lambda: create_team(_me(), **details))
                if team is None
                else (lambda: update_team(team, _me(), **details)),
                form,
                problems,
            )
            if done:
                flash(f"{saved.name} has been saved.", "success")
                return redirect(url_for("admin.team", team_id=saved.id))
    return render_template(
        "admin/team.html",
        form=form,
        team=team,
        problems=problems,
        member_form=AddMemberForm(prefix="member"),
        action_form=ConfirmForm(),
    ), _status(form, problems)


@bp.post("/teams/<id:team_id>/members")
@administrator_required
def add_team_member(team_id: int):
    team = _or_404(load_team(team_id))
    member_form = AddMemberForm(prefix="member")
    problems: list[str] = []
    if member_form.validate_on_submit():
        person = _person_in(member_form.email)
        if person and _carry_out(lambda: add_member(team, person), member_form, problems)[0]:
            flash(f"{person.name} has joined {team.name}.", "success")
            return redirect(url_for("admin.team", team_id=team.id))
    return render_template(
        "admin/team.html",
        form=_team_form(team, from_request=False),
        team=team,
        problems=problems,
        member_form=member_form,
        action_form=ConfirmForm(),
    ), 422


@bp.post("/teams/<id:team_id>/members/<id:person_id>/remove")
@administrator_required
def remove_team_member(team_id: int, person_id: int):
    team = _or_404(load_team(team_id))
    person = _or_404(db.session.get(User, person_id))
    if ConfirmForm().validate_on_submit():
        remove_member(team, person)
        db.session.commit()
        flash(
            f"{person.name} has left {team.name}. The team's record stays with the team.", "success"
        )
    return redirect(url_for("admin.team", team_id=team.id))


# Agencies and districts ----------------------------------------------------------------------

PLACES = {"agencies": (Agency, "agency"), "districts": (District, "district")}


@bp.get("/organisation")
@administrator_required
def organisation():
    return _organisation_page({}, [])


def _organisation_page(forms: dict, problems: list[str], status: int = 200):
    return render_template(
        "admin/organisation.html",
        agencies=agencies(),
        districts=districts(),
        agency_counts=people_counts_by(User.agency_id),
        district_counts=people_counts_by(User.district_id),
        forms=forms,
        problems=problems,
    ), status


@bp.post("/organisation/<any(agencies, districts):kind>")
@bp.post("/organisation/<any(agencies, districts):kind>/<id:place_id>")
@administrator_required
def save_organisation_place(kind: str, place_id: int | None = None):
    model, noun = PLACES[kind]
    place = _or_404(db.session.get(model, place_id)) if place_id is not None else None
    key = f"{kind}-{place_id or 'new'}"
    form = PlaceForm(prefix=key)
    problems: list[str] = []
    if form.validate_on_submit():
        done, saved = _carry_out(lambda: save_place(model, form.name.data, place), form, problems)
        if done:
            flash(f"The {noun} {saved.name} has been saved.", "success")
            return redirect(url_for("admin.organisation"))
    return _organisation_page({key: form}, problems, 422)


# Importing people ----------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@administrator_required
def upload_people():
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        try:
            read_csv(content)
        except ImportFileError as problem:
            form.file.errors.append(str(problem))
        else:
            stored = PeopleImport(
                uploaded_by=_me(),
                filename=(upload.filename or "")[:255],
                content=decode_csv(content),
            )
            db.session.add(stored)
            db.session.commit()
            return redirect(url_for("admin.people_import", import_id=stored.id))
    return render_template("admin/upload.html", form=form), _status(form, [])


@bp.route("/import/<id:import_id>", methods=["GET", "POST"])
@administrator_required
def people_import(import_id: int):
    """The dry run of an uploaded file, row by row; posting it carries out the import."""
    stored = _or_404(db.session.get(PeopleImport, import_id))
    plan = plan_import(stored.content)
    form = ConfirmImportForm()
    if not stored.is_imported and plan.has_work and form.validate_on_submit():
        result = apply_import(plan, _me(), send_links=form.send_links.data)
        stored.imported_at = utcnow()
        stored.outcome = (
            f"{result.created} added, {result.changed} changed, {result.unchanged} unchanged, "
            f"{result.skipped} left out because of problems"
        )
        db.session.commit()
        flash(f"Import done: {stored.outcome}.", "success")
        return redirect(url_for("admin.people_import", import_id=stored.id))
    return render_template("admin/import_plan.html", stored=stored, plan=plan, form=form)
