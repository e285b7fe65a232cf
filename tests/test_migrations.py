"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

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
