"""Walk the pages that crashed a worker on CPython 3.11 (issue 20), over HTTP, in two processes.

    python -X faulthandler bench/page_sequence.py --database-url URL [--rounds 2]

The database is a county from `make_county.py --three-level-manager`. A server process of its
own (started afresh, production settings, Werkzeug's server, one request at a time, faulthandler
on) serves the app, as a web worker does; this process is the browser. Each round: the
supervision overview alone for person 1 (who manages 59 people, 40 of them managers) and for a
manager in the middle of the tree, from browsers already signed in (as if on another worker);
then each of them signs in, opens my records, their record and the overview twice. Every page
must answer 200 and the server must end cleanly: exit status 0, or 1 with the server's status
(-11 for SIGSEGV, with faulthandler's traceback on stderr).

Through Flask's test client (browser and app in one process) the crash did not show on this
machine; a process that only serves crashed within its first few overviews.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.make_county import THREE_LEVEL_MANAGER_ID, bench_app  # noqa: E402
from core.database import db  # noqa: E402
from people.models import User  # noqa: E402
from people.passwords import hash_password  # noqa: E402
from pledges.models import Record  # noqa: E402

PASSWORD = "bench-password-not-secret"
MIDDLE_MANAGER_ID = 2


def set_passwords(user_ids) -> dict[int, tuple[str, int | None]]:
    """Give these accounts the bench password. Returns each one's email and latest record id."""
    accounts = {}
    password_hash = hash_password(PASSWORD)
    for user_id in user_ids:
        user = db.session.get(User, user_id)
        user.password_hash = password_hash
        record_id = db.session.scalar(
            sa.select(Record.id)
            .where(Record.owner_id == user_id)
            .order_by(Record.cycle.desc())
            .limit(1)
        )
        accounts[user_id] = (user.email, record_id)
    db.session.commit()
    return accounts


def signed_in_cookies(app, user_id: int) -> dict[str, str]:
    """The session cookie a browser signed in as this person carries."""
    with app.app_context():
        token = db.session.get(User, user_id).session_token
        db.session.remove()
        db.engine.dispose()
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": token, "_fresh": True}
    )
    return {app.config["SESSION_COOKIE_NAME"]: value}


def browse(port: int, accounts: dict, rounds: int, session_cookies) -> list[tuple[str, object]]:
    """In the browser process: every walk, `rounds` times; the pages that did not answer 200.

    Each round starts with the overview alone, from a browser already signed in (on another
    worker, as with gunicorn): the serving process then builds the overview without having
    signed anyone in, which is when it crashed.
    """
    from bench.gunicorn_smoke import Browser

    failures = []

    def get(browser, path):
        try:
            status, _ = browser.request("GET", path)
        except OSError as error:  # the server died: no reply
            status = repr(error)
        if status != 200:
            failures.append((path, status))

    for _ in range(rounds):
        for cookies in session_cookies:
            browser = Browser(port)
            browser.cookies.update(cookies)
            get(browser, "/supervision")
        for email, record_id in accounts.values():
            browser = Browser(port)
            try:
                browser.sign_in(email, PASSWORD)
            except (OSError, RuntimeError) as error:
                failures.append(("/sign-in", repr(error)))
                return failures
            for path in ["/records", f"/records/{record_id}" if record_id else None]:
                if path:
                    get(browser, path)
            get(browser, "/supervision")
            get(browser, "/supervision")  # the overview alone, as a reload
    return failures


def production_app(database_url: str, secret_key: str):
    """The app as a web worker builds it: production settings."""
    os.environ["APP_ENV"] = "production"
    from app import create_app

    return create_app({"SECRET_KEY": secret_key, "SQLALCHEMY_DATABASE_URI": database_url})


def serve(database_url: str) -> None:
    """The serving process: one request at a time until SIGTERM. Prints its port."""
    from werkzeug.serving import make_server

    app = production_app(database_url, os.environ["PAGE_SEQUENCE_SECRET"])
    server = make_server("127.0.0.1", 0, app)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(server.server_port, flush=True)
    server.serve_forever()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.database_url)
        return 0
    with bench_app(args.database_url).app_context():
        accounts = set_passwords([THREE_LEVEL_MANAGER_ID, MIDDLE_MANAGER_ID])
        db.session.remove()
        db.engine.dispose()
    secret_key = secrets.token_hex(32)
    app = production_app(args.database_url, secret_key)
    session_cookies = [signed_in_cookies(app, user_id) for user_id in accounts]
    # The server is a process of its own, started afresh like a web worker, that does nothing
    # but serve: faulthandler's report goes to this process's stderr.
    server = subprocess.Popen(
        [
            *(sys.executable, "-X", "faulthandler", __file__, "--serve"),
            *("--database-url", args.database_url),
        ],
        env={**os.environ, "PAGE_SEQUENCE_SECRET": secret_key},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(server.stdout.readline())
        failures = browse(port, accounts, args.rounds, session_cookies)
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=30)
    print(f"{args.rounds} rounds, pages not answering 200: {failures}")
    print(f"the serving process ended with status {server.returncode}")
    return 0 if not failures and server.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
