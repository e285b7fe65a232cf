"""Every state-changing route refuses a post without a valid CSRF token: found, not listed."""

from __future__ import annotations

from datetime import date

import time_machine

from core.database import db
from people.password_links import LinkPurpose, make_token
from pledges.models import EvidenceSource
from pledges.operations import save_entry, submit_record
from pledges.review.operations import add_evidence, start_review
from supervision.operations import approve_all_remaining, start_session


def test_every_post_route_refuses_a_missing_token(app, client, auth, people, make_record):
    pat, morgan = people["practitioner"], people["manager"]
    record = make_record(pat)
    save_entry(record.entries[0], pat, {"pledge": "A pledge"}, base_revision=1)
    submit_record(record, pat)
    with time_machine.travel(date(2026, 5, 1)):
        session = start_session(morgan, supervisee=pat)
        approve_all_remaining(record, morgan, session)
    start_review(record, pat, today=date(2026, 11, 1))
    evidence = add_evidence(record.entries[0], pat, description="x", sources={EvidenceSource.SELF})
    db.session.commit()
    values = {
        "record_id": record.id,
        "entry_id": record.entries[0].id,
        "session_id": session.id,
        "evidence_id": evidence.id,
        "job_id": 1,
        "version": 1,
        "token": make_token(pat, LinkPurpose.RESET),
        "person_id": pat.id,
        "team_id": people["team"].id,
        "import_id": 1,
        "kind": "agencies",
        "place_id": people["agency"].id,
        "version_id": 1,
        "email_id": 1,
    }
    before = record.entries[0].pledge
    app.config["WTF_CSRF_ENABLED"] = True
    checked = []
    try:
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods or rule.endpoint == "static":
                continue
            url = rule.build({name: values[name] for name in rule.arguments})[1]
            for who in (pat, morgan, people["admin"]):
                auth.login(who)
                response = client.post(url, data={"pledge": "forged", "notes": "forged"})
                assert response.status_code in (400, 403, 422), (url, response.status_code)
                if response.status_code == 422:
                    assert "expired" in response.get_data(as_text=True), url
            checked.append(rule.endpoint)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert len(checked) >= 20, checked
    assert "people.sign_in" in checked
    assert "pledges.edit_entry" in checked
    assert "admin.person" in checked
    assert "people.set_password" in checked
    db.session.refresh(record)
    assert record.entries[0].pledge == before
    assert session.notes == ""
    assert pat.line_manager_id == morgan.id
    assert pat.is_active
