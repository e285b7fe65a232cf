"""The identifying-details check: measured on a labelled corpus, and shown on save and submit."""

from __future__ import annotations

import pytest

from pledges.personal_data import find_in_text, nhs_check_digit_valid
from tests.pledges.personal_data_corpus import (
    HELD_OUT_IDENTIFYING,
    HELD_OUT_ORDINARY,
    IDENTIFYING,
    LATER_IDENTIFYING,
    LATER_ORDINARY,
    ORDINARY,
)
from tests.pledges.test_routes import entry_form

ALL_IDENTIFYING = IDENTIFYING + HELD_OUT_IDENTIFYING + LATER_IDENTIFYING
ALL_ORDINARY = ORDINARY + HELD_OUT_ORDINARY + LATER_ORDINARY


def kinds(text: str) -> set[str]:
    return {kind for kind, _ in find_in_text(text)}


def _rates(identifying: list[str], ordinary: list[str]) -> tuple[float, float, list, list]:
    missed = [text for text in identifying if not find_in_text(text)]
    alarms = [(text, find_in_text(text)) for text in ordinary if find_in_text(text)]
    recall = 1 - len(missed) / len(identifying)
    false_alarms = len(alarms) / len(ordinary)
    return recall, false_alarms, missed, alarms


def test_the_corpus_is_big_and_varied_enough():
    everything = ALL_IDENTIFYING + ALL_ORDINARY
    assert len(everything) >= 200
    assert len(set(everything)) == len(everything), "a sentence is in the corpus twice"


def test_recall_and_false_alarms_on_the_labelled_corpus():
    """At least 95 % of identifying sentences flagged; at most 2 % of ordinary ones."""
    for label, identifying, ordinary in (
        ("tuned on", IDENTIFYING, ORDINARY),
        ("held out", HELD_OUT_IDENTIFYING, HELD_OUT_ORDINARY),
        ("written later", LATER_IDENTIFYING, LATER_ORDINARY),
        ("all", ALL_IDENTIFYING, ALL_ORDINARY),
    ):
        recall, false_alarms, missed, alarms = _rates(identifying, ordinary)
        print(
            f"\n{label}: recall {recall:.1%} of {len(identifying)} identifying sentences, "
            f"false alarms {false_alarms:.1%} of {len(ordinary)} ordinary ones"
        )
        for text in missed:
            print(f"  missed: {text}")
        for text, found in alarms:
            print(f"  false alarm: {text} -> {[tuple(f) for f in found]}")
    recall, false_alarms, _, _ = _rates(ALL_IDENTIFYING, ALL_ORDINARY)
    assert recall >= 0.95
    assert false_alarms <= 0.02
    held_recall, held_false_alarms, _, _ = _rates(HELD_OUT_IDENTIFYING, HELD_OUT_ORDINARY)
    assert held_recall >= 0.9
    assert held_false_alarms <= 0.05


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("His NHS number is 943 476 5919.", "An NHS number"),
        ("NHS 9434765919 on file", "An NHS number"),
        ("DOB: 12/03/2015", "A date of birth"),
        ("born on 4 May 2016", "A date of birth"),
        ("Lives at DE4 3AG with mum", "A postcode"),
        ("call 07700 900123 after school", "A telephone number"),
        ("Ring 01629 580000", "A telephone number"),
        ("mum's email is jo.smith@example.com", "An email address"),
        ("Jayden Smith, 12/03/2015, was seen", "A name with a date of birth"),
        ("Ellie Brown (aged 7) said", "A name with an age"),
        ("Jayden Smith, 4, lives with his nan", "A name with an age"),
        ("Spoke to his stepfather, Lee Barker, at home", "A name with a family role"),
        ("14 Elm Street", "A house number and street"),
        ("She attends Brimington Junior School.", "A school or class"),
    ],
)
def test_identifying_details_are_flagged(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "I pledge to see every child alone by the end of March.",
        "I will complete this by 1 March 2027.",
        "Core group minutes since 12/03/2026 show the child's views first.",
        "Audit of 10 records found 9 with the child's own words.",
        "Working Together 2006 and the Children Act 1989 section 47.",
        "Review meeting 05/06/2026 agreed the plan.",
        "Team Manager 12/03/2026 signed the plan.",
        "Serious case review published 2011.",
        "Year 6 pupils, 10 and 11 years old, will have a session on consent.",
        "Email referrals to starting.point@derbyshire.gov.uk.",
        "A 10 minute walk from the office.",
        "In Bolsover, 12 referrals came from schools.",
    ],
)
def test_practice_text_is_not_flagged(text):
    assert kinds(text) == set()


