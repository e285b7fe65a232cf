"""A short smoke run under gunicorn: the county's key pages, a few hundred requests, no dead worker.

    python bench/gunicorn_smoke.py --database-url postgresql+psycopg://...  [--requests 300]

Builds the 1,200-record county (`make_county.py --three-level-manager`) in the given database,
serves it with gunicorn (2 sync workers, production settings, loopback only, faulthandler on),
requests the overview of the manager of 59 ten times from a browser already signed in (so it
reaches workers that have signed nobody in, as when workers crashed), then signs in five people
over HTTP and requests their key pages round-robin. It fails (exit 1)
when a page does not answer 200, a reply is empty, or the server's log shows a worker killed
by a signal, a worker exiting with an error, a worker timeout, or a worker started again
(issue 20: a worker died with SIGSEGV about once in 100 requests). Everything is bounded in
time: the server is stopped when the run ends, passes or not.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# A worker killed by a signal (SIGTERM at shutdown is expected), exiting badly, or timing out;
# or the interpreter's own report of a crash (faulthandler writes it to the worker's stderr).
TROUBLE = re.compile(
    r"was sent (?!SIGTERM)|exited with code|WORKER TIMEOUT|Fatal Python error|Segmentation fault"
)
BOOTED = re.compile(r"Booting worker with pid")
PREPARED = re.compile(r"web worker prepared: \d+ templates compiled")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_accounts(database_url: str) -> dict[str, tuple[str, list[str]]]:
    """Passwords and roles for five people; returns each one's email and pages to request."""
    import sqlalchemy as sa

    from bench.make_county import bench_app
    from bench.page_sequence import set_passwords
    from core.database import db
    from people.models import Role, User, UserRole
    from pledges.models import Record

    app = bench_app(database_url)
    with app.app_context():
        practitioner_id = db.session.scalar(
            sa.select(Record.owner_id)
            .join(User, User.id == Record.owner_id)
            .where(User.line_manager_id == 2)
            .order_by(Record.id)
            .limit(1)
        )
        accounts = set_passwords([1, 2, 3, 4, practitioner_id])
        for user_id, role in ((3, Role.TRAINING_TEAM), (4, Role.ADMINISTRATOR)):
            if role not in db.session.get(User, user_id).roles:
                db.session.add(UserRole(user_id=user_id, role=role))
        db.session.commit()
        db.engine.dispose()

    def own_pages(user_id):
        email, record_id = accounts[user_id]
        pages = ["/records", "/notifications", "/profile", "/framework"]
        if record_id:
            pages.append(f"/records/{record_id}")
        return email, pages

    top = own_pages(1)
    middle = own_pages(2)
    training = own_pages(3)
    admin = own_pages(4)
    practitioner = own_pages(practitioner_id)
    return {
        "manager of 59": (top[0], [*top[1], "/supervision", "/supervision/sessions"]),
        "manager of 12": (middle[0], [*middle[1], "/supervision", "/supervision/sessions"]),
        "training team": (training[0], [*training[1], "/collation"]),
        "administrator": (admin[0], [*admin[1], "/admin/people", "/admin/teams", "/admin/"]),
        "practitioner": practitioner,
    }


