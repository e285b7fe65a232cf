"""The key pages' statements are built once (issue 14).

SQLAlchemy works out a statement's cache key once for each statement object. Building the key
pages' statements, and their keys, again on every request was a sixth to a third of their CPU
(bench/README.md). Each page is requested twice: the statements the page itself sends must be
the same objects the second time. (The loads of relationships are left out: SQLAlchemy builds
and caches those itself.)
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from collation.summaries import KIND as DASHBOARD
from core.database import db
from core.summaries import store_summaries
from impact.summaries import KIND as IMPACT
from people.models import Role
from pledges.operations import save_entry, submit_record
from supervision.operations import start_session
from tests.test_page_queries import completed


@pytest.fixture
def built_again(app, client):
    """The statements a second GET of `path` built anew (the page must answer 200)."""

    def statements_built_again(path: str) -> list[str]:
        runs: list[list] = []  # every statement sent is kept, so no id() is reused

        def sent(state) -> None:
            if not state.is_relationship_load and not state.is_column_load:
                runs[-1].append(state.statement)

        db.session.commit()
        sa.event.listen(Session, "do_orm_execute", sent)
        try:
            for _ in range(2):
                runs.append([])
                with app.app_context():  # a session of its own, as in production
                    response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
        finally:
            sa.event.remove(Session, "do_orm_execute", sent)
        first = {id(statement) for statement in runs[0]}
        return [str(statement) for statement in runs[1] if id(statement) not in first]

    return statements_built_again


def test_every_key_page_sends_statements_built_once(
    people, auth, make_user, make_record, built_again
):
    pat, morgan, terry = people["practitioner"], people["manager"], people["teammate"]
    record = completed(make_record(pat), pat, morgan)
    waiting = make_record(terry)
    entry = waiting.entries[0]
    save_entry(entry, terry, {"pledge": "Visit sooner"}, base_revision=entry.revision)
    submit_record(waiting, terry)
    session = start_session(morgan, supervisee=terry)
    training = make_user("Tia Training", roles={Role.TRAINING_TEAM})
    district_team = make_user(
        "Dee District", roles={Role.DISTRICT_TEAM}, district=people["district"]
    )
    db.session.commit()
    # The dashboard and the impact report as a county reads them: from the figures the queue
    # keeps current. (Computed on the spot, for filters the summaries do not hold, a dashboard's
    # figures are ten aggregates over the county, its time PostgreSQL's.)
    store_summaries(DASHBOARD)
    store_summaries(IMPACT)
    pages = {
        pat: [
            "/records",
            f"/records/{record.id}",
            f"/records/{record.id}/review/{record.entries[0].id}",
            "/library",
            "/library?q=pledge",
            f"/library?district={people['district'].id}",
        ],
        morgan: ["/supervision", f"/supervision/sessions/{session.id}"],
        training: [
            "/collation",
            "/collation?key_point=1",
            "/collation/records?status=complete",
            "/collation/records?key_point=1&judgement=improved",
            "/impact",
        ],
        district_team: ["/collation", "/collation/records?judgement=improved"],
        people["admin"]: ["/admin/people", "/admin/people?q=pat&left=hide"],
    }
    rebuilt = {}
    for person, paths in pages.items():
        auth.login(person)
        for path in paths:
            if statements := built_again(path):
                rebuilt[path] = statements
    assert rebuilt == {}
