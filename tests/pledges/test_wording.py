"""The words pages use for counts, cut text and a record's state: each phrase from one place."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from core.database import db
from core.formatting import plural, shorten
from pledges.models import EvidenceSource
from pledges.operations import add_finding, reopen_record, save_entry, submit_record
from pledges.review.operations import add_evidence, start_review
from pledges.wording import approve_remaining_label, sign_off_sentence, status_detail
from supervision.operations import approve_all_remaining, start_session


@pytest.mark.parametrize(
    ("count", "words", "said"),
    [
        (0, ("pledge",), "0 pledges"),
        (1, ("pledge",), "1 pledge"),
        (2, ("pledge",), "2 pledges"),
        (1, ("entry", "entries"), "1 entry"),
        (3, ("entry", "entries"), "3 entries"),
        (1, ("entry was", "entries were"), "1 entry was"),
        (2, ("entry was", "entries were"), "2 entries were"),
    ],
)
def test_plural(count, words, said):
    assert plural(count, *words) == said


@pytest.mark.parametrize(
    ("text", "most", "said"),
    [
        ("Short enough", 20, "Short enough"),
        ("Working with parents, carers and agencies", 27, "Working with parents…"),
        ("Keep the child in focus: always", 26, "Keep the child in focus…"),
        ("Joint visits (police and health)", 16, "Joint visits…"),
        ("Supercalifragilistic", 10, "Supercali…"),
        ("Ends  on   a\nspace here", 12, "Ends on a…"),
    ],
)
def test_shorten_cuts_at_a_word_and_never_leaves_punctuation_before_the_ellipsis(text, most, said):
    assert shorten(text, most) == said
    assert len(shorten(text, most)) <= most


def test_approve_remaining_label():
    assert approve_remaining_label(1) == "Approve the remaining entry"
    assert approve_remaining_label(4) == "Approve all 4 remaining entries"


@pytest.fixture
def submitted(people, make_record):
    pat = people["practitioner"]
    record = make_record(pat)
    save_entry(record.entries[0], pat, {"pledge": "See children alone"}, base_revision=1)
    with time_machine.travel(date(2026, 5, 1)):
        submit_record(record, pat)
    db.session.commit()
    return record


def _sign_off(record, manager, supervisee, day=date(2026, 5, 20)):
    with time_machine.travel(day):
        approve_all_remaining(record, manager, start_session(manager, supervisee=supervisee))
    db.session.commit()


def _page(client, auth, user, record) -> str:
    auth.login(user)
    return " ".join(client.get(f"/records/{record.id}").get_data(as_text=True).split())


def test_a_submitted_record_says_who_is_signing_it_off_and_to_whom_it_went(
    client, auth, people, submitted
):
    pat = people["practitioner"]
    assert status_detail(submitted) == "submitted on 1 May 2026"
    assert sign_off_sentence(submitted, pat) == (
        "Morgan Manager is signing this record off with you in supervision."
    )
    html = _page(client, auth, pat, submitted)
    assert "Submitted for sign-off</strong> – submitted on 1 May 2026" in html
    assert "Morgan Manager is signing this record off with you in supervision." in html
    assert "Submitted to Morgan Manager for sign-off" in html  # the history
    assert "for sign-off by" not in html
    assert "This record has 1 pledge." not in html  # submitted: nothing to submit
    assert "pledge(s)" not in html


def test_a_draft_counts_its_pledges_in_words(client, auth, people, make_record):
    pat = people["practitioner"]
    record = make_record(pat)
    save_entry(record.entries[0], pat, {"pledge": "See children alone"}, base_revision=1)
    db.session.commit()
    html = _page(client, auth, pat, record)
    assert "This record has 1 pledge." in html
    assert "Morgan Manager signs this record off with you in supervision." in html
    assert status_detail(record) == ""


def test_signed_off_and_complete_records_do_not_say_anyone_is_signing_them_off(
    client, auth, people, submitted
):
    pat, morgan = people["practitioner"], people["manager"]
    _sign_off(submitted, morgan, pat)
    assert status_detail(submitted) == "signed off by Morgan Manager on 20 May 2026"
    assert sign_off_sentence(submitted, pat) == ""
    html = _page(client, auth, pat, submitted)
    assert "Signed off</strong> – signed off by Morgan Manager on 20 May 2026" in html
    assert "is signing" not in html
    assert "signs this record off" not in html

    start_review(submitted, pat, today=date(2026, 11, 20))
    add_evidence(submitted.entries[0], pat, description="Audit", sources={EvidenceSource.MANAGER})
    with time_machine.travel(date(2026, 11, 25)):
        submit_record(submitted, pat)
    db.session.commit()
    assert status_detail(submitted) == "submitted on 25 November 2026"
    html = _page(client, auth, pat, submitted)
    assert "Review submitted for sign-off</strong> – submitted on 25 November 2026" in html
    assert "Review submitted for sign-off</strong> – signed off by" not in html
    assert "Morgan Manager is signing the review off with you in supervision." in html

    _sign_off(submitted, morgan, pat, day=date(2026, 12, 1))
    assert status_detail(submitted) == "review signed off by Morgan Manager on 1 December 2026"
    html = _page(client, auth, pat, submitted)
    assert "Cycle complete</strong> – review signed off by Morgan Manager on 1 December" in html
    assert "is signing" not in html


def test_an_open_review_names_the_pledges_sign_off(people, submitted):
    pat, morgan = people["practitioner"], people["manager"]
    _sign_off(submitted, morgan, pat)
    start_review(submitted, pat, today=date(2026, 11, 20))
    assert status_detail(submitted) == "pledges signed off by Morgan Manager on 20 May 2026"
    assert sign_off_sentence(submitted, pat) == (
        "Morgan Manager signs the review off with you in supervision."
    )


def test_a_reopened_record_says_when_it_was_reopened_not_when_it_was_submitted(
    client, auth, people, submitted
):
    pat, morgan = people["practitioner"], people["manager"]
    _sign_off(submitted, morgan, pat)
    with time_machine.travel(date(2026, 6, 2)):
        reopen_record(submitted, pat)
    db.session.commit()
    assert status_detail(submitted) == "reopened on 2 June 2026"
    html = _page(client, auth, pat, submitted)
    assert "Draft</strong> – reopened on 2 June 2026 (version 2)" in html
    assert "submitted on" not in html


def test_the_session_page_approves_the_remaining_entry_in_words(client, auth, people, make_record):
    pat, morgan = people["practitioner"], people["manager"]
    record = make_record(pat)
    save_entry(record.entries[0], pat, {"pledge": "See children alone"}, base_revision=1)
    save_entry(record.entries[1], pat, {"pledge": "Record their words"}, base_revision=1)
    submit_record(record, pat)
    session = start_session(morgan, supervisee=pat)
    db.session.commit()
    auth.login(morgan)
    html = client.get(f"/supervision/sessions/{session.id}").get_data(as_text=True)
    assert "Approve all 2 remaining entries" in html
    client.post(f"/supervision/sessions/{session.id}/entries/{record.entries[0].id}/approve")
    html = client.get(f"/supervision/sessions/{session.id}").get_data(as_text=True)
    assert "Approve the remaining entry" in html
    assert "Approve all 1 remaining entries" not in html


def test_a_long_title_is_cut_without_a_comma_before_the_ellipsis(client, auth, people, make_record):
    pat = people["practitioner"]
    record = make_record(pat)
    title = "Listening " * 7 + "to the children, parents and carers in every assessment and plan"
    finding = add_finding(record, pat, title=title)
    save_entry(finding, pat, {"pledge": "Ask every child"}, base_revision=finding.revision)
    db.session.commit()
    auth.login(pat)
    html = client.get(f"/records/{record.id}/submit").get_data(as_text=True)
    assert shorten(title, 90) in html
    assert shorten(title, 90).endswith("children…")
    assert ",…" not in html
    assert ",..." not in html


def test_carrying_pledges_forward_counts_them_in_words(client, auth, people, submitted):
    pat, morgan = people["practitioner"], people["manager"]
    _sign_off(submitted, morgan, pat)
    start_review(submitted, pat, today=date(2026, 11, 20))
    add_evidence(submitted.entries[0], pat, description="Audit", sources={EvidenceSource.SELF})
    submit_record(submitted, pat)
    _sign_off(submitted, morgan, pat, day=date(2026, 12, 1))
    auth.login(pat)
    response = client.post(
        f"/records/{submitted.id}/next-cycle",
        data={"carry": [str(submitted.entries[0].id)]},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Cycle 2 has started with 1 pledge carried forward." in html
    assert "carrying forward 1 pledge from cycle 1" in html
