"""Configuration: safe defaults, PostgreSQL URLs, and a production that refuses unsafe settings."""

from __future__ import annotations

import pytest

from app import create_app
from config import (
    DEFAULT_DATABASE_URL,
    DEVELOPMENT_SECRET_KEY,
    ProductionConfig,
    config_from_environment,
    database_url_from_environment,
)


def test_postgres_urls_get_the_psycopg_3_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/pledges")
    assert database_url_from_environment("sqlite://") == "postgresql+psycopg://u@db/pledges"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/pledges")
    assert database_url_from_environment("sqlite://") == "postgresql+psycopg://u@db/pledges"
    monkeypatch.delenv("DATABASE_URL")
    assert database_url_from_environment("sqlite://x") == "sqlite://x"


@pytest.mark.parametrize(
    ("secret", "database", "complaint"),
    [
        (DEVELOPMENT_SECRET_KEY, "postgresql+psycopg://db/p", "SECRET_KEY"),
        ("short", "postgresql+psycopg://db/p", "SECRET_KEY"),
        ("x" * 40, DEFAULT_DATABASE_URL, "DATABASE_URL"),
    ],
)
def test_production_refuses_to_start_with_development_settings(secret, database, complaint):
    with pytest.raises(RuntimeError, match=complaint):
        ProductionConfig.check({"SECRET_KEY": secret, "SQLALCHEMY_DATABASE_URI": database})


def test_production_starts_with_real_settings_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    app = create_app(
        {"SECRET_KEY": "s" * 48, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/pledges"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["DEMO_PASSWORD_ALLOWED"] is False


def test_production_app_refuses_the_development_key(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/pledges"})


def test_an_unknown_environment_name_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("APP_ENV", "staging")
    with pytest.raises(RuntimeError, match="APP_ENV must be one of"):
        config_from_environment()
