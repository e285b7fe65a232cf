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


csv_cells = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ['"', '""', "=SUM(A1)", "\r", ";", "a@b.test", "administrator; admin", "\x00"]
)
csv_files = st.lists(st.lists(csv_cells, max_size=9), max_size=12).map(
    lambda rows: "\n".join(
        ["name,email,job title,agency,district,team,line manager's email,roles"]
        + [",".join(row) for row in rows]
    )
)


@SLOW
@given(content=csv_files | st.binary(max_size=400) | st.text(max_size=400))
def test_any_people_file_is_planned_or_refused_in_words(people, content):
    """An uploaded CSV is user input: it is planned, or refused with a message; never a crash."""
    from admin.people_import import ImportFileError, apply_import, plan_import

    plan, refusal = None, ""
    try:
        plan = plan_import(content)
    except ImportFileError as problem:
        refusal = str(problem)
    if plan is None:
        assert refusal
        return
    for row in plan.errors:
        assert all(problem.strip() for problem in row.problems)
    apply_import(plan, people["admin"], send_links=False)
    db.session.flush()
    db.session.rollback()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "key",
                    "version",
                    "title",
                    "source",
                    "areas",
                    "key_points",
                    "number",
                    "sub_points",
                    "additional_detail",
                    "text",
                    "items",
                    "guidance_note",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@SLOW
@given(data=json_values)
def test_any_framework_file_is_published_or_refused_in_words(data):
    import json

    from pledges.framework import FrameworkFileError, framework_from_text, publish_framework

    checked, problems = None, []
    try:
        checked = framework_from_text(json.dumps(data))
    except FrameworkFileError as error:
        problems = error.problems
    if checked is None:
        assert problems
        return
    publish_framework(checked, make_current=False)
    db.session.flush()
    db.session.rollback()
