"""The good-practice library: what is shared and how, the search on either database, featuring,
who may do what, and a page whose cost does not grow with the county."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from core.database import db
from core.errors import ActionRefused
from library.models import FeaturedEntry
from library.operations import feature_entry, screen_unchecked_records
from library.queries import LibraryFilters, library_page
from people.models import Role
from pledges.models import Entry, Sharing
from pledges.operations import reopen_record, save_entry, submit_record
from tests.conftest import csrf_token_from
from tests.library.conftest import count_queries


def titles(filters=None, page=1):
    return [item.title for item in library_page(filters or LibraryFilters(), page).items]


def find(words="", **filters):
    return library_page(LibraryFilters(words=words, **filters)).items


def test_a_named_entry_shows_its_owner_and_an_anonymised_one_agency_and_district_only(
    people, elsewhere, sign_off
):
    sign_off(
        people["practitioner"],
        people["manager"],
        {0: {"good_practice": "Named: we visit children at school", "pledge": "Keep it up"}},
        sharing=Sharing.NAMED,
    )
    sign_off(
        elsewhere["person"],
        elsewhere["manager"],
        {1: {"good_practice": "Anonymous: chronologies kept weekly", "pledge": "Weekly"}},
    )
    named, anonymised = sorted(find(), key=lambda item: item.good_practice.startswith("Anon"))
    assert named.shared_by == "Pat Practitioner"
    assert (named.agency, named.district) == ("Children's social care", "Chesterfield")
    assert named.pledge == "Keep it up"
    assert anonymised.shared_by == ""
    assert (anonymised.agency, anonymised.district) == ("Health visiting", "High Peak")


def test_a_team_record_shared_with_its_name_shows_the_team(people, sign_off):
    sign_off(
        people["practitioner"],
        people["manager"],
        {0: {"pledge": "Joint visits with health"}},
        sharing=Sharing.NAMED,
        team=people["team"],
    )
    [item] = find()
    assert item.shared_by == "North team"


def test_not_shared_drafts_and_submitted_records_never_appear(
    people, elsewhere, sign_off, make_record
):
    sign_off(
        people["practitioner"],
        people["manager"],
        {0: {"good_practice": "Secret garden practice", "pledge": "Secret"}},
        sharing=Sharing.NOT_SHARED,
    )
    draft = make_record(elsewhere["person"])
    save_entry(draft.entries[0], elsewhere["person"], {"pledge": "Secret draft"}, base_revision=1)
    submitted = make_record(people["teammate"])
    save_entry(submitted.entries[0], people["teammate"], {"pledge": "Secret sent"}, base_revision=1)
    submit_record(submitted, people["teammate"])
    db.session.commit()
    assert find() == []
    assert find("secret") == []


def test_an_entry_the_identifying_details_check_flags_is_withheld(people, sign_off):
    record = sign_off(
        people["practitioner"],
        people["manager"],
        {
            0: {"good_practice": "Visited Jayden (aged 4) at home"},
            1: {"good_practice": "Supervision every month", "pledge": "Monthly"},
        },
        sharing=Sharing.NAMED,
    )
    assert record.entries[0].shared_text_flagged is True
    assert record.entries[1].shared_text_flagged is False
    assert [item.good_practice for item in find()] == ["Supervision every month"]
    assert find("Jayden") == []


def test_records_signed_off_before_the_library_are_withheld_until_checked(people, sign_off):
    record = sign_off(people["practitioner"], people["manager"], {0: {"pledge": "Old pledge"}})
    for entry in record.entries:
        entry.shared_text_flagged = None
    db.session.commit()
    assert find() == []
    assert screen_unchecked_records() == 1
    db.session.commit()
    assert [item.pledge for item in find()] == ["Old pledge"]
    assert screen_unchecked_records() == 0


def test_a_reopened_record_leaves_the_library_until_signed_off_again(people, sign_off):
    record = sign_off(people["practitioner"], people["manager"], {0: {"pledge": "Reopen me"}})
    assert len(find()) == 1
    reopen_record(record, people["practitioner"])
    db.session.commit()
    assert find() == []


def test_search_finds_words_in_good_practice_or_pledge_with_english_stemming(people, sign_off):
    sign_off(
        people["practitioner"],
        people["manager"],
        {
            0: {"good_practice": "Visiting families together with the health visitor"},
            1: {"pledge": "Record every chronology within a week"},
            2: {"good_practice": "Nothing to see here"},
            3: {"pledge": "Café mornings: naïve"},
        },
    )
    assert [item.good_practice for item in find("visits")] == [
        "Visiting families together with the health visitor"
    ]
    assert [item.pledge for item in find("chronologies week")] == [
        "Record every chronology within a week"
    ]
    assert find("chronology health") == []  # every word, as a search box usually means
    assert len(find("")) == 4
    # Words beyond ASCII are written into the SQL as they are.
    assert [item.pledge for item in find("café naïve")] == ["Café mornings: naïve"]
    # Quotes and backslashes around a word are not words: the word is still found.
    assert len(find("'visits\\' --")) == 1
    assert len(find('"week" chronology\'')) == 1


@pytest.mark.parametrize("words", ['"', "AND", "NEAR(", "pledge:x", "*", "OR -", "'; DROP"])
def test_search_syntax_typed_by_a_person_is_taken_as_words(people, sign_off, words):
    sign_off(people["practitioner"], people["manager"], {0: {"pledge": "AND NEAR pledge"}})
    find(words)  # no error: operators are quoted or dropped


def test_a_search_is_sent_with_its_values_written_in(people, elsewhere, sign_off):
    """Issue 14: the library's statements carry their values, the words searched included, in
    their SQL, so that PostgreSQL has one plan for each, made once when psycopg prepares it.
    Sent as parameters, a word searched was planned again on every request (half its time)."""
    sign_off(people["practitioner"], people["manager"], {0: {"pledge": "Weekly chronology"}})
    sent: list = []

    def after(connection, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    sa.event.listen(db.engine, "after_cursor_execute", after)
    try:
        found = find("chronologies", district_id=people["district"].id)
        find(key_point_number=1, agency_id=people["agency"].id)
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", after)
    assert [item.pledge for item in found] == ["Weekly chronology"]
    entries = [(statement, parameters) for statement, parameters in sent if "entries" in statement]
    assert len(entries) >= 3
    # (SQLite's compiler adds "OFFSET ?" to a LIMIT without one: not a value of the filters.)
    offset_only = (0,) if db.engine.dialect.name == "sqlite" else None
    for statement, parameters in entries:
        assert not parameters or parameters == offset_only, statement
    assert any("chronologies" in statement for statement, _ in entries)


def test_the_library_filters_by_key_point_agency_and_district(people, elsewhere, sign_off):
    sign_off(people["practitioner"], people["manager"], {0: {"pledge": "Chesterfield one"}})
    sign_off(elsewhere["person"], elsewhere["manager"], {3: {"pledge": "High Peak four"}})
    assert [i.pledge for i in find(key_point_number=4)] == ["High Peak four"]
    assert [i.pledge for i in find(agency_id=people["agency"].id)] == ["Chesterfield one"]
    assert [i.pledge for i in find(district_id=elsewhere["district"].id)] == ["High Peak four"]
    assert find(key_point_number=4, district_id=people["district"].id) == []


def test_featured_entries_lead_then_the_newest(people, elsewhere, sign_off, make_user):
    training = make_user("Tia Training", roles={Role.TRAINING_TEAM})
    older = sign_off(people["practitioner"], people["manager"], {0: {"pledge": "Older"}})
    sign_off(elsewhere["person"], elsewhere["manager"], {0: {"pledge": "Newer"}})
    assert [i.pledge for i in find()] == ["Newer", "Older"]
    assert feature_entry(older.entries[0], training) is True
    assert feature_entry(older.entries[0], training) is False  # twice changes nothing
    db.session.commit()
    items = find()
    assert [(i.pledge, i.is_featured) for i in items] == [("Older", True), ("Newer", False)]


def test_the_featured_entries_are_asked_for_only_when_the_page_has_some(
    people, elsewhere, sign_off, make_user
):
    """Most pages have no featured entry: their statement is not sent (it cost PostgreSQL 3.7 ms
    of planning and running for a word searched, to find nothing)."""
    older = sign_off(people["practitioner"], people["manager"], {0: {"pledge": "Older"}})
    sign_off(elsewhere["person"], elsewhere["manager"], {0: {"pledge": "Newer"}})
    with count_queries() as plain:
        assert [i.pledge for i in find()] == ["Newer", "Older"]
    feature_entry(older.entries[0], make_user("Tia Training", roles={Role.TRAINING_TEAM}))
    db.session.commit()
    with count_queries() as featured:
        assert [i.pledge for i in find()] == ["Older", "Newer"]
    assert len(plain) == len(featured) - 1


def test_only_shared_entries_can_be_featured(people, sign_off, make_user):
    training = make_user("Tia Training", roles={Role.TRAINING_TEAM})
    hidden = sign_off(
        people["practitioner"],
        people["manager"],
        {0: {"pledge": "Mine"}},
        sharing=Sharing.NOT_SHARED,
    )
    with pytest.raises(ActionRefused):
        feature_entry(hidden.entries[0], training)


def test_the_library_is_paged_twenty_at_a_time(people, elsewhere, sign_off):
    for owner, manager in (
        (people["practitioner"], people["manager"]),
        (elsewhere["person"], elsewhere["manager"]),
    ):
        sign_off(
            owner, manager, {index: {"pledge": f"{owner.name} {index}"} for index in range(14)}
        )
    first, second = library_page(LibraryFilters(), 1), library_page(LibraryFilters(), 2)
    assert (first.total, first.pages, len(first.items)) == (28, 2, 20)
    assert (second.number, len(second.items)) == (2, 8)
    assert {item.entry_id for item in first.items}.isdisjoint(i.entry_id for i in second.items)
    assert first.items[0].pledge.startswith("Jo Elsewhere")  # the newest first
    assert library_page(LibraryFilters(), 9).number == 2  # a page past the end shows the last


def test_a_page_is_read_afresh_from_statements_built_once(people, elsewhere, sign_off):
    """The same filters and page reuse their statements (building them was a sixth of the
    page's CPU), and each request still reads what the library holds then."""
    from library import queries

    def built():
        return sum(
            f.cache_info().misses for f in (queries._counts_statement, queries._page_statement)
        )

    sign_off(people["practitioner"], people["manager"], {0: {"pledge": "First pledge"}})
    first = library_page(LibraryFilters())
    so_far = built()
    sign_off(elsewhere["person"], elsewhere["manager"], {1: {"pledge": "Second pledge"}})
    second = library_page(LibraryFilters())
    assert built() == so_far  # nothing built again
    assert (first.total, second.total) == (1, 2)
    assert [item.pledge for item in second.items] == ["Second pledge", "First pledge"]


# Pages, through the client -----------------------------------------------------------------


def test_every_signed_in_person_reads_the_library_and_nobody_else(
    client, auth, people, elsewhere, sign_off
):
    sign_off(
        people["practitioner"],
        people["manager"],
        {0: {"good_practice": "Shared with a name", "pledge": "p"}},
        sharing=Sharing.NAMED,
    )
    assert client.get("/library").status_code == 302  # to sign in
    auth.login(elsewhere["person"])  # another district, another agency, no roles
    page = client.get("/library?q=name")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Shared with a name" in html
    assert "Pat Practitioner" in html
    assert "/feature" not in html


def test_the_page_hides_the_name_of_an_anonymised_entry(client, auth, people, elsewhere, sign_off):
    sign_off(
        people["practitioner"],
        people["manager"],
        {0: {"good_practice": "Quietly good", "pledge": "p"}},
    )
    auth.login(elsewhere["person"])
    html = client.get("/library").get_data(as_text=True)
    assert "Quietly good" in html
    assert "Children&#39;s social care, Chesterfield" in html
    assert "Pat Practitioner" not in html


def test_the_training_team_features_from_the_page_and_others_may_not(
    client, auth, people, sign_off, make_user
):
    record = sign_off(people["practitioner"], people["manager"], {0: {"pledge": "Celebrate me"}})
    entry_id = record.entries[0].id
    auth.login(people["practitioner"])
    token = csrf_token_from(client.get("/library").get_data(as_text=True))
    refused = client.post(f"/library/entries/{entry_id}/feature", data={"csrf_token": token})
    assert refused.status_code == 403
    assert db.session.get(FeaturedEntry, entry_id) is None

    auth.login(make_user("Tia Training", roles={Role.TRAINING_TEAM}))
    page = client.get("/library?q=celebrate").get_data(as_text=True)
    featured = client.post(
        f"/library/entries/{entry_id}/feature?q=celebrate",
        data={"csrf_token": csrf_token_from(page)},
    )
    assert featured.status_code == 302
    assert featured.location.endswith(f"/library?q=celebrate#entry-{entry_id}")
    assert db.session.get(FeaturedEntry, entry_id) is not None
    assert "Featured" in client.get("/library").get_data(as_text=True)


def test_the_submit_page_asks_how_to_share_anonymised_by_default(client, auth, people, make_record):
    pat = people["practitioner"]
    record = make_record(pat)
    save_entry(record.entries[0], pat, {"pledge": "Share me"}, base_revision=1)
    db.session.commit()
    auth.login(pat)
    page = client.get(f"/records/{record.id}/submit").get_data(as_text=True)
    assert '<legend class="label">Sharing this record&#39;s good practice' in page
    assert re.search(
        r"<input[^>]*checked[^>]*value=\"anonymised\"|<input[^>]*value=\"anonymised\"[^>]*checked",
        page,
    )
    response = client.post(
        f"/records/{record.id}/submit",
        data={"csrf_token": csrf_token_from(page), "sharing": "named"},
    )
    assert response.status_code == 302
    db.session.refresh(record)
    assert record.sharing is Sharing.NAMED


def test_the_library_page_costs_the_same_queries_however_many_entries(
    client, auth, people, elsewhere, sign_off
):
    auth.login(elsewhere["person"])
    sign_off(people["practitioner"], people["manager"], {0: {"pledge": "One"}})
    client.get("/library")
    with count_queries() as few:
        assert client.get("/library").status_code == 200
    sign_off(
        elsewhere["person"],
        elsewhere["manager"],
        {index: {"pledge": f"Many {index}", "good_practice": "g"} for index in range(14)},
        sharing=Sharing.NAMED,
    )
    sign_off(
        people["teammate"],
        people["manager"],
        {index: {"pledge": f"More {index}"} for index in range(10)},
    )
    client.get("/library")  # the signed-in person's own rows, expired by the commits, loaded again
    with count_queries() as many:
        html = client.get("/library").get_data(as_text=True)
    assert "of 25 entries" in html
    assert len(many) == len(few)


# The search index itself --------------------------------------------------------------------


def test_the_search_index_keeps_in_step_with_entries(people, sign_off):
    record = sign_off(people["practitioner"], people["manager"], {0: {"pledge": "Original words"}})
    reopen_record(record, people["practitioner"])
    entry = record.entries[0]
    save_entry(
        entry, people["practitioner"], {"pledge": "Replacement"}, base_revision=entry.revision
    )
    submit_record(record, people["practitioner"])
    from supervision.operations import approve_all_remaining, start_session

    manager = people["manager"]
    approve_all_remaining(
        record, manager, start_session(manager, supervisee=people["practitioner"])
    )
    db.session.commit()
    assert find("original") == []
    assert [i.pledge for i in find("replacement")] == ["Replacement"]
    db.session.delete(db.session.get(Entry, entry.id))
    db.session.commit()
    assert find("replacement") == []


def test_postgresql_answers_the_search_from_its_gin_index(people, sign_off):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan")
    from library.search import matching_entries

    sign_off(people["practitioner"], people["manager"], {0: {"pledge": "Indexed words"}})
    query = sa.select(Entry.id).where(matching_entries("indexed"))
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(db.session.scalars(sa.text(f"EXPLAIN {compiled}")))
    assert "ix_entries_library_search" in plan


def test_the_migrations_build_the_search_index(separate_database_url):
    """Tests build their tables from the models; this checks the migration builds the index too
    (and that a later migration rebuilding `entries` has not dropped SQLite's triggers)."""
    from flask_migrate import upgrade

    from app import create_app
    from config import TestConfig

    settings = {name: getattr(TestConfig, name) for name in dir(TestConfig) if name.isupper()}
    migrated = create_app({**settings, "SQLALCHEMY_DATABASE_URI": separate_database_url})
    with migrated.app_context():
        upgrade(directory="migrations")
        with db.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                names = set(
                    connection.scalars(
                        sa.text("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
                    )
                )
                assert {
                    "entries_search",
                    "entries_search_insert",
                    "entries_search_update",
                    "entries_search_delete",
                } <= names
            else:
                indexes = dict(
                    connection.execute(sa.text("SELECT indexname, indexdef FROM pg_indexes")).all()
                )
                assert "(search_document)" in indexes["ix_entries_library_search"]
        db.engine.dispose()


def test_the_owners_read_on_their_record_how_it_is_shared_and_what_was_withheld(
    client, auth, people, sign_off
):
    record = sign_off(
        people["practitioner"],
        people["manager"],
        {
            0: {"good_practice": "Visited Jayden (aged 4) at home"},
            1: {"pledge": "Supervision every month"},
        },
        sharing=Sharing.NAMED,
    )
    auth.login(people["practitioner"])
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "Share it with my name" in page
    assert page.count("Not shared in the good-practice library") == 1


# Counting at county scale --------------------------------------------------------------------


def _fill(people, elsewhere, sign_off, per_record=14):
    for owner, manager in (
        (people["practitioner"], people["manager"]),
        (elsewhere["person"], elsewhere["manager"]),
    ):
        sign_off(
            owner,
            manager,
            {index: {"pledge": f"{owner.name} {index}"} for index in range(per_record)},
        )


def test_past_the_entries_counted_the_total_is_a_floor_and_paging_goes_on(
    people, elsewhere, sign_off, monkeypatch
):
    _fill(people, elsewhere, sign_off)
    exact = [i.entry_id for n in (1, 2) for i in library_page(LibraryFilters(), n).items]
    monkeypatch.setattr("library.queries.COUNT_UP_TO", 10)
    first = library_page(LibraryFilters(), 1)
    assert (first.total, first.more, first.has_next) == (20, True, True)  # "more than 20"
    second = library_page(LibraryFilters(), 2)  # counted up to its own last entry and one more
    assert (second.total, second.more, second.has_next) == (28, False, False)
    assert [i.entry_id for i in first.items + second.items] == exact  # the same, in order
    assert library_page(LibraryFilters(), 5).number == 2  # a page past the end shows the last
    assert library_page(LibraryFilters(), 10**30).number == 2  # however far past


def test_the_page_says_more_than_when_it_has_not_counted_them_all(
    client, auth, people, elsewhere, sign_off, monkeypatch
):
    _fill(people, elsewhere, sign_off)
    monkeypatch.setattr("library.queries.COUNT_UP_TO", 10)
    auth.login(elsewhere["person"])
    html = client.get("/library").get_data(as_text=True)
    assert "Showing 1 to 20 of more than 20 entries." in html
    assert "Page 1</span>" in html
    assert "Page 1 of" not in html
    assert 'href="/library?page=2" rel="next"' in html
    last = client.get("/library?page=2").get_data(as_text=True)
    assert "Showing 21 to 28 of 28 entries." in last
    assert "Page 2 of 2" in last
    assert 'rel="next"' not in last


def test_featured_entries_lead_across_pages(people, elsewhere, sign_off, make_user):
    training = make_user("Tia Training", roles={Role.TRAINING_TEAM})
    _fill(people, elsewhere, sign_off)
    everything = [i for n in (1, 2) for i in library_page(LibraryFilters(), n).items]
    chosen = [everything[-1], everything[-2], everything[5]]  # the oldest first, then one newer
    for item in chosen:
        feature_entry(db.session.get(Entry, item.entry_id), training)
        db.session.commit()
    first, second = library_page(LibraryFilters(), 1), library_page(LibraryFilters(), 2)
    shown = [(i.entry_id, i.is_featured) for i in first.items + second.items]
    featured_first = [(item.entry_id, True) for item in reversed(chosen)]  # latest featured first
    rest = [(i.entry_id, False) for i in everything if i not in chosen]
    assert shown == featured_first + rest
    assert first.total == second.total == 28
    filtered = library_page(LibraryFilters(district_id=elsewhere["district"].id))
    assert all(i.district == "High Peak" for i in filtered.items)
    assert [i.is_featured for i in filtered.items].count(True) == sum(
        1 for item in chosen if item.district == "High Peak"
    )


def test_a_search_or_a_key_point_counts_to_a_lower_floor_and_finds_the_same_in_order(
    people, elsewhere, sign_off, make_user, monkeypatch
):
    """Words and key points are counted up to `NARROWED_COUNT_UP_TO`; with words, when all the
    entries found are counted, the page is read by their ids. Either way: the same, in order."""
    training = make_user("Tia Training", roles={Role.TRAINING_TEAM})
    for owner, manager in ((people["practitioner"], people["manager"]), (elsewhere["person"], elsewhere["manager"])):  # fmt: skip
        sign_off(owner, manager, {i: {"pledge": f"Supervision notes {i}"} for i in range(14)})
    sign_off(people["teammate"], people["manager"], {0: {"pledge": "Something else"}})
    words = LibraryFilters(words="supervision")
    every = [i.entry_id for n in (1, 2) for i in library_page(words, n).items]
    feature_entry(db.session.get(Entry, every[-1]), training)  # the oldest found, featured
    db.session.commit()
    exact = [(i.entry_id, i.is_featured) for n in (1, 2) for i in library_page(words, n).items]
    assert exact == [(every[-1], True)] + [(entry_id, False) for entry_id in every[:-1]]
    assert library_page(words).total == 28
    monkeypatch.setattr("library.queries.NARROWED_COUNT_UP_TO", 10)
    first, second = library_page(words, 1), library_page(words, 2)
    assert (first.total, first.more, second.total, second.more) == (20, True, 28, False)
    assert [(i.entry_id, i.is_featured) for i in first.items + second.items] == exact
    assert library_page(LibraryFilters()).more is False  # browsing still counts up to 1,000
    key_point = library_page(LibraryFilters(key_point_number=1))
    assert (key_point.total, key_point.more) == (3, False)
    monkeypatch.setattr("library.queries.NARROWED_COUNT_UP_TO", 1)
    monkeypatch.setattr("library.queries.PAGE_SIZE", 1)
    narrowed = library_page(LibraryFilters(key_point_number=1))
    assert (narrowed.total, narrowed.more) == (1, True)  # "more than 1"
    assert library_page(LibraryFilters(district_id=people["district"].id)).more is False


def test_postgresql_reads_the_stored_search_document_and_never_computes_it(people, sign_off):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan")
    from library.search import matching_entries

    sign_off(people["practitioner"], people["manager"], {0: {"pledge": "Stored words"}})
    assert [i.pledge for i in find("store")] == ["Stored words"]
    column = db.session.scalar(
        sa.text("SELECT generation_expression FROM information_schema.columns "
                "WHERE table_name = 'entries' AND column_name = 'search_document'")
    )  # fmt: skip
    assert "to_tsvector" in column
    query = sa.select(Entry.id).where(matching_entries("stored"))
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = "\n".join(db.session.scalars(sa.text(f"EXPLAIN (VERBOSE) {compiled}")))
    assert "search_document @@" in plan
    assert "to_tsvector" not in plan
