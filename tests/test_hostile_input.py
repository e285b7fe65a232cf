"""Hostile input (Hypothesis): arbitrary Unicode, control characters, very long text and malformed
fields posted to the forms. Never a 500; a clear message or a save; nothing saved is corrupted."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.database import db
from people.password_links import LinkPurpose, make_token
from pledges.operations import save_entry, submit_record
from pledges.reviews import start_review
from supervision.operations import approve_all_remaining, start_session

text = st.text(st.characters(codec="utf-8"), max_size=300) | st.text(max_size=12_000)
junk = st.one_of(text, st.integers().map(str), st.just(""), st.just("\x00" * 5))
fields = st.dictionaries(
    st.sampled_from(
        [
            "good_practice",
            "pledge",
            "helps",
            "hinders",
            "signs_of_success",
            "revision",
            "original_pledge",
            "choice_pledge",
            "then",
            "finding_title",
            "finding_source",
            "name",
            "email",
            "telephone",
            "work_base_address",
            "description",
            "occurred_on",
            "from_self",
            "judgement_value",
            "what_next",
            "notes",
            "comment",
            "held_on",
            "password",
            "carry",
            "details-telephone",
            "details-work_base_address",
            "details-submit",
            "password-submit",
            "password-current_password",
            "password-new_password",
            "job_title",
            "agency",
            "district",
            "line_manager_email",
            "roles",
            "successor_email",
            "manager_email",
            "member-email",
            "agencies-new-name",
            "new_password",
            "confirm_password",
            "send_links",
        ]
    ),
    junk,
    max_size=8,
)
SLOW = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def places(people, make_record):
    pat, morgan = people["practitioner"], people["manager"]
    draft = make_record(pat)
    save_entry(draft.entries[0], pat, {"pledge": "Kept pledge"}, base_revision=1)
    reviewed = make_record(pat, team=people["team"])
    save_entry(reviewed.entries[0], pat, {"pledge": "Team pledge"}, base_revision=1)
    submit_record(reviewed, pat)
    with time_machine.travel(date(2026, 5, 1)):
        session = start_session(morgan, team=people["team"])
        approve_all_remaining(reviewed, morgan, session)
    start_review(reviewed, pat, today=date(2026, 11, 1))
    db.session.commit()
    return {
        "entry": f"/records/{draft.id}/entries/{draft.entries[0].id}",
        "details": f"/records/{draft.id}/details",
        "finding": f"/records/{draft.id}/findings/new",
        "submit": f"/records/{draft.id}/submit",
        "review": f"/records/{reviewed.id}/review/{reviewed.entries[0].id}",
        "evidence": f"/records/{reviewed.id}/review/{reviewed.entries[0].id}/evidence",
        "next_cycle": f"/records/{reviewed.id}/next-cycle",
        "session_notes": f"/supervision/sessions/{session.id}/notes",
        "session_return": f"/supervision/sessions/{session.id}/entries/{reviewed.entries[0].id}/return",
        "new_session": f"/supervision/sessions/new?person={pat.id}",
        "sign_in": "/sign-in",
        "profile": "/profile",
        "collation": "/collation",
        "admin_new_person": "/admin/people/new",
        "admin_person": f"/admin/people/{pat.id}",
        "deactivate": f"/admin/people/{pat.id}/deactivate",
        "admin_team": f"/admin/teams/{people['team'].id}",
        "team_member": f"/admin/teams/{people['team'].id}/members",
        "new_agency": "/admin/organisation/agencies",
        "forgot_password": "/forgot-password",
        "set_password": f"/set-password/{make_token(pat, LinkPurpose.RESET)}",
    }, draft


@SLOW
@given(
    form=fields,
    where=st.sampled_from(
        [
            "entry",
            "details",
            "finding",
            "submit",
            "review",
            "evidence",
            "next_cycle",
            "session_notes",
            "session_return",
            "new_session",
            "sign_in",
            "profile",
            "admin_new_person",
            "admin_person",
            "deactivate",
            "admin_team",
            "team_member",
            "new_agency",
            "forgot_password",
            "set_password",
        ]
    ),
)
def test_no_form_ever_answers_500(client, auth, people, places, form, where):
    urls, draft = places
    who = (
        people["manager"]
        if where.startswith(("session", "new_session"))
        else people["admin"]
        if where.startswith(("admin", "deactivate", "team", "new_agency"))
        else people["practitioner"]
    )
    auth.login(who)
    response = client.post(urls[where], data=form)
    assert response.status_code < 500, (where, form)
    db.session.rollback()
    db.session.expire_all()
    pledge = draft.entries[0].pledge
    assert "\x00" not in pledge
    assert len(pledge) <= 10_000  # over-long text is refused, never stored


@SLOW
@given(
    args=st.dictionaries(
        st.sampled_from(["district", "agency", "team", "key_point", "from", "to", "anonymise"]),
        junk,
        max_size=5,
    )
)
def test_malformed_dashboard_filters_are_explained_not_a_crash(client, auth, people, places, args):
    from people.models import Role, UserRole

    training = people["admin"]
    if not training.has_role(Role.TRAINING_TEAM):
        db.session.add(UserRole(user=training, role=Role.TRAINING_TEAM))
        db.session.commit()
    auth.login(training)
    urls, _ = places
    assert client.get(urls["collation"], query_string=args).status_code == 200