def test_names_are_matched_with_their_capital_letters():
    assert "A name with an age" in kinds("Mason, 12, refused")
    assert kinds("mason, 12, refused") == set()


def test_each_finding_is_reported_once_with_its_reason():
    found = find_in_text("Jayden Smith, DOB 12/03/2015, NHS 943 476 5919.")
    assert [tuple(f) for f in found] == [
        ("A name with a date of birth", "Jayden Smith, DOB 12/03/2015"),
        ("An NHS number", "943 476 5919"),
    ]
    assert "check digit" in found[1].why


def test_ten_digits_are_an_nhs_number_only_when_the_check_digit_agrees():
    assert nhs_check_digit_valid("9434765919")
    assert not nhs_check_digit_valid("9434765918")
    assert "An NHS number" not in kinds("Reference 943 476 5918")


def test_submitting_text_that_looks_identifying_needs_confirmation(
    client, auth, people, make_record
):
    from core.database import db
    from pledges.models import RecordState
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
    assert "A name with a date of birth" in page
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
    assert record.state is RecordState.DRAFT
    client.post(f"/records/{record.id}/submit", data={"not_identifying": "yes"})
    db.session.refresh(record)
    assert record.state is RecordState.SUBMITTED


def test_saving_identifying_text_saves_it_and_says_which_words_and_why(
    client, auth, people, make_record
):
    from core.database import db

    pat = people["practitioner"]
    record = make_record(pat)
    entry = record.entries[0]
    auth.login(pat)
    response = client.post(
        f"/records/{record.id}/entries/{entry.id}",
        data=entry_form(
            entry, pledge="Visit Jayden Smith, 4, who lives with his nan, at 14 Elm Street."
        ),
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    db.session.refresh(entry)
    assert entry.pledge.startswith("Visit Jayden Smith")  # never blocked
    assert "Saved." in html
    assert "some words may identify a child or family" in html
    assert (
        "“Jayden Smith, 4” in Pledge (a name followed (or preceded) by someone&#39;s age)" in html
    )
    assert "“14 Elm Street” in Pledge (a number followed by a street&#39;s name)" in html


def test_saving_ordinary_text_with_a_deadline_gives_no_hint(client, auth, people, make_record):
    pat = people["practitioner"]
    record = make_record(pat)
    entry = record.entries[0]
    auth.login(pat)
    html = client.post(
        f"/records/{record.id}/entries/{entry.id}",
        data=entry_form(entry, pledge="I will complete this by 1 March 2027."),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Saved." in html
    assert "may identify" not in html


def test_the_hint_after_saving_stays_short_however_much_is_found():
    from types import SimpleNamespace

    from pledges.models import ENTRY_TEXT_FIELDS
    from pledges.personal_data import hint_after_saving

    crowded = " ".join(f"Child{n} Smith, {n % 15 + 1}, lives at {n} Elm Street." for n in range(40))
    entry = SimpleNamespace(
        title="T" * 500,
        is_added_finding=False,
        evidence=[],
        what_next="",
        **dict.fromkeys(ENTRY_TEXT_FIELDS, crowded),
    )
    hint = hint_after_saving(entry)
    assert "and 395 more" in hint
    assert len(hint) < 1500
    entry_without = SimpleNamespace(
        title="Voice of the child",
        is_added_finding=False,
        evidence=[],
        what_next="Carry on.",
        **dict.fromkeys(ENTRY_TEXT_FIELDS, "I will complete this by 1 March 2027."),
    )
    assert hint_after_saving(entry_without) is None
