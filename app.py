"""The application factory: it composes the app from configuration, extensions and blueprints."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

import config as config_module
from core import (
    errors_pages,
    formatting,
    links,
    mail,
    notifications,
    queue,
    read_transactions,
    security,
    sessions,
)
from core.auth import csrf, login_manager
from core.database import db
from core.ids import IdConverter
from core.migrations import init_migrations_if_imported, migration_commands
from core.requests import LimitedRequest


def create_app(config: type | dict[str, Any] | None = None) -> Flask:
    """Build the app. `config` is a config class, or settings laid over the environment's class."""
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = LimitedRequest
    app.url_map.converters["id"] = IdConverter
    config_class = config_module.config_from_environment()
    if isinstance(config, type):
        config_class = config
    app.config.from_object(config_class)
    if isinstance(config, dict):
        app.config.update(config)
    if config_class is config_module.ProductionConfig:
        config_module.ProductionConfig.check(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        config_module.INSTANCE_DIR.mkdir(exist_ok=True)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    links.init_app(app)  # SERVER_NAME from BASE_URL: links built outside requests too
    db.init_app(app)
    from core import orm_references  # issue 20: see the module

    orm_references.init_app(app)  # after db.init_app, so its teardown runs first
    read_transactions.init_app(app)  # a request that only read commits: psycopg keeps its plans
    init_migrations_if_imported(app)  # Alembic is imported only to migrate: core/migrations.py
    login_manager.init_app(app)
    sessions.init_app(app)  # before CSRF: a form posted after the session ended goes to sign-in
    csrf.init_app(app)
    security.init_app(app)
    formatting.register_filters(app)
    errors_pages.init_app(app)
    mail.init_app(app)
    notifications.init_app(app)

    from admin import bp as admin_bp
    from admin.cli import users_group
    from collation import bp as collation_bp
    from collation.cli import export_group
    from demo.cli import demo_command, setup_demo_command
    from impact import bp as impact_bp
    from library import bp as library_bp
    from library.cli import library_group
    from people import bp as people_bp
    from pledges import bp as pledges_bp
    from pledges.cli import framework_group, reviews_group, scheduler_command
    from supervision import bp as supervision_bp

    app.register_blueprint(people_bp)
    app.register_blueprint(pledges_bp)
    app.register_blueprint(supervision_bp)
    app.register_blueprint(collation_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(impact_bp)
    app.register_blueprint(admin_bp)
    app.cli.add_command(framework_group)
    app.cli.add_command(reviews_group)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(export_group)
    app.cli.add_command(library_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(setup_demo_command)
    app.cli.add_command(users_group)
    app.cli.add_command(migration_commands)
    # Last: every package has registered its tasks by now.
    queue.init_app(app)
    return app
