"""Stage 1 operations, called directly: starting, saving with merges and conflicts, submitting."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.database import db
from core.errors import ActionRefused
from pledges.models import Entry, RecordState, pledge_count_clause
from pledges.operations import (
    add_finding,
    remove_finding,
    save_entry,
    start_record,
    submission_problems,
    submit_record,
    update_record_details,
)


def test_a_record_starts_with_one_entry_per_key_point_and_the_profile_details(people, framework):
    practitioner = people["practitioner"]
    record = start_record(practitioner)
    assert record.state is RecordState.DRAFT
    assert [entry.key_point.number for entry in record.entries] == list(range(1, 15))
    assert record.framework_version == framework
    assert record.name == "Pat Practitioner"
    assert record.work_base_address == "Area Office\n1 Station Road"
    assert record.telephone == "01629 000001"
    assert record.email == practitioner.email
    assert [event.action for event in record.events] == ["started"]


def test_a_team_record_belongs_to_the_team_and_is_named_after_it(people, framework):
    record = start_record(people["teammate"], team=people["team"])
    assert record.team == people["team"]
    assert record.owner is None
    assert record.name == "North team"
    assert record.owners == [people["practitioner"], people["teammate"]]
    assert record.signing_manager == people["manager"]


def test_only_members_start_a_team_record(people, framework):
    with pytest.raises(ActionRefused, match="not a member of North team"):
        start_record(people["outsider"], team=people["team"])


def test_a_second_record_for_the_same_owner_is_refused(people, make_record):
    make_record(people["practitioner"])
    with pytest.raises(ActionRefused, match="already have a record"):
        start_record(people["practitioner"])
    make_record(people["practitioner"], team=people["team"])
    with pytest.raises(ActionRefused, match="North team already has a record"):
        start_record(people["teammate"], team=people["team"])


def test_starting_without_a_published_framework_is_refused(people):
    with pytest.raises(ActionRefused, match="No framework has been published"):
        start_record(people["practitioner"])


def test_saving_keeps_the_text_as_typed_and_records_what_changed(people, make_record):
    practitioner = people["practitioner"]
    record = make_record(practitioner)
    entry = record.entries[0]
    outcome = save_entry(
        entry,
        practitioner,
        {"pledge": "I pledge to see every child alone.\r\nEvery time.", "helps": "Supervision"},
        base_revision=1,
    )
    assert outcome.changed_fields == ["pledge", "helps"]
    assert entry.pledge == "I pledge to see every child alone.\nEvery time."
    assert entry.revision == 2
    assert entry.updated_by == practitioner
    event = record.events[-1]
    assert event.action == "saved"
    assert event.changes == {
        "pledge": {"from": "", "to": "I pledge to see every child alone.\nEvery time."},
        "helps": {"from": "", "to": "Supervision"},
    }


def test_saving_unchanged_text_changes_nothing(people, make_record):
    record = make_record(people["practitioner"])
    entry = record.entries[0]
    outcome = save_entry(entry, people["practitioner"], {"pledge": ""}, base_revision=1)
    assert outcome.changed_fields == []
    assert entry.revision == 1
    assert [event.action for event in record.events] == ["started"]


def _two_editors_open_the_same_entry(people, make_record):
    record = make_record(people["teammate"], team=people["team"])
    entry = record.entries[1]
    save_entry(entry, people["teammate"], {"pledge": "First words"}, base_revision=1)
    loaded = {"revision": entry.revision, "originals": entry.text_values()}
    return record, entry, loaded


def test_a_second_editor_changing_other_fields_merges_without_conflict(people, make_record):
    _record, entry, loaded = _two_editors_open_the_same_entry(people, make_record)
    # The practitioner saves the pledge first...
    save_entry(
        entry,
        people["practitioner"],
        {"pledge": "Pat's pledge"},
        base_revision=loaded["revision"],
        originals=loaded["originals"],
    )
    # ...then the teammate, from the page they loaded before, saves the helps only.
    outcome = save_entry(
        entry,
        people["teammate"],
        {"pledge": "First words", "helps": "Terry's helps"},
        base_revision=loaded["revision"],
        originals=loaded["originals"],
    )
    assert not outcome.has_conflicts
    assert entry.pledge == "Pat's pledge"
    assert entry.helps == "Terry's helps"


def test_two_editors_changing_the_same_field_get_a_conflict_and_nothing_is_lost(
    people, make_record
):
    _record, entry, loaded = _two_editors_open_the_same_entry(people, make_record)
    save_entry(
        entry,
        people["practitioner"],
        {"pledge": "Pat's pledge"},
        base_revision=loaded["revision"],
        originals=loaded["originals"],
    )
    outcome = save_entry(
        entry,
        people["teammate"],
        {"pledge": "Terry's pledge", "hinders": "Time"},
        base_revision=loaded["revision"],
        originals=loaded["originals"],
    )
    assert set(outcome.conflicts) == {"pledge"}
    conflict = outcome.conflicts["pledge"]
    assert conflict.mine == "Terry's pledge"
    assert conflict.theirs == "Pat's pledge"
    assert conflict.saved_by == people["practitioner"]
    assert entry.pledge == "Pat's pledge"  # the first save is not overwritten
    assert entry.hinders == "Time"  # the teammate's other change is kept

    # The teammate chooses: keep the saved text, now from the current revision.
    save_entry(
        entry,
        people["teammate"],
        {"pledge": "Terry's pledge"},
        base_revision=entry.revision,
        keep_theirs={"pledge"},
    )
    assert entry.pledge == "Pat's pledge"
    # Or keep their own text.
    save_entry(
        entry, people["teammate"], {"pledge": "Terry's pledge"}, base_revision=entry.revision
    )
    assert entry.pledge == "Terry's pledge"


def test_a_stale_save_without_originals_never_overwrites(people, make_record):
    _record, entry, _loaded = _two_editors_open_the_same_entry(people, make_record)
    save_entry(entry, people["practitioner"], {"pledge": "Saved first"}, base_revision=2)
    outcome = save_entry(entry, people["teammate"], {"pledge": "Mine"}, base_revision=2)
    assert set(outcome.conflicts) == {"pledge"}
    assert entry.pledge == "Saved first"


def test_added_findings_are_numbered_after_the_key_points_and_can_be_removed(people, make_record):
    practitioner = people["practitioner"]
    record = make_record(practitioner)
    first = add_finding(record, practitioner, title="Lesson one", source="A review")
    second = add_finding(record, practitioner, title="Lesson two")
    assert record.added_findings == [first, second]
    assert first.position > record.key_point_entries[-1].position
    assert first.title == "Lesson one"
    save_entry(second, practitioner, {"pledge": "Do it"}, base_revision=second.revision)
    remove_finding(second, practitioner)
    db.session.flush()
    assert record.added_findings == [first]
    removal = record.events[-1]
    assert removal.action == "finding_removed"
    assert removal.changes["pledge"] == {"from": "Do it", "to": ""}


def test_an_added_finding_needs_a_title_and_keeps_it(people, make_record):
    practitioner = people["practitioner"]
    record = make_record(practitioner)
    with pytest.raises(ActionRefused, match="Enter the finding"):
        add_finding(record, practitioner, title="   ")
    finding = add_finding(record, practitioner, title="A lesson")
    save_entry(finding, practitioner, {"finding_title": ""}, base_revision=finding.revision)
    assert finding.finding_title == "A lesson"


def test_key_points_cannot_be_removed(people, make_record):
    record = make_record(people["practitioner"])
    with pytest.raises(ActionRefused, match="cannot be removed"):
        remove_finding(record.entries[0], people["practitioner"])


def test_submitting_needs_a_pledge_and_someone_to_sign_off(people, make_record, make_user):
    practitioner = people["practitioner"]
    record = make_record(practitioner)
    save_entry(record.entries[0], practitioner, {"good_practice": "Some"}, base_revision=1)
    assert submission_problems(record) == ["Write a pledge for at least one key point or finding."]
    with pytest.raises(ActionRefused) as refusal:
        submit_record(record, practitioner)
    assert refusal.value.problems == ["Write a pledge for at least one key point or finding."]

    loner = make_user("No Manager")
    loners_record = start_record(loner)
    save_entry(loners_record.entries[0], loner, {"pledge": "Something"}, base_revision=1)
    assert submission_problems(loners_record) == [
        "You have no line manager recorded to sign your record off. Ask your administrator."
    ]


def test_a_submitted_record_is_locked_to_its_owners(people, make_record):
    practitioner = people["practitioner"]
    record = make_record(practitioner)
    save_entry(record.entries[3], practitioner, {"pledge": "A pledge"}, base_revision=1)
    submit_record(record, practitioner)
    assert record.state is RecordState.SUBMITTED
    assert record.submitted_at is not None
    assert record.events[-1].summary == "Submitted to Morgan Manager for sign-off"
    with pytest.raises(ActionRefused, match="submitted for sign-off"):
        save_entry(record.entries[3], practitioner, {"pledge": "Changed"}, base_revision=2)
    with pytest.raises(ActionRefused):
        add_finding(record, practitioner, title="Late")
    with pytest.raises(ActionRefused):
        update_record_details(record, practitioner, {"name": "New"})
    with pytest.raises(ActionRefused):
        submit_record(record, practitioner)
    assert record.entries[3].pledge == "A pledge"


def test_record_details_can_be_changed_on_the_record_only(people, make_record):
    practitioner = people["practitioner"]
    record = make_record(practitioner)
    assert update_record_details(record, practitioner, {"telephone": " 01234 567890 "})
    assert record.telephone == "01234 567890"
    assert practitioner.telephone == "01629 000001"
    assert record.events[-1].changes == {
        "telephone": {"from": "01629 000001", "to": "01234 567890"}
    }
    assert not update_record_details(record, practitioner, {"telephone": "01234 567890"})


@pytest.mark.parametrize(
    "pledges",
    [
        ["", "", ""],
        ["Ask the child first", "", "   "],
        [" I will ", "\n\t", "\r\n", "Three\nlines", "\f\v x"],
    ],
)
def test_a_records_pledges_counted_in_sql_agree_with_its_entries(people, make_record, pledges):
    """My records counts pledges in SQL (`pledge_count_clause`); the record page counts its
    loaded entries. Text that is only blank characters is no pledge to either."""
    record = make_record(people["practitioner"])
    for entry, text in zip(record.entries, pledges, strict=False):
        entry.pledge = text  # as stored, not as a save would strip it
    db.session.commit()

    from_entries = record.pledge_count
    in_sql = db.session.scalar(sa.select(pledge_count_clause(record.id)))
    assert in_sql == from_entries == sum(1 for text in pledges if text.strip())
    assert db.session.scalar(sa.select(sa.func.count()).where(Entry.has_pledge)) == in_sql
