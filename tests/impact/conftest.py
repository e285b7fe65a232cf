"""The impact tests' county, made through the app's own operations; the library tests'
organisation in another district serves them too."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from core.clock import LONDON
from core.database import db
from pledges.models import EvidenceSource
from pledges.operations import save_entry, submit_record
from pledges.review.operations import add_evidence, save_review, start_review
from supervision.operations import approve_all_remaining, start_session
from tests.library.conftest import elsewhere  # noqa: F401  (a fixture)


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=LONDON))


@pytest.fixture
def county(people, elsewhere, make_record):  # noqa: F811  (the fixture imported above)
    """Pat (Chesterfield): submitted 1 March, signed off 20 March (in its month); review due
    20 September, handed in 25 September with SR and MR evidence, judged improved, signed off
    30 September. Jo (High Peak): submitted 1 April, signed off 15 June (late); review due
    15 December. Terry: a draft, never submitted."""
    pat, morgan = people["practitioner"], people["manager"]
    jo, mel = elsewhere["person"], elsewhere["manager"]
    with at(date(2026, 3, 1)):
        mine = make_record(pat)
        save_entry(mine.entries[0], pat, {"pledge": "See children alone"}, base_revision=1)
        save_entry(mine.entries[1], pat, {"pledge": "Write it down"}, base_revision=1)
        submit_record(mine, pat)
    with at(date(2026, 3, 20)):
        approve_all_remaining(mine, morgan, start_session(morgan, supervisee=pat))
    with at(date(2026, 9, 20)):
        start_review(mine, pat, today=date(2026, 9, 20))
        entry = mine.entries[0]
        add_evidence(
            entry,
            pat,
            description="Manager saw it",
            sources={EvidenceSource.SELF, EvidenceSource.MANAGER},
        )
        save_review(entry, pat, {"judgement_value": "improved"}, base_revision=entry.revision)
        other = mine.entries[1]
        add_evidence(other, pat, description="I did", sources={EvidenceSource.SELF})
        save_review(other, pat, {"judgement_value": "worse"}, base_revision=other.revision)
    with at(date(2026, 9, 25)):
        submit_record(mine, pat)
    with at(date(2026, 9, 30)):
        approve_all_remaining(mine, morgan, start_session(morgan, supervisee=pat))
    with at(date(2026, 4, 1)):
        theirs = make_record(jo)
        save_entry(theirs.entries[3], jo, {"pledge": "Share sooner"}, base_revision=1)
        submit_record(theirs, jo)
    with at(date(2026, 6, 15)):
        approve_all_remaining(theirs, mel, start_session(mel, supervisee=jo))
    draft = make_record(people["teammate"])
    save_entry(draft.entries[0], people["teammate"], {"pledge": "Not yet"}, base_revision=1)
    db.session.commit()
    return {"mine": mine, "theirs": theirs}
