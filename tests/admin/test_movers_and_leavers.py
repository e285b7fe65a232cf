"""Movers and leavers: what awaits sign-off follows a change of manager, both managers are told,
leavers' records stay, and the service always keeps an administrator."""

from __future__ import annotations

import pytest

from admin.operations import (
    add_member,
    change_line_manager,
    change_team_manager,
    create_team,
    deactivate_person,
    reactivate_person,
    set_roles,
    update_person,
)
from core.database import db
from core.errors import ActionRefused
from core.notifications import Notification
from people.models import Role
from people.operations import authenticate
from pledges.operations import save_entry, submit_record
from supervision.permissions import can_sign_off
from tests.conftest import PASSWORD


def _submitted(make_record, owner, team=None):
    record = make_record(owner, team=team)
    save_entry(record.entries[0], owner, {"pledge": "A pledge"}, base_revision=1)
    submit_record(record, owner)
    db.session.commit()
    return record


def _messages_to(user) -> list[str]:
    return [
        n.message
        for n in db.session.scalars(db.select(Notification).where(Notification.user_id == user.id))
    ]


def test_a_new_line_manager_takes_on_the_pending_sign_off_and_both_are_told(
    people, make_record, smtp_inbox
):
    pat, morgan, sam, admin = (people[k] for k in ("practitioner", "manager", "senior", "admin"))
    other = people["outsider"]
    record = _submitted(make_record, pat)
    assert can_sign_off(morgan, record)
    assert not can_sign_off(other, record)

    moved = change_line_manager(pat, other, admin)
    db.session.commit()

    assert moved == [record]
    assert can_sign_off(other, record)
    assert not can_sign_off(morgan, record)
    assert any("now comes to you for sign-off" in m for m in _messages_to(other))
    assert any("no longer comes to you" in m for m in _messages_to(morgan))
    assert {m["To"] for m in smtp_inbox.messages} >= {other.email, morgan.email}
    assert "Sign-off moved to Olly Other" in record.events[-1].summary
    assert sam.id not in {n.user_id for n in db.session.scalars(db.select(Notification))}


def test_moving_someone_with_nothing_pending_tells_nobody(people):
    change_line_manager(people["practitioner"], people["outsider"], people["admin"])
    db.session.commit()
    assert db.session.scalars(db.select(Notification)).all() == []


def test_line_management_cannot_loop_or_point_at_leavers(people):
    pat, morgan, sam, admin = (people[k] for k in ("practitioner", "manager", "senior", "admin"))
    with pytest.raises(ActionRefused, match="reports to Sam Senior") as refusal:
        change_line_manager(sam, pat, admin)
    assert refusal.value.field == "line_manager_email"
    with pytest.raises(ActionRefused, match="their own line manager"):
        change_line_manager(pat, pat, admin)
    people["outsider"].is_active_account = False
    with pytest.raises(ActionRefused, match="has left"):
        change_line_manager(pat, people["outsider"], admin)
    assert pat.line_manager == morgan


def test_a_leaver_hands_supervisees_and_teams_to_their_own_manager(people, make_record):
    pat, morgan, sam, admin = (people[k] for k in ("practitioner", "manager", "senior", "admin"))
    team = people["team"]
    own = _submitted(make_record, pat)
    team_record = _submitted(make_record, pat, team=team)
    told_before = len(_messages_to(morgan))

    deactivate_person(morgan, admin)
    db.session.commit()

    assert not morgan.is_active
    assert pat.line_manager == sam
    assert people["teammate"].line_manager == sam
    assert team.manager == sam
    assert can_sign_off(sam, own)
    assert can_sign_off(sam, team_record)
    assert authenticate(morgan.email, PASSWORD) is None
    assert any("now comes to you" in m for m in _messages_to(sam))
    assert len(_messages_to(morgan)) == told_before  # leavers are not written to


def test_a_leavers_own_records_are_kept(people, make_record):
    pat, admin = people["practitioner"], people["admin"]
    record = _submitted(make_record, pat)
    deactivate_person(pat, admin)
    db.session.commit()
    db.session.refresh(record)
    assert record.owner == pat
    assert record.entries[0].pledge == "A pledge"


def test_a_leaver_with_people_to_hand_on_needs_someone_to_take_them(people):
    sam, admin = people["senior"], people["admin"]
    with pytest.raises(ActionRefused, match="no line manager to hand them to") as refusal:
        deactivate_person(sam, admin)
    assert refusal.value.field == "successor_email"
    deactivate_person(sam, admin, successor=people["outsider"])
    assert people["manager"].line_manager == people["outsider"]


def test_a_supervisee_promoted_into_the_leavers_place_reports_upwards(people):
    pat, morgan, sam, admin = (people[k] for k in ("practitioner", "manager", "senior", "admin"))
    deactivate_person(morgan, admin, successor=pat)
    assert pat.line_manager == sam
    assert people["teammate"].line_manager == pat


def test_the_last_administrator_cannot_be_removed(people):
    admin, pat = people["admin"], people["practitioner"]
    with pytest.raises(ActionRefused, match="only administrator"):
        set_roles(admin, set(), pat)
    with pytest.raises(ActionRefused, match="only administrator"):
        deactivate_person(admin, pat)
    with pytest.raises(ActionRefused, match="cannot deactivate yourself"):
        deactivate_person(admin, admin)
    set_roles(pat, {Role.ADMINISTRATOR}, admin)
    set_roles(admin, set(), pat)
    assert not admin.has_role(Role.ADMINISTRATOR)


def test_reactivating_lets_a_returner_sign_in_again(people):
    pat, admin = people["practitioner"], people["admin"]
    deactivate_person(pat, admin)
    reactivate_person(pat, admin)
    db.session.commit()
    assert authenticate(pat.email, PASSWORD) == pat
    with pytest.raises(ActionRefused, match="already active"):
        reactivate_person(pat, admin)


def test_a_new_team_manager_takes_on_its_pending_record(people, make_record):
    pat, admin, other = people["practitioner"], people["admin"], people["outsider"]
    team = people["team"]
    record = _submitted(make_record, pat, team=team)
    assert change_team_manager(team, other, admin) == [record]
    assert can_sign_off(other, record)
    with pytest.raises(ActionRefused, match="is a member"):
        change_team_manager(team, pat, admin)
    with pytest.raises(ActionRefused, match="manages North team"):
        add_member(team, other, admin)


def test_updating_a_person_changes_details_and_refuses_a_taken_email(people):
    pat, admin = people["practitioner"], people["admin"]
    details = {
        "name": "Pat Renamed",
        "job_title": "Senior social worker",
        "agency": None,
        "district": people["district"],
        "line_manager": people["senior"],
        "roles": {Role.TRAINING_TEAM},
    }
    with pytest.raises(ActionRefused, match="already has the email address") as refusal:
        update_person(pat, admin, email=people["teammate"].email, **details)
    assert refusal.value.field == "email"
    update_person(pat, admin, email="PAT.NEW@example.org", **details)
    assert (pat.email, pat.name, pat.line_manager) == (
        "pat.new@example.org",
        "Pat Renamed",
        people["senior"],
    )
    assert pat.roles == {Role.TRAINING_TEAM}


def test_team_names_keep_clear_of_the_imports_separators(people):
    with pytest.raises(ActionRefused, match=r"cannot contain ; or \|") as refusal:
        create_team(people["admin"], name="North; South")
    assert refusal.value.field == "name"
