"""Stage 2 through the test client: starting, evidence with messages by the fields, access."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from core.database import db
from pledges.models import RecordState
from pledges.operations import save_entry, submit_record
from pledges.review.operations import start_review
from supervision.operations import approve_all_remaining, start_session


@pytest.fixture
def signed_off(people, make_record):
    pat, morgan = people["practitioner"], people["manager"]
    record = make_record(pat)
    save_entry(record.entries[0], pat, {"pledge": "See children alone"}, base_revision=1)
    submit_record(record, pat)
    with time_machine.travel(date(2026, 5, 20)):
        approve_all_remaining(record, morgan, start_session(morgan, supervisee=pat))
    db.session.commit()
    return record


def test_the_review_can_be_started_from_the_record_once_due(client, auth, people, signed_off):
    with time_machine.travel(date(2026, 11, 1)):
        auth.login(people["practitioner"])  # inside: a cookie signed in the future is refused
        html = client.get(f"/records/{signed_off.id}").get_data(as_text=True)
        assert "The review opens on 20 November 2026" in html
        client.post(f"/records/{signed_off.id}/review/start")
    db.session.refresh(signed_off)
    assert signed_off.state is RecordState.SIGNED_OFF
    with time_machine.travel(date(2026, 11, 20)):
        auth.login(people["practitioner"])
        assert "Your six-month review is open" in client.get(f"/records/{signed_off.id}").get_data(
            as_text=True
        )
        client.post(f"/records/{signed_off.id}/review/start")
    db.session.refresh(signed_off)
    assert signed_off.state is RecordState.REVIEW_OPEN


def test_evidence_errors_are_shown_next_to_their_fields(client, auth, people, signed_off):
    start_review(signed_off, people["practitioner"], today=date(2026, 11, 20))
    db.session.commit()
    auth.login(people["practitioner"])
    entry = signed_off.entries[0]
    url = f"/records/{signed_off.id}/review/{entry.id}/evidence"
    response = client.post(
        url,
        data={
            "description": "",
            "occurred_on-day": "31",
            "occurred_on-month": "2",
            "occurred_on-year": "2026",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Describe the evidence: what happened, and what it shows" in html
    assert "Date must be a real date" in html
    assert 'value="31"' in html  # what was typed is kept
    assert '<a href="#occurred_on-day">Date must be a real date</a>' in html
    assert (
        client.post(
            url, data={"description": "Parent feedback", "from_service_user": "y"}
        ).status_code
        == 302
    )
    db.session.refresh(entry)
    assert [item.source_codes for item in entry.evidence] == ["SUR"]
    page = client.get(f"/records/{signed_off.id}/review/{entry.id}").get_data(as_text=True)
    assert "What the review is judged against" in page
    assert "See children alone" in page
    bad = client.post(
        f"/records/{signed_off.id}/review/{entry.id}", data={"judgement_value": "brilliant"}
    )
    assert bad.status_code == 422
    assert "Choose one of the judgements" in bad.get_data(as_text=True)


def test_only_owners_change_the_review(client, auth, people, signed_off):
    start_review(signed_off, people["practitioner"], today=date(2026, 11, 20))
    db.session.commit()
    entry = signed_off.entries[0]
    auth.login(people["manager"])
    assert client.get(f"/records/{signed_off.id}/review/{entry.id}").status_code == 200
    assert (
        client.post(
            f"/records/{signed_off.id}/review/{entry.id}", data={"judgement_value": "worse"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/records/{signed_off.id}/review/{entry.id}/evidence", data={"description": "x"}
        ).status_code
        == 403
    )
    auth.login(people["outsider"])
    assert client.get(f"/records/{signed_off.id}/review/{entry.id}").status_code == 403
    # An entry without a pledge has no review page.
    auth.login(people["practitioner"])
    assert (
        client.get(f"/records/{signed_off.id}/review/{signed_off.entries[5].id}").status_code == 404
    )


def test_submitting_the_review_says_what_is_missing(client, auth, people, signed_off):
    start_review(signed_off, people["practitioner"], today=date(2026, 11, 20))
    db.session.commit()
    auth.login(people["practitioner"])
    response = client.post(f"/records/{signed_off.id}/submit")
    assert response.status_code == 422
    assert "Add at least one piece of evidence" in response.get_data(as_text=True)
    db.session.refresh(signed_off)
    assert signed_off.state is RecordState.REVIEW_OPEN


def test_a_stale_evidence_edit_shows_both_versions_and_keeps_the_typed_one(
    client, auth, people, signed_off
):
    from pledges.models import EvidenceSource
    from pledges.review.operations import add_evidence, update_evidence

    pat = people["practitioner"]
    start_review(signed_off, pat, today=date(2026, 11, 20))
    item = add_evidence(
        signed_off.entries[0], pat, description="First", sources={EvidenceSource.SELF}
    )
    db.session.commit()
    auth.login(pat)
    loaded_revision = item.revision
    update_evidence(
        item,
        pat,
        base_revision=loaded_revision,
        description="Saved by someone",
        occurred_on=None,
        sources={EvidenceSource.MANAGER},
    )
    db.session.commit()
    url = f"/records/{signed_off.id}/evidence/{item.id}"
    response = client.post(url, data={"revision": loaded_revision, "description": "Mine"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Someone else changed this evidence" in html
    assert "Saved by someone" in html  # theirs, shown
    assert "\nMine</textarea>" in html  # mine, kept
    revision = int(html.split('name="revision" type="hidden" value="')[1].split('"')[0])
    assert (
        client.post(
            url, data={"revision": revision, "description": "Mine", "from_self": "y"}
        ).status_code
        == 302
    )
    db.session.refresh(item)
    assert item.description == "Mine"
