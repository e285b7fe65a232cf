"""Fixtures: the app on a fresh database per test, a signed-in client, and factories.

`TEST_DATABASE_URL` chooses the database (SQLite in memory when unset; `.ci/run` also runs the
suite on PostgreSQL).
"""

from __future__ import annotations

import email
import email.policy
import itertools
import os
import re
import socket
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import g

from app import create_app
from config import TestConfig
from core.database import db
from core.sessions import LAST_ACTIVE_AT, SIGNED_IN_AT
from people.models import Agency, District, Role, Team, User
from people.operations import add_team_member, create_user
from pledges.framework import DERBYSHIRE_FRAMEWORK_FILE, publish_framework, read_framework_file
from pledges.operations import start_record

PASSWORD = "a-long-enough-password"


def _forget_cached_user() -> None:
    # Tests hold one app context open, so `g` outlives a request; in production each request
    # has its own. Without this, Flask-Login's cached user leaks from one request to the next.
    g.pop("_login_user", None)


@pytest.fixture(scope="session", autouse=True)
def queue_of_the_tests(tmp_path_factory):
    """Processes the tests start (sweeps, workers) queue into storage of the tests' own, never the
    developer's instance folder. TEST_HUEY_URL (CI: Redis) chooses it; a SQLite file otherwise."""
    url = os.environ.get("TEST_HUEY_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('queue') / 'queue.sqlite'}"
    )
    previous = os.environ.get("HUEY_URL"), os.environ.get("HUEY_NAME")
    os.environ["HUEY_URL"] = url
    os.environ["HUEY_NAME"] = f"pledges-tests-{uuid.uuid4().hex[:8]}"
    yield url
    for name, value in zip(("HUEY_URL", "HUEY_NAME"), previous, strict=True):
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(TestConfig)
    app.config["EXPORT_DIR"] = str(tmp_path_factory.mktemp("exports"))  # never the instance folder
    app.before_request(_forget_cached_user)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def app_context(app):
    """Every test runs in an app context on empty tables."""
    with app.app_context():
        yield
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()


@contextmanager
def statements_sent():
    """`with statements_sent() as statements:` lists every statement sent to the database inside
    the block."""
    statements = []

    def count(connection, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


@pytest.fixture
def count_queries():
    """`with count_queries() as statements:` (as indico's fixture of that name counts them)."""
    return statements_sent


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def framework():
    version = publish_framework(read_framework_file(DERBYSHIRE_FRAMEWORK_FILE))
    db.session.commit()
    return version


_numbers = itertools.count(1)


@pytest.fixture
def make_user():
    def make(name=None, *, line_manager=None, roles=frozenset(), email=None, **fields) -> User:
        number = next(_numbers)
        user = create_user(
            email=email or f"person{number}@example.org",
            name=name or f"Person {number}",
            password=PASSWORD,
            line_manager=line_manager,
            roles=set(roles),
            **fields,
        )
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_team():
    def make(name=None, *, manager=None, members=(), agency=None, district=None) -> Team:
        team = Team(
            name=name or f"Team {next(_numbers)}", manager=manager, agency=agency, district=district
        )
        db.session.add(team)
        db.session.flush()
        for member in members:
            add_team_member(team, member)
        db.session.commit()
        return team

    return make


@pytest.fixture
def make_record(framework):
    def make(by: User, *, team: Team | None = None):
        record = start_record(by, team=team, framework=framework)
        db.session.commit()
        return record

    return make


@pytest.fixture
def people(make_user, make_team):
    """A small organisation: senior > manager > practitioner and teammate, in one team."""
    district = District(name="Chesterfield")
    agency = Agency(name="Children's social care")
    db.session.add_all([district, agency])
    db.session.flush()
    senior = make_user("Sam Senior", agency=agency, district=district)
    manager = make_user("Morgan Manager", line_manager=senior, agency=agency, district=district)
    practitioner = make_user(
        "Pat Practitioner",
        line_manager=manager,
        agency=agency,
        district=district,
        work_base_address="Area Office\n1 Station Road",
        telephone="01629 000001",
    )
    teammate = make_user("Terry Teammate", line_manager=manager, agency=agency, district=district)
    outsider = make_user("Olly Other", agency=agency, district=district)
    admin = make_user("Ada Admin", roles={Role.ADMINISTRATOR})
    team = make_team("North team", manager=manager, members=[practitioner, teammate])
    return {
        "senior": senior,
        "manager": manager,
        "practitioner": practitioner,
        "teammate": teammate,
        "outsider": outsider,
        "admin": admin,
        "team": team,
        "district": district,
        "agency": agency,
    }


class Auth:
    """Sign a test client in as someone without going through the sign-in form."""

    def __init__(self, client):
        self.client = client

    def login(self, user: User) -> None:
        with self.client.session_transaction() as session:
            session["_user_id"] = user.session_token
            session["_fresh"] = True
            # A fresh sign-in: the session's time limits start again at the next request.
            session.pop(SIGNED_IN_AT, None)
            session.pop(LAST_ACTIVE_AT, None)

    def logout(self) -> None:
        with self.client.session_transaction() as session:
            session.clear()


@pytest.fixture
def auth(client):
    return Auth(client)


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


class SMTPInbox:
    """Messages received by a real SMTP server on loopback, parsed as a mail client would."""

    def __init__(self):
        self.messages = []
        self.refuse: set[str] = set()  # addresses answered "550 no such user"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(app):
    """Point the app's mail at an aiosmtpd server on loopback and collect what arrives."""
    from aiosmtpd.controller import Controller

    inbox = SMTPInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    previous = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", controller.port
    try:
        yield inbox
    finally:
        app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = previous
        controller.stop()


@pytest.fixture
def separate_database_url(app, tmp_path):
    """A database of the test's own that other processes can reach: a SQLite file, or a fresh
    PostgreSQL database (dropped afterwards) when the suite runs on PostgreSQL."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'separate.sqlite'}"
        return
    name = f"{url.database}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgresql_only(app):
    """Skip on SQLite: the test needs two connections writing at once (tests/concurrency.py)."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        pytest.skip("needs two connections writing at once: set TEST_DATABASE_URL to PostgreSQL")
