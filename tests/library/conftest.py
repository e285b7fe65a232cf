"""Signed-off records to fill the library with, through the operations the app uses."""

from __future__ import annotations

import pytest

from core.database import db
from people.models import Agency, District
from pledges.models import Sharing
from pledges.operations import save_entry, submit_record
from supervision.operations import approve_all_remaining, start_session
from tests.conftest import statements_sent


@pytest.fixture
def sign_off(make_record):
    """`sign_off(owner, manager, {entry_index: {field: text}}, sharing=...)`: a signed-off record."""

    def make(owner, manager, texts, *, sharing=Sharing.ANONYMISED, team=None):
        record = make_record(owner, team=team)
        for index, fields in texts.items():
            entry = record.entries[index]
            save_entry(entry, owner, fields, base_revision=entry.revision)
        submit_record(record, owner, sharing=sharing, personal_data_confirmed=True)
        subject = {"team": team} if team is not None else {"supervisee": owner}
        approve_all_remaining(record, manager, start_session(manager, **subject))
        db.session.commit()
        return record

    return make


@pytest.fixture
def elsewhere(make_user):
    """A practitioner and their manager in another district and agency."""
    district = District(name="High Peak")
    agency = Agency(name="Health visiting")
    db.session.add_all([district, agency])
    db.session.commit()
    manager = make_user("Mel Manager", agency=agency, district=district)
    person = make_user("Jo Elsewhere", line_manager=manager, agency=agency, district=district)
    return {"person": person, "manager": manager, "district": district, "agency": agency}


# The library's tests count statements as every page's test does.
count_queries = statements_sent