class Browser:
    """One signed-in person over plain HTTP, keeping the cookies the server sets by hand
    (production cookies are Secure, which a cookie jar would not send over http://)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, content

    def sign_in(self, email: str, password: str) -> None:
        status, page = self.request("GET", "/sign-in")
        match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        if status != 200 or not match:
            raise RuntimeError(f"the sign-in page answered {status} without a form")
        body = {"csrf_token": match.group(1).decode(), "email": email, "password": password}
        status, _ = self.request("POST", "/sign-in", body)
        if status != 302:
            raise RuntimeError(f"signing in {email} answered {status}, not a redirect")


def start_server(
    database_url: str, port: int, workers: int, log_file, secret_key: str
) -> subprocess.Popen:
    environment = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "PYTHONFAULTHANDLER": "1",
    }
    return subprocess.Popen(
        [
            *(sys.executable, "-X", "faulthandler", "-m", "gunicorn"),
            *("--config", str(ROOT / "gunicorn.conf.py")),  # as the README deploys it
            *("--workers", str(workers), "--worker-class", "sync"),
            *("--bind", f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "10"),
            *("--error-logfile", "-", "--log-level", "info"),
            "app:create_app()",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_serving(port: int, server: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start with status {server.returncode}")
        try:
            status, _ = Browser(port).request("GET", "/sign-in")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def run(
    database_url: str, records: int, requests: int, workers: int, time_limit: float
) -> list[str]:
    """The smoke run; returns the problems found (empty when it passed)."""
    from bench.make_county import build_county
    from bench.page_sequence import PASSWORD

    started = time.monotonic()
    made = build_county(
        database_url, records=records, users=max(records * 10 // 12, 500), three_level_manager=True
    )
    print(f"gunicorn smoke: county built ({made['records']:,} records) in {made['seconds']} s")
    accounts = prepare_accounts(database_url)
    # A browser already signed in as the manager of 59 (as if on another worker): the first
    # overviews reach workers that have signed nobody in, which is when workers crashed.
    from bench.page_sequence import production_app, signed_in_cookies

    secret_key = secrets.token_hex(32)
    already_signed_in = signed_in_cookies(production_app(database_url, secret_key), 1)
    port = free_port()
    problems: list[str] = []
    with tempfile.NamedTemporaryFile("w+", suffix=".log", prefix="gunicorn-smoke-") as log_file:
        server = start_server(database_url, port, workers, log_file, secret_key)
        try:
            wait_until_serving(port, server, time.monotonic() + 60)
            first = Browser(port)
            first.cookies.update(already_signed_in)
            deadline = started + time_limit
            done = 0

            def request(who, browser, page):
                try:
                    status, content = browser.request("GET", page)
                except (http.client.HTTPException, OSError) as error:
                    problems.append(f"{page} as the {who}: no reply ({error!r})")
                else:
                    if status != 200 or not content:
                        problems.append(f"{page} as the {who}: {status}, {len(content)} bytes")

            for _ in range(10):  # before any sign-in, so they reach workers fresh
                request("manager of 59", first, "/supervision")
                done += 1
            browsers = []
            for who, (email, pages) in accounts.items():
                browser = Browser(port)
                try:
                    browser.sign_in(email, PASSWORD)
                except (http.client.HTTPException, OSError, RuntimeError) as error:
                    problems.append(f"signing in the {who}: {error!r}")
                else:
                    browsers.append((who, browser, pages))
            if not browsers:
                raise RuntimeError("nobody could sign in")
            work = [(who, b, page) for who, b, pages in browsers for page in pages]
            while done < requests and time.monotonic() < deadline:
                request(*work[done % len(work)])
                done += 1
            if done < requests:
                problems.append(f"only {done} of {requests} requests within {time_limit:.0f} s")
            print(f"gunicorn smoke: {done} requests in {time.monotonic() - started:.1f} s")
        except RuntimeError as error:
            problems.append(str(error))
        finally:
            stop_server(server)
            log_file.seek(0)
            log = log_file.read()
    trouble = [line for line in log.splitlines() if TROUBLE.search(line)]
    problems += [f"server log: {line}" for line in trouble]
    booted = len(BOOTED.findall(log))
    if booted != workers:
        problems.append(
            f"{booted} workers were started for {workers}: a worker died and was replaced"
        )
    prepared = len(PREPARED.findall(log))
    if prepared != workers:
        problems.append(f"{prepared} workers of {workers} were prepared (gunicorn.conf.py)")
    if problems:
        print(log[-6000:], file=sys.stderr)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--records", type=int, default=1200)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=420, help="seconds, all included")
    args = parser.parse_args()
    problems = run(args.database_url, args.records, args.requests, args.workers, args.time_limit)
    for problem in problems[:20]:
        print(f"gunicorn smoke: FAILED: {problem}", file=sys.stderr)
    if not problems:
        print("gunicorn smoke: passed, no worker killed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
