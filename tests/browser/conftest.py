"""Browser tests: the app served on loopback by the tests, driven by Playwright in Debian's Chromium.

They are skipped, with a reason in the summary, where /usr/bin/chromium is missing
(`.ci/run` installs it). Each test gets a fresh demo county in a file SQLite database.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from config import TestConfig
from core.database import db
from demo.county import load_demo_county
from tests.conftest import SMTPInbox, free_port

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class LiveServer(str):
    """The server's address (use it as a string), with the app it serves as `.app`."""

    app = None


@pytest.fixture
def browser_mail():
    """A real SMTP server on loopback for the served app: tests read what people are sent."""
    from aiosmtpd.controller import Controller

    inbox = SMTPInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def live_server(tmp_path, browser_mail):
    """The app with the demo county, served on a free loopback port for one test."""
    settings = {name: getattr(TestConfig, name) for name in dir(TestConfig) if name.isupper()}
    # The app's links and redirects are built on BASE_URL (SERVER_NAME comes from it), so it is
    # the served address: "/admin" -> "/admin/" must stay on this server.
    port = free_port()
    settings.update(
        BASE_URL=f"http://127.0.0.1:{port}",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'browser.sqlite'}",
        WTF_CSRF_ENABLED=True,
        TESTING=False,
        EXPORT_DIR=str(tmp_path / "exports"),
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=browser_mail[1],
    )
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        load_demo_county()
        db.session.commit()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    address = LiveServer(f"http://127.0.0.1:{server.server_port}")
    address.app = app
    try:
        yield address
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def new_page(chromium):
    """Pages in separate browser contexts: separate cookies, as two people on two machines."""
    contexts = []

    def make():
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Sign in").click()
    # Each person lands where their work is (My records, supervision, the dashboard).
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.get_by_role("heading", level=1).wait_for()
