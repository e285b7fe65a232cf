"""Issue 14: a request that only read commits its transaction, so psycopg keeps the statements
it prepared and PostgreSQL does not plan a page's queries again on every request
(core/read_transactions.py); any request that wrote, or failed, rolls back as before."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.database import db
from core.paging import limited_to_page
from people.models import Agency


@pytest.fixture
def served(app):
    """An app of its own, so that each request has its own app context and session, as under
    gunicorn (the suite's app shares one between a test's requests), on the suite's database
    with a pool of one connection (a sync worker's), and pages that read and write."""
    from app import create_app

    settings = {
        "TESTING": False,
        "SECRET_KEY": "x" * 64,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
    }
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": 1, "max_overflow": 0}
    served = create_app(settings)

    @served.get("/read")
    def read():
        return str(db.session.scalar(sa.select(sa.func.count(Agency.id))))

    @served.get("/flush-without-commit")
    def flush_without_commit():
        db.session.add(Agency(name="Flushed, never committed"))
        db.session.flush()
        return "flushed"

    @served.get("/change-without-flush")
    def change_without_flush():
        agency = db.session.scalars(sa.select(Agency)).first()
        agency.name = "Changed, never flushed"
        return "changed"

    @served.get("/update-without-commit")
    def update_without_commit():
        db.session.execute(sa.update(Agency).values(name="Updated, never committed"))
        return "updated"

    @served.get("/page-of-agencies")
    def page_of_agencies():
        query = sa.select(Agency.name).order_by(Agency.name, Agency.id)
        return str(len(db.session.scalars(limited_to_page(query, 2, 50)).all()))

    @served.get("/read-then-fail")
    def read_then_fail():
        db.session.scalar(sa.select(sa.func.count(Agency.id)))
        raise RuntimeError("a fault after reading")

    with served.app_context():
        if served.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
            db.create_all()  # an in-memory database of its own
        db.session.add(Agency(name="County council"))
        db.session.commit()
    yield served
    with served.app_context():
        db.session.execute(sa.delete(Agency))
        db.session.commit()
        db.engine.dispose()


def _endings(served, path: str) -> list[str]:
    """How the request's transaction ended: "commit" or "rollback", in order."""
    with served.app_context():
        engine = db.engine
    seen: list[str] = []

    def committed(connection):
        seen.append("commit")

    def rolled_back(connection):
        seen.append("rollback")

    sa.event.listen(engine, "commit", committed)
    sa.event.listen(engine, "rollback", rolled_back)
    try:
        served.test_client().get(path)
    finally:
        sa.event.remove(engine, "commit", committed)
        sa.event.remove(engine, "rollback", rolled_back)
    return seen


def _agency_names(served) -> list[str]:
    with served.app_context():
        return list(db.session.scalars(sa.select(Agency.name)))


def test_a_request_that_only_read_commits(served):
    assert _endings(served, "/read") == ["commit"]


@pytest.mark.parametrize(
    "path", ["/flush-without-commit", "/change-without-flush", "/update-without-commit"]
)
def test_a_request_that_wrote_without_committing_still_rolls_back(served, path):
    assert _endings(served, path) == ["rollback"]
    assert _agency_names(served) == ["County council"]


def test_a_request_that_failed_rolls_back(served):
    """A fault (the error page answers 500) rolls back; a refusal such as a 404 or 409 after
    reading only is a read like any other."""
    assert _endings(served, "/read-then-fail") == ["rollback"]


def test_on_postgresql_a_page_read_again_and_again_is_planned_once(served):
    """psycopg prepares a statement on its sixth use on a connection, unless a rollback has
    made it forget: before this, every request rolled back and nothing was ever prepared."""
    if not served.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("prepared statements are PostgreSQL's")
    client = served.test_client()
    for _ in range(8):
        assert client.get("/read").data == b"1"
    with served.app_context():
        prepared = db.session.scalars(sa.text("SELECT statement FROM pg_prepared_statements"))
        assert any("count(agencies.id)" in statement for statement in prepared)


def test_on_postgresql_a_page_of_a_list_is_planned_once(served):
    """A list's page size and offset are written into the statement (core/paging.py): sent as
    parameters, PostgreSQL judged a plan made without them ("LIMIT $1", a tenth of the rows)
    dearer than one made for "LIMIT 50", and planned the statement again on every request."""
    if not served.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("prepared statements are PostgreSQL's")
    with served.app_context():
        db.session.execute(
            sa.insert(Agency), [{"name": f"Agency {number:05}"} for number in range(3000)]
        )
        db.session.execute(sa.text("ANALYZE agencies"))
        db.session.commit()
    client = served.test_client()
    for _ in range(10):
        assert client.get("/page-of-agencies").data == b"50"
    with served.app_context():
        plans = db.session.execute(
            sa.text(
                "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE '%FROM agencies ORDER BY%'"
            )
        ).all()
    assert len(plans) == 1, plans
    statement, generic_plans, custom_plans = plans[0]
    assert "LIMIT 50 OFFSET 50" in statement
    assert generic_plans >= 1, plans
    assert custom_plans <= 5, plans
