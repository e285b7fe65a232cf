"""Administration of people: find, add, change, deactivate and reactivate, set-password links."""

from __future__ import annotations

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from admin import bp
from admin.forms import DeactivateForm, PersonForm
from admin.operations import (
    create_person,
    deactivate_person,
    reactivate_person,
    send_set_password_link,
    update_person,
)
from admin.people_export import people_csv_chunks
from admin.permissions import can_administer_this
from admin.queries import (
    PeopleFilter,
    admin_history,
    agencies,
    districts,
    load_person,
    records_owned_by,
    search_people,
)
from admin.view_helpers import administrator_required, form_page, person_in, place_from
from core.clock import today_in_london
from core.forms import ConfirmForm
from core.guard import carry_out, me, object_view
from core.ids import parse_id
from core.submissions import claim_submission, new_submission_key
from people.models import Agency, District, Role, User


def _person_details(form, manager: User | None) -> dict:
    """What the person form says, as the person operations take it."""
    return {
        "email": form.email.data,
        "name": form.name.data,
        "job_title": form.job_title.data or "",
        "agency": place_from(Agency, form.agency.data),
        "district": place_from(District, form.district.data),
        "line_manager": manager,
        "roles": {Role(value) for value in form.roles.data or []},
    }


@bp.get("/people")
@administrator_required
def people():
    filters = PeopleFilter.from_args(request.args)
    found = search_people(filters, page=parse_id(request.args.get("page")) or 1)
    return render_template(
        "admin/people.html",
        found=found,
        filters=filters,
        agencies=agencies(),
        districts=districts(),
        roles=list(Role),
    )


@bp.get("/people.csv")
@administrator_required
def people_csv():
    """Everyone who can sign in, in the import's columns, to change and import again."""
    filename = f"people-{today_in_london().isoformat()}.csv"
    return Response(
        stream_with_context(people_csv_chunks()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/people/new", methods=["GET", "POST"])
@administrator_required
def new_person():
    form = PersonForm()
    form.set_places(agencies(), districts())
    if request.method == "GET":
        form.submission_key.data = new_submission_key()
    problems: list[str] = []
    if form.validate_on_submit():
        claim, first_post = claim_submission(form.submission_key.data, me().id)
        if not first_post:
            flash("This person had already been added. Here are their details.", "info")
            return redirect(claim.path or url_for("admin.people"))
        manager = person_in(form.line_manager_email)
        done, person = (False, None)
        if manager is not False:
            done, person = carry_out(
                lambda: _add_person(form, manager, claim), form=form, problems=problems
            )
        if done:
            flash(
                f"{person.name} has been added and emailed a link to set their password.", "success"
            )
            return redirect(url_for("admin.person", person_id=person.id))
    return form_page("admin/person_form.html", form, problems, person=None)


def _add_person(form, manager: User | None, claim) -> User:
    person = create_person(me(), **_person_details(form, manager))
    if claim is not None:
        claim.path = url_for("admin.person", person_id=person.id)
    return person


@bp.route("/people/<id:person_id>", methods=["GET", "POST"])
@object_view(load_person, permission=can_administer_this)
def person(person):
    form = PersonForm(obj=None if request.method == "POST" else person)
    form.set_places(agencies(), districts())
    if request.method == "GET":
        form.show(person)
    problems: list[str] = []
    if form.validate_on_submit() and _save_person(form, person, problems):
        flash(f"{person.name}'s details have been saved.", "success")
        return redirect(url_for("admin.person", person_id=person.id))
    return form_page(
        "admin/person_form.html",
        form,
        problems,
        person=person,
        records=records_owned_by(person),
        history=admin_history(person_id=person.id, size=10),
    )


def _save_person(form, person: User, problems: list[str]) -> bool:
    manager = person_in(form.line_manager_email)
    return (
        manager is not False
        and carry_out(
            lambda: update_person(person, me(), **_person_details(form, manager)),
            form=form,
            problems=problems,
        )[0]
    )


@bp.route("/people/<id:person_id>/deactivate", methods=["GET", "POST"])
@object_view(load_person, permission=can_administer_this)
def deactivate(person):
    form = DeactivateForm()
    if request.method == "GET" and person.line_manager:
        form.successor_email.data = person.line_manager.email
    problems: list[str] = []
    if form.validate_on_submit():
        successor = person_in(form.successor_email)
        if (
            successor is not False
            and carry_out(
                lambda: deactivate_person(person, me(), successor), form=form, problems=problems
            )[0]
        ):
            flash(
                f"{person.name} has been deactivated: they can no longer sign in. Their records "
                "are kept.",
                "success",
            )
            return redirect(url_for("admin.person", person_id=person.id))
    return form_page("admin/deactivate.html", form, problems, person=person)


@bp.post("/people/<id:person_id>/reactivate")
@object_view(load_person, permission=can_administer_this)
def reactivate(person):
    if ConfirmForm().validate_on_submit() and carry_out(lambda: reactivate_person(person, me()))[0]:
        flash(f"{person.name} can sign in again. Give them a line manager and teams.", "success")
    return redirect(url_for("admin.person", person_id=person.id))


@bp.post("/people/<id:person_id>/send-link")
@object_view(load_person, permission=can_administer_this)
def send_link(person):
    if (
        ConfirmForm().validate_on_submit()
        and carry_out(lambda: send_set_password_link(person, me()))[0]
    ):
        flash(f"A link to set their password has been emailed to {person.email}.", "success")
    return redirect(url_for("admin.person", person_id=person.id))
