"""The three-way merge of an entry (base, theirs, mine), as a function and through the pages:
only fields both people changed are a conflict, and a field only one changed keeps their text."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from core.database import db
from pledges.merge import merge_fields
from pledges.models import Entry
from pledges.operations import save_entry
from tests.concurrency import signed_in_client
from tests.pledges.test_routes import entry_form

BASE = {"good_practice": "", "pledge": "Old pledge", "helps": "", "hinders": ""}


def test_nobody_else_saved_so_mine_is_taken():
    merge = merge_fields(BASE, BASE, {"pledge": "New pledge", "helps": "Time"})
    assert merge.values == {**BASE, "pledge": "New pledge", "helps": "Time"}
    assert merge.conflicts == []


def test_a_field_only_they_changed_keeps_their_text():
    theirs = {**BASE, "helps": "Priya's help"}
    merge = merge_fields(BASE, theirs, dict(BASE))
    assert merge.values["helps"] == "Priya's help"
    assert merge.conflicts == []


def test_a_field_only_i_changed_takes_mine_beside_theirs():
    theirs = {**BASE, "helps": "Priya's help"}
    merge = merge_fields(BASE, theirs, {**BASE, "hinders": "Tom's hindrance"})
    assert merge.values == {**BASE, "helps": "Priya's help", "hinders": "Tom's hindrance"}
    assert merge.conflicts == []


def test_a_field_both_changed_differently_is_the_only_conflict_and_keeps_theirs():
    theirs = {**BASE, "good_practice": "Priya's example", "helps": "Priya's help"}
    mine = {**BASE, "good_practice": "Tom's example", "hinders": "Tom's hindrance"}
    merge = merge_fields(BASE, theirs, mine)
    assert merge.conflicts == ["good_practice"]
    assert merge.values == {
        **BASE,
        "good_practice": "Priya's example",
        "helps": "Priya's help",
        "hinders": "Tom's hindrance",
    }


def test_both_making_the_same_change_is_no_conflict():
    theirs = {**BASE, "pledge": "Same"}
    merge = merge_fields(BASE, theirs, {"pledge": "Same"})
    assert merge.values["pledge"] == "Same"
    assert merge.conflicts == []


def test_choosing_theirs_keeps_theirs_and_an_unknown_base_is_a_conflict():
    theirs = {**BASE, "pledge": "Theirs"}
    assert merge_fields(BASE, theirs, {"pledge": "Mine"}, keep_theirs={"pledge"}).values == theirs
    unknown = merge_fields({}, theirs, {"pledge": "Mine"})
    assert unknown.conflicts == ["pledge"]
    assert merge_fields({}, theirs, {"pledge": "Theirs"}).conflicts == []


def test_fields_not_posted_are_left_as_saved():
    theirs = {**BASE, "helps": "Kept"}
    assert merge_fields(BASE, theirs, {}).values == theirs


def _page_form(page: str) -> dict[str, str]:
    """What the browser would post back from this page, as it stands."""
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        data[name] = html.unescape(value)
    for name, value in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S
    ):
        data[name] = html.unescape(value).removeprefix("\r\n").removeprefix("\n")
    for name in set(re.findall(r'name="(choice_[^"]+)"', page)):
        data[name] = "mine"
    data["then"] = "stay"
    return data


def test_the_conflict_page_keeps_the_fields_only_the_other_person_changed(app, people, make_record):
    """Priya saves "Examples" and "Factors that will help"; Tom, with the entry open, changes
    "Examples" and "Factors that may hinder" and saves second. Only "Examples" is a conflict;
    her "helps" is on his page and survives him combining the texts and saving."""
    priya, tom = people["practitioner"], people["teammate"]
    record = make_record(priya, team=people["team"])
    entry = record.entries[0]
    url = f"/records/{record.id}/entries/{entry.id}"
    loaded_by_tom = entry_form(entry)

    saved = signed_in_client(app, priya).post(
        url, data=entry_form(entry, good_practice="Priya's example", helps="Priya's help")
    )
    assert saved.status_code == 302

    tom_client = signed_in_client(app, tom)
    conflict = tom_client.post(
        url,
        data={**loaded_by_tom, "good_practice": "Tom's example", "hinders": "Tom's hindrance"},
    )
    assert conflict.status_code == 409
    page = conflict.get_data(as_text=True)
    assert 'id="conflict-good_practice"' in page
    assert 'id="conflict-helps"' not in page
    assert 'id="conflict-hinders"' not in page
    db.session.refresh(entry)
    assert entry.helps == "Priya's help"  # hers stands
    assert entry.hinders == "Tom's hindrance"  # his, only he changed it, is saved
    assert entry.good_practice == "Priya's example"  # the conflict waits for Tom

    form = _page_form(page)
    assert form["helps"] == "Priya's help"  # shown as saved, not as his (empty) copy
    assert form["good_practice"] == "Tom's example"  # his text, in the box
    form["good_practice"] = "Priya's example, and Tom's example"
    assert tom_client.post(url, data=form).status_code == 302
    db.session.refresh(entry)
    assert entry.good_practice == "Priya's example, and Tom's example"
    assert entry.helps == "Priya's help"
    assert entry.hinders == "Tom's hindrance"


def _saved_behind_the_sessions_back(entry, **texts) -> None:
    """Another connection's save, as the database sees it: the row changes and its revision
    rises, while this session still holds the entry as it read it."""
    db.session.execute(
        sa.update(Entry)
        .where(Entry.id == entry.id)
        .values(revision=Entry.revision + 1, **texts)
        .execution_options(synchronize_session=False)
    )


def test_a_save_that_lost_the_race_is_merged_again_not_written_over(people, make_record):
    """The logic of a lost race, on any database: the UPDATE carries the revision read, finds
    the row moved on, and the save is merged with what was saved instead of overwriting it."""
    pat = people["practitioner"]
    entry = make_record(pat).entries[0]
    assert entry.revision == 1
    _saved_behind_the_sessions_back(entry, pledge="Theirs", helps="Their help")

    outcome = save_entry(
        entry,
        pat,
        {"pledge": "Mine", "hinders": "My hindrance"},
        base_revision=1,
        originals={"pledge": "", "hinders": ""},
    )
    assert list(outcome.conflicts) == ["pledge"]
    assert outcome.conflicts["pledge"].theirs == "Theirs"
    db.session.commit()
    db.session.refresh(entry)
    assert (entry.pledge, entry.helps, entry.hinders) == ("Theirs", "Their help", "My hindrance")
    assert entry.revision == 3


def test_a_lost_race_on_other_fields_keeps_both(people, make_record):
    pat = people["practitioner"]
    entry = make_record(pat).entries[0]
    loaded = entry.text_values()
    _saved_behind_the_sessions_back(entry, helps="Their help")
    outcome = save_entry(
        entry, pat, {**loaded, "hinders": "My hindrance"}, base_revision=1, originals=loaded
    )
    assert not outcome.conflicts
    db.session.commit()
    db.session.refresh(entry)
    assert (entry.helps, entry.hinders) == ("Their help", "My hindrance")
    assert entry.revision == 3
