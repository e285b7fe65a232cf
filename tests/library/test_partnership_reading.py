"""The district and training teams read signed-off records (issue 17, item 1): the permission
called directly, across the record's life."""

from __future__ import annotations

from core.database import db
from people.models import Role
from pledges.models import EvidenceSource
from pledges.operations import reopen_record, submit_record
from pledges.permissions import can_read_record, can_see_review, can_view_history
from pledges.review.operations import add_evidence, save_review, start_review
from supervision.operations import approve_all_remaining, start_session


def test_the_district_and_training_teams_read_signed_off_records_only(
    people, elsewhere, sign_off, make_user, make_record
):
    pat, morgan = people["practitioner"], people["manager"]
    district_in = make_user(roles={Role.DISTRICT_TEAM}, district=people["district"])
    district_out = make_user(roles={Role.DISTRICT_TEAM}, district=elsewhere["district"])
    training = make_user(roles={Role.TRAINING_TEAM})
    draft = make_record(people["teammate"])
    people["team"].district = people["district"]
    record = sign_off(pat, morgan, {0: {"pledge": "Read me"}})
    team_record = sign_off(pat, morgan, {0: {"pledge": "Ours"}}, team=people["team"])

    for readable in (record, team_record):  # a team's district is the team's
        assert can_read_record(district_in, readable)
        assert can_read_record(training, readable)
        assert not can_read_record(district_out, readable)
        assert not can_read_record(elsewhere["person"], readable)
    for reader in (district_in, training):
        assert not can_read_record(reader, draft)
        assert not can_view_history(reader, record)

    start_review(record, pat, today=record.review_due_on)
    entry = record.entries[0]
    add_evidence(entry, pat, description="Seen", sources={EvidenceSource.MANAGER})
    save_review(entry, pat, {"judgement_value": "improved"}, base_revision=entry.revision)
    db.session.commit()
    assert can_read_record(training, record)
    assert not can_see_review(training, record)  # being written: not theirs to read yet
    assert can_see_review(pat, record)
    submit_record(record, pat)
    approve_all_remaining(record, morgan, start_session(morgan, supervisee=pat))
    db.session.commit()
    assert can_see_review(training, record)
    assert can_see_review(district_in, record)

    reopen_record(team_record, pat)
    db.session.commit()
    assert not can_read_record(training, team_record)  # a draft again until signed off again
