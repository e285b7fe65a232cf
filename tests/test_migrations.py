"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from config import TestConfig
from core.database import db, include_in_migrations


def test_migrations_match_the_models(separate_database_url):
    migrated = create_app(
        {**_settings(TestConfig), "SQLALCHEMY_DATABASE_URI": separate_database_url}
    )
    with migrated.app_context():
        upgrade(directory="migrations")
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"compare_type": True, "include_object": include_in_migrations},
            )
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


def _settings(config_class) -> dict:
    return {name: getattr(config_class, name) for name in dir(config_class) if name.isupper()}


def test_migrations_create_the_models_check_constraints(separate_database_url):
    """Autogenerate cannot see CHECK constraints, so their names are compared here."""
    migrated = create_app(
        {**_settings(TestConfig), "SQLALCHEMY_DATABASE_URI": separate_database_url}
    )
    with migrated.app_context():
        upgrade(directory="migrations")
        inspector = sa.inspect(db.engine)
        for table in db.metadata.sorted_tables:
            expected = {
                constraint.name
                for constraint in table.constraints
                if isinstance(constraint, sa.CheckConstraint)
            }
            found = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert expected <= found, (table.name, expected - found)
        db.engine.dispose()


def test_a_database_with_records_upgrades_to_head(separate_database_url):
    """Rows written by the first migration survive the later ones, with sensible defaults."""
    migrated = create_app(
        {**_settings(TestConfig), "SQLALCHEMY_DATABASE_URI": separate_database_url}
    )
    with migrated.app_context():
        upgrade(directory="migrations", revision="1b80e84170db")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO users (id, email, name, job_title, work_base_address, telephone,"
                    " is_active_account, session_token, created_at) VALUES (1, 'a@b.c', 'A', '',"
                    " '', '', true, 't', CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO framework_versions (id, key, version, title, source, guidance_note,"
                    " is_current, published_at) VALUES (1, 'k', '1', 't', 's', '', true,"
                    " CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO records (id, framework_version_id, owner_id, cycle, status, name,"
                    " work_base_address, telephone, email, created_by_id, created_at, updated_at,"
                    " submitted_at) VALUES (1, 1, 1, 1, 'submitted', 'A', '', '', '', 1,"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO entries (id, record_id, position, finding_title, finding_source,"
                    " good_practice, pledge, helps, hinders, signs_of_success, revision, updated_at)"
                    " VALUES (1, 1, 1001, 'Mine', '', '', 'p', '', '', '', 1, CURRENT_TIMESTAMP)"
                )
            )
        upgrade(directory="migrations")
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT version FROM records")).scalar() == 1
            assert connection.execute(sa.text("SELECT approval FROM entries")).scalar() == (
                "undecided"
            )
        db.engine.dispose()


# (id, stage, status) before the record-state migration, and the state each becomes.
STAGE_AND_STATUS_TO_STATE = [
    (1, 1, "draft", "draft"),
    (2, 1, "submitted", "submitted"),
    (3, 1, "returned", "returned"),
    (4, 1, "signed_off", "signed_off"),
    (5, 2, "draft", "review_open"),
    (6, 2, "submitted", "review_submitted"),
    (7, 2, "returned", "review_returned"),
    (8, 2, "complete", "complete"),
]


def test_stage_and_status_become_one_state_and_back(separate_database_url):
    """Rows in every (stage, status) pair upgrade to the matching state, and downgrade back."""
    migrated = create_app(
        {**_settings(TestConfig), "SQLALCHEMY_DATABASE_URI": separate_database_url}
    )
    before, after = "669df8a6137b", "7d3e5b1c9a42"
    with migrated.app_context():
        upgrade(directory="migrations", revision=before)
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO users (id, email, name, job_title, work_base_address, telephone,"
                    " is_active_account, session_token, created_at) VALUES (1, 'a@b.c', 'A', '',"
                    " '', '', true, 't', CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO framework_versions (id, key, version, title, source, guidance_note,"
                    " is_current, published_at) VALUES (1, 'k', '1', 't', 's', '', true,"
                    " CURRENT_TIMESTAMP)"
                )
            )
            for record_id, stage, status, _ in STAGE_AND_STATUS_TO_STATE:
                signed = stage == 2 or status == "signed_off"
                complete = status == "complete"
                connection.execute(
                    sa.text(
                        "INSERT INTO records (id, framework_version_id, owner_id, cycle, status,"
                        " stage, name, work_base_address, telephone, email, created_by_id,"
                        " created_at, updated_at, submitted_at, signed_off_at, signed_off_by_id,"
                        " review_due_on, version, completed_at, completed_by_id) VALUES (:id, 1,"
                        " 1, :id, :status, :stage, 'A', '', '', '', 1, CURRENT_TIMESTAMP,"
                        " CURRENT_TIMESTAMP, :submitted, :signed, :signed_by, :due, 1,"
                        " :completed, :completed_by)"
                    ),
                    {
                        "id": record_id,
                        "status": status,
                        "stage": stage,
                        "submitted": None if status == "draft" else "2026-05-01 10:00:00",
                        "signed": "2026-05-20 10:00:00" if signed else None,
                        "signed_by": 1 if signed else None,
                        "due": "2026-11-20" if signed else None,
                        "completed": "2026-12-01 10:00:00" if complete else None,
                        "completed_by": 1 if complete else None,
                    },
                )
        upgrade(directory="migrations", revision=after)
        with db.engine.connect() as connection:
            states = dict(connection.execute(sa.text("SELECT id, state FROM records")).all())
            pending = connection.execute(
                sa.text("SELECT id FROM records WHERE state <> 'complete' ORDER BY id")
            ).scalars()
            assert list(pending) == list(range(1, 8))
        assert states == {row[0]: row[3] for row in STAGE_AND_STATUS_TO_STATE}
        downgrade(directory="migrations", revision=before)
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT id, stage, status FROM records ORDER BY id")
            ).all()
        assert [tuple(row) for row in rows] == [row[:3] for row in STAGE_AND_STATUS_TO_STATE]
        db.engine.dispose()


def test_the_dashboards_own_table_is_dropped_and_comes_back_empty(separate_database_url):
    """Its summaries are in `summaries` now (the worker recomputes them within minutes); the
    downgrade recreates `dashboard_summaries` as a0466b0144d2 made it."""
    migrated = create_app(
        {**_settings(TestConfig), "SQLALCHEMY_DATABASE_URI": separate_database_url}
    )
    with migrated.app_context():
        upgrade(directory="migrations", revision="3f8a6c1e5b92")
        made = sa.inspect(db.engine).get_columns("dashboard_summaries")
        upgrade(directory="migrations", revision="3f8a6c2d7b15")
        assert "dashboard_summaries" not in sa.inspect(db.engine).get_table_names()
        downgrade(directory="migrations", revision="3f8a6c1e5b92")
        inspector = sa.inspect(db.engine)
        assert [column["name"] for column in inspector.get_columns("dashboard_summaries")] == [
            column["name"] for column in made
        ]
        assert inspector.get_unique_constraints("dashboard_summaries")[0]["column_names"] == [
            "scope"
        ]
        upgrade(directory="migrations")
        db.engine.dispose()
