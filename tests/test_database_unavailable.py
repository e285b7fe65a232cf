"""When the database cannot be reached: the app's own page (503), saying nothing was saved and
offering the posted text back, never a bare "Internal Server Error"."""

from __future__ import annotations

import pytest

from app import create_app
from config import TestConfig
from core.database import db
from tests.conftest import free_port


@pytest.fixture
def unreachable_app():
    """The app pointed at a PostgreSQL address where nothing listens: every query fails."""
    settings = {name: getattr(TestConfig, name) for name in dir(TestConfig) if name.isupper()}
    settings["SQLALCHEMY_DATABASE_URI"] = (
        f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere?connect_timeout=2"
    )
    app = create_app(settings)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_post_when_the_database_is_down_offers_the_text_back(unreachable_app):
    client = unreachable_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "a-session-token"
    typed = "Our pledge:\nto <b>listen</b> to children & write it down"
    response = client.post(
        "/records/1/entries/2",
        data={
            "pledge": typed,
            "helps": "   ",
            "revision": "3",
            "original_pledge": "old text",
            "csrf_token": "secret-token",
        },
    )
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Your changes have not been saved" in html
    assert "Internal Server Error" not in html
    assert "<textarea" in html
    assert "readonly" in html
    assert "to &lt;b&gt;listen&lt;/b&gt; to children &amp; write it down" in html
    assert "old text" not in html  # what the page showed, not what was typed
    assert "secret-token" not in html
    assert response.headers["Retry-After"] == "60"


def test_a_page_when_the_database_is_down_says_so(unreachable_app):
    client = unreachable_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "a-session-token"
    response = client.get("/records")
    assert response.status_code == 503
    assert "The service is briefly unavailable" in response.get_data(as_text=True)
