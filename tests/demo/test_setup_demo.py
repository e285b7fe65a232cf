"""`flask setup-demo` does `make run`'s set-up in one process, and the app starts without the
heavy imports only some commands and downloads need (issue 20's warm start)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app import create_app
from config import TestConfig

ROOT = Path(__file__).resolve().parents[2]


def _settings(database_url: str) -> dict:
    settings = {name: getattr(TestConfig, name) for name in dir(TestConfig) if name.isupper()}
    return {**settings, "SQLALCHEMY_DATABASE_URI": database_url}


def test_setup_demo_migrates_publishes_and_loads_the_demo_once(separate_database_url):
    from core.database import db

    app = create_app(_settings(separate_database_url))
    runner = app.test_cli_runner()
    # The tests' own app context is active; the command must run in this app's.
    with app.app_context():
        first = runner.invoke(args=["setup-demo"])
        assert first.exit_code == 0, first.output
        assert "Demo county loaded." in first.output
        assert "version 1: current." in first.output
        again = runner.invoke(args=["setup-demo"])
        assert again.exit_code == 0, again.output
        assert "The demo county is already loaded." in again.output
        current = runner.invoke(args=["db", "current"])  # Flask-Migrate's, loaded lazily
        assert current.exit_code == 0, current.output
        db.session.remove()
        db.engine.dispose()


def test_the_app_starts_without_pdf_spreadsheet_migration_or_scheduler_libraries():
    """ReportLab, openpyxl, Alembic and APScheduler are imported where they are used."""
    heavy = ["reportlab", "openpyxl", "PIL", "alembic", "flask_migrate", "apscheduler"]
    code = (
        "import sys; from app import create_app; create_app(); "
        f"print([name for name in {heavy!r} if name in sys.modules])"
    )
    started = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert started.stdout.strip() == "[]"
