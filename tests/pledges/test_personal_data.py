"""The personal-data warning: examples that should be flagged, and ones that should not."""

from __future__ import annotations

import pytest

from pledges.personal_data import find_in_text, nhs_check_digit_valid


def kinds(text: str) -> set[str]:
    return {kind for kind, _ in find_in_text(text)}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("His NHS number is 943 476 5919.", "An NHS number"),
        ("NHS 9434765919 on file", "An NHS number"),
        ("DOB: 12/03/2015", "A date of birth"),
        ("born on 4 May 2016", "A date of birth"),
        ("Lives at DE4 3AG with mum", "A postcode"),
        ("call 07700 900123 after school", "A phone number"),
        ("Ring 01629 580000", "A phone number"),
        ("mum's email is jo.smith@example.com", "An email address"),
        ("Jayden Smith, 12/03/2015, was seen", "A name next to a date or age"),
        ("Ellie Brown (aged 7) said", "A name next to a date or age"),
    ],
)
def test_identifying_details_are_flagged(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "I pledge to see every child alone by the end of March.",
        "Core group minutes since 12/03/2026 show the child's views first.",
        "Audit of 10 records found 9 with the child's own words.",
        "Working Together 2006 and the Children Act 1989 section 47.",
        "Review meeting 05/06/2026 agreed the plan.",
        "Team Manager 12/03/2026 signed the plan.",
        "Serious case review published 2011.",
    ],
)
def test_practice_text_is_not_flagged(text):
    assert kinds(text) == set()


def test_ten_digits_are_an_nhs_number_only_when_the_check_digit_agrees():
    assert nhs_check_digit_valid("9434765919")
    assert not nhs_check_digit_valid("9434765918")
    assert "An NHS number" not in kinds("Reference 943 476 5918")


def test_submitting_text_that_looks_identifying_needs_confirmation(
    client, auth, people, make_record
):
    from core.database import db
    from pledges.models import RecordStatus
    from pledges.operations import save_entry

    pat = people["practitioner"]
    record = make_record(pat)
    save_entry(
        record.entries[0],
        pat,
        {"pledge": "Visit Jayden Smith, 12/03/2015, weekly"},
        base_revision=1,
    )
    db.session.commit()
    auth.login(pat)
    page = client.get(f"/records/{record.id}/submit").get_data(as_text=True)
    assert "Check for identifying details" in page
    assert "A name next to a date or age" in page
    refused = client.post(f"/records/{record.id}/submit")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "confirm that none of it identifies a child or family" in html
    # The question stays, tied to its error, so it can be answered.
    assert '<a href="#not_identifying">Change the text listed below' in html
    assert 'id="not_identifying" name="not_identifying"' in html
    assert 'aria-describedby="not_identifying-error"' in html
    assert "12/03/2015" in html
    db.session.refresh(record)
    assert record.status is RecordStatus.DRAFT
    client.post(f"/records/{record.id}/submit", data={"not_identifying": "yes"})
    db.session.refresh(record)
    assert record.status is RecordStatus.SUBMITTED
