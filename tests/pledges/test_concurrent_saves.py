"""Two people saving the same entry, review or evidence at the same moment, through two real
connections on PostgreSQL: the database decides who was first, and nothing typed is lost."""

from __future__ import annotations

import pytest

from core.database import db
from pledges.models import Entry, Evidence
from pledges.operations import save_entry, submit_record
from pledges.review.operations import add_evidence, start_review
from supervision.operations import approve_all_remaining, start_session
from tests.concurrency import post_at_once
from tests.pledges.test_routes import entry_form

pytestmark = pytest.mark.usefixtures("postgresql_only")

ROUNDS = 5


def test_two_people_saving_the_same_field_at_once_never_both_hear_saved(app, people, make_record):
    priya, tom = people["practitioner"], people["teammate"]
    record = make_record(priya, team=people["team"])
    entry = record.entries[0]
    url = f"/records/{record.id}/entries/{entry.id}"
    for round_ in range(ROUNDS):
        db.session.refresh(entry)
        before = entry.revision
        loaded = entry_form(entry)
        texts = (f"Priya's pledge {round_}", f"Tom's pledge {round_}")
        responses = post_at_once(
            app,
            [
                (priya, url, {**loaded, "pledge": texts[0]}),
                (tom, url, {**loaded, "pledge": texts[1]}),
            ],
        )
        statuses = sorted(response.status_code for response in responses)
        assert statuses == [302, 409], f"round {round_}: both were told 'Saved'"
        saved = db.session.get(Entry, entry.id)
        assert saved.revision == before + 1
        assert saved.pledge in texts
        (loser,) = [r for r in responses if r.status_code == 409]
        other = texts[1] if saved.pledge == texts[0] else texts[0]
        page = loser.get_data(as_text=True).replace("&#39;", "'")
        assert saved.pledge in page  # theirs, shown
        assert other in page  # mine, still in the box


def test_two_people_saving_different_fields_at_once_both_keep_their_text(app, people, make_record):
    priya, tom = people["practitioner"], people["teammate"]
    record = make_record(priya, team=people["team"])
    entry = record.entries[1]
    url = f"/records/{record.id}/entries/{entry.id}"
    for round_ in range(ROUNDS):
        db.session.refresh(entry)
        before = entry.revision
        loaded = entry_form(entry)
        responses = post_at_once(
            app,
            [
                (priya, url, {**loaded, "helps": f"Help {round_}"}),
                (tom, url, {**loaded, "hinders": f"Hindrance {round_}"}),
            ],
        )
        assert [r.status_code for r in responses] == [302, 302]
        saved = db.session.get(Entry, entry.id)
        assert (saved.helps, saved.hinders) == (f"Help {round_}", f"Hindrance {round_}")
        assert saved.revision == before + 2


@pytest.fixture
def in_review(people, make_record):
    pat, morgan = people["practitioner"], people["manager"]
    record = make_record(pat, team=people["team"])
    save_entry(record.entries[0], pat, {"pledge": "See children alone"}, base_revision=1)
    submit_record(record, pat)
    approve_all_remaining(record, morgan, start_session(morgan, team=people["team"]))
    start_review(record, pat, today=record.review_due_on)
    db.session.commit()
    return record


def test_two_people_saving_the_same_review_at_once_never_both_hear_saved(app, people, in_review):
    entry = in_review.entries[0]
    url = f"/records/{in_review.id}/review/{entry.id}"
    for round_ in range(ROUNDS):
        db.session.refresh(entry)
        before = entry.revision
        loaded = {
            "revision": before,
            "judgement_value": entry.judgement_value,
            "original_judgement_value": entry.judgement_value,
            "what_next": entry.what_next,
            "original_what_next": entry.what_next,
        }
        texts = (f"Audit monthly {round_}", f"Share the audit {round_}")
        responses = post_at_once(
            app,
            [
                (people["practitioner"], url, {**loaded, "what_next": texts[0]}),
                (people["teammate"], url, {**loaded, "what_next": texts[1]}),
            ],
        )
        assert sorted(r.status_code for r in responses) == [302, 409]
        saved = db.session.get(Entry, entry.id)
        assert saved.what_next in texts
        assert saved.revision == before + 1


def test_two_people_changing_the_same_evidence_at_once_lose_nothing(app, people, in_review):
    entry = in_review.entries[0]
    item = add_evidence(entry, people["practitioner"], description="A case audit.")
    db.session.commit()
    url = f"/records/{in_review.id}/evidence/{item.id}"
    for round_ in range(ROUNDS):
        db.session.refresh(item)
        before = item.revision
        texts = (f"Audit of ten cases {round_}", f"Audit of twelve cases {round_}")
        responses = post_at_once(
            app,
            [
                (person, url, {"revision": before, "description": text, "from_self": "y"})
                for person, text in zip(
                    (people["practitioner"], people["teammate"]), texts, strict=True
                )
            ],
        )
        assert sorted(r.status_code for r in responses) == [302, 422]
        saved = db.session.get(Evidence, item.id)
        assert saved.description in texts
        assert saved.revision == before + 1
        (refused,) = [r for r in responses if r.status_code == 422]
        assert "Someone else changed this evidence" in refused.get_data(as_text=True)
