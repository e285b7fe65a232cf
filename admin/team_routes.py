"""Administration of teams, agencies and districts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from admin import bp
from admin.forms import AddMemberForm, PlaceForm, TeamForm
from admin.operations import add_member, create_team, remove_member, save_place, update_team
from admin.permissions import can_administer_this
from admin.queries import agencies, districts, load_team, people_counts_by, search_teams
from admin.view_helpers import administrator_required, form_page, person_in, place_from
from core.database import db
from core.forms import ConfirmForm, remove_null_characters
from core.guard import carry_out, me, object_view
from core.ids import parse_id
from people.models import Agency, District, User


def _team_form(team, *, from_request: bool) -> TeamForm:
    """The team form as posted, or showing the team as saved."""
    form = TeamForm() if from_request else TeamForm(formdata=None, obj=team)
    form.set_places(agencies(), districts())
    if not from_request and team is not None:
        form.show(team)
    return form


@bp.get("/teams")
@administrator_required
def teams():
    text = remove_null_characters(request.args.get("q", ""))[:200]
    found = search_teams(text, page=parse_id(request.args.get("page")) or 1)
    return render_template("admin/teams.html", found=found, text=text.strip())


@bp.route("/teams/new", methods=["GET", "POST"])
@administrator_required
def new_team():
    return _team_page(None)


@bp.route("/teams/<id:team_id>", methods=["GET", "POST"])
@object_view(load_team, permission=can_administer_this)
def team(team):
    return _team_page(team)


def _team_page(team):
    """A new team's form, or a team's: its details, its members, and adding one."""
    form = _team_form(team, from_request=request.method == "POST")
    problems: list[str] = []
    if form.validate_on_submit():
        done, saved = _save_team(form, team, problems)
        if done:
            flash(f"{saved.name} has been saved.", "success")
            return redirect(url_for("admin.team", team_id=saved.id))
    return form_page(
        "admin/team.html",
        form,
        problems,
        team=team,
        member_form=AddMemberForm(prefix="member"),
    )


def _save_team(form, team, problems: list[str]):
    manager = person_in(form.manager_email)
    if manager is False:
        return False, None
    details = {
        "name": form.name.data,
        "description": form.description.data or "",
        "agency": place_from(Agency, form.agency.data),
        "district": place_from(District, form.district.data),
        "manager": manager,
    }
    if team is None:
        return carry_out(lambda: create_team(me(), **details), form=form, problems=problems)
    return carry_out(lambda: update_team(team, me(), **details), form=form, problems=problems)


@bp.post("/teams/<id:team_id>/members")
@object_view(load_team, permission=can_administer_this)
def add_team_member(team):
    member_form = AddMemberForm(prefix="member")
    problems: list[str] = []
    person = person_in(member_form.email) if member_form.validate_on_submit() else None
    if (
        person
        and carry_out(lambda: add_member(team, person, me()), form=member_form, problems=problems)[
            0
        ]
    ):
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


def _team_and_person(team_id: int, person_id: int):
    team, person = load_team(team_id), db.session.get(User, person_id)
    return (team, person) if team is not None and person is not None else None


@bp.post("/teams/<id:team_id>/members/<id:person_id>/remove")
@object_view(_team_and_person, permission=can_administer_this)
def remove_team_member(team, person):
    if ConfirmForm().validate_on_submit():
        remove_member(team, person, me())
        db.session.commit()
        flash(
            f"{person.name} has left {team.name}. The team's record stays with the team.", "success"
        )
    return redirect(url_for("admin.team", team_id=team.id))


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


def _kind_and_place(kind: str, place_id: int | None = None):
    """The kind of place and the place (None for a new one); None when there is no such place."""
    model, _ = PLACES[kind]
    place = db.session.get(model, place_id) if place_id is not None else None
    return None if place_id is not None and place is None else (kind, place)


@bp.post("/organisation/<any(agencies, districts):kind>")
@bp.post("/organisation/<any(agencies, districts):kind>/<id:place_id>")
@object_view(_kind_and_place, permission=can_administer_this)
def save_organisation_place(kind: str, place):
    model, noun = PLACES[kind]
    key = f"{kind}-{place.id if place else 'new'}"
    form = PlaceForm(prefix=key)
    problems: list[str] = []
    if form.validate_on_submit():
        done, saved = carry_out(
            lambda: save_place(model, form.name.data, me(), place), form=form, problems=problems
        )
        if done:
            flash(f"The {noun} {saved.name} has been saved.", "success")
            return redirect(url_for("admin.organisation"))
    return _organisation_page({key: form}, problems, 422)
