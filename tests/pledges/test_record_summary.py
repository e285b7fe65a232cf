"""The record page at a glance (issue 18): counts at the top, links to each key point, the
submit action near the top once the record can be submitted, and unused key points folded into
one line where nobody can fill them in."""

from __future__ import annotations

import re

from core.database import db
from pledges.operations import save_entry, submit_record
from pledges.summary import summarise


def _write(record, person, *, pledges: int, good_practice_only: int = 0):
    for entry in record.entries[:pledges]:
        save_entry(entry, person, {"pledge": f"Pledge {entry.position}"}, base_revision=1)
    for entry in record.entries[pledges : pledges + good_practice_only]:
        save_entry(entry, person, {"good_practice": "We do this"}, base_revision=1)
    db.session.commit()


def test_the_counts_come_from_the_entries(people, make_record):
    pat = people["practitioner"]
    record = make_record(pat)
    _write(record, pat, pledges=2, good_practice_only=1)
    glance = summarise(record)
    assert (glance.key_points, glance.filled, glance.pledges) == (14, 3, 2)
    assert not glance.decided
    submit_record(record, pat)
    glance = summarise(record)
    assert glance.decided
    assert (glance.approved, glance.returned, glance.awaiting) == (0, 0, 3)


def test_the_owner_sees_the_summary_links_and_submit_near_the_top(
    client, auth, people, make_record
):
    pat = people["practitioner"]
    record = make_record(pat)
    _write(record, pat, pledges=2)
    auth.login(pat)
    html = client.get(f"/records/{record.id}").get_data(as_text=True)
    top = html.split('id="area-1"')[0]
    assert "At a glance" in top
    assert re.search(r"Key points filled in</dt><dd>2 of 14", top)
    assert "Send this record for sign-off" in top
    links = re.findall(r'<li><a href="#entry-(\d+)">', top)
    assert len(links) == 14  # every point, to fill in
    assert top.count("(not filled in)") == 12
    assert "Not filled in." not in html  # twelve empty cards no longer each say so


def test_a_reader_of_a_submitted_record_sees_only_what_was_written(
    client, auth, people, make_record
):
    pat = people["practitioner"]
    record = make_record(pat)
    _write(record, pat, pledges=2)
    submit_record(record, pat)
    db.session.commit()
    auth.login(people["manager"])
    html = client.get(f"/records/{record.id}").get_data(as_text=True)
    top = html.split('id="area-1"')[0]
    assert re.search(r"Awaiting sign-off</dt><dd>2", top)
    assert len(re.findall(r'<li><a href="#entry-(\d+)">', top)) == 2
    assert "Send this record for sign-off" not in html
    assert html.count('class="entry-card"') == 2
    assert "Not filled in: " in html
