"""The key pages under load at county scale, each against bare Flask in the same run (issue 14).

    .venv/bin/python bench/pages.py                       # everything, about 9 minutes
    .venv/bin/python bench/pages.py --seconds 5 --repeats 1 --pages "my records"   # a quick look

Builds (or reuses) the county on PostgreSQL (`make_county.py --records 12000 --users 10000`, in
the database `bench_i14_county`, and 1,200 records in `bench_i14_county_small` for the query
counts), signs people in by cookie, then serves the app and a bare Flask "hello"
(`bench/hello.py`) with gunicorn on the same settings: 2 workers of the sync worker class, on
loopback, production configuration. Each page is driven by wrk (Debian's package) with 16
connections, a Lua script setting the session cookie (`bench/wrk_session.lua`); every page run
follows a run of bare Flask, and the whole round is repeated (three times by default). Printed:
requests per second, p50 and p95 latency, the share of bare Flask's requests per second in the
same round (the figure to read on a shared machine), and the queries each page sends at 1,200
and 12,000 records.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
COUNTY = f"{SERVER}/bench_i14_county"
SMALL_COUNTY = f"{SERVER}/bench_i14_county_small"
USER_AGENT = "bench-pages"
WORKERS = 2
WORKER_CLASS = "sync"
TARGET_SHARE = 0.25
TARGET_P95_MS = 150
# Indexes that migrations add to tables a county built earlier already has.
EXTRA_INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_users_name_id ON users (name, id)",
    "CREATE INDEX IF NOT EXISTS ix_entries_record_id_id ON entries (record_id, id)",
    "CREATE INDEX IF NOT EXISTS ix_records_signed_off ON records (signed_off_at, id)"
    " WHERE signed_off_at IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS ix_entries_in_library ON entries (record_id, position, id)"
    " WHERE shared_text_flagged IS false AND (good_practice != '' OR pledge != '')",
]


@dataclass
class Page:
    name: str
    path: str
    user_id: int | None  # None: bare Flask, nobody signed in


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ensure_database(url: str) -> None:
    parsed = sa.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def ensure_county(url: str, records: int, users: int) -> None:
    """Reuse the county when it has the records asked for; build it otherwise."""
    from bench.make_county import build_county, fill_the_library, reset_sequences
    from core.database import db

    ensure_database(url)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.scalar(sa.text("SELECT count(*) FROM records"))
    except sa.exc.ProgrammingError:
        found = None
    engine.dispose()
    if found != records:
        print(f"building the county of {records:,} records in {sa.make_url(url).database}")
        made = build_county(url, records, users)
        print(f"  built in {made['seconds']} s")
    app = _app(url)
    with app.app_context():
        stored = db.session.scalar(
            sa.text(
                "SELECT 1 FROM information_schema.columns "
                "WHERE table_name = 'entries' AND column_name = 'search_document'"
            )
        )
        if not stored:  # the library's search index was on the expression before 3f8a6c1e5b92
            db.session.execute(sa.text("DROP INDEX IF EXISTS ix_entries_library_search"))
            db.session.commit()
        # Tables added since the county was built, and the library's search column and index
        # (library/search.py makes them after create_all).
        db.create_all()
        for index in EXTRA_INDEXES:  # indexes added to existing tables since
            db.session.execute(sa.text(index))
        reset_sequences()
        fill_the_library()  # a county built before the library had none
        db.engine.dispose()
    # Bulk inserts leave the planner without statistics (it guessed 928 people for 10,000),
    # which a county's database in use would have.
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))  # as autovacuum leaves a county in use
    engine.dispose()


def _app(url: str, secret_key: str = "bench-pages-" + "x" * 40):
    from bench.make_county import bench_app

    app = bench_app(url)
    app.config["SECRET_KEY"] = secret_key
    return app


def prepare_pages(url: str) -> list[Page]:
    """The people and pages to request: a practitioner with a completed review, their line
    manager and a session between them, and people with the training team's, a district team's
    and the administrator's roles."""
    from core.database import db
    from people.models import Role, User, UserRole
    from pledges.models import Entry, Record
    from supervision.models import SupervisionSession
    from supervision.operations import start_session

    app = _app(url)
    with app.app_context():
        record = db.session.scalar(
            sa.select(Record)
            .join(User, User.id == Record.owner_id)
            .where(Record.completed_at.is_not(None), User.line_manager_id.is_not(None))
            .order_by(Record.id)
            .limit(1)
        )
        owner = record.owner
        manager = owner.line_manager
        entry_id = db.session.scalar(
            sa.select(Entry.id)
            .where(Entry.record_id == record.id, Entry.pledge != "")
            .order_by(Entry.position)
            .limit(1)
        )
        session = db.session.scalar(
            sa.select(SupervisionSession).where(
                SupervisionSession.supervisor_id == manager.id,
                SupervisionSession.supervisee_id == owner.id,
            )
        ) or start_session(manager, supervisee=owner)
        last = db.session.scalar(sa.select(sa.func.max(User.id)))
        roles = {
            last: Role.TRAINING_TEAM,
            last - 1: Role.DISTRICT_TEAM,
            last - 2: Role.ADMINISTRATOR,
        }
        for user_id, role in roles.items():
            if role not in db.session.get(User, user_id).roles:
                db.session.add(UserRole(user_id=user_id, role=role))
        db.session.commit()
        pages = [
            # No query and one small template: the floor of what a page of the app costs.
            Page("sign-in page", "/sign-in", None),
            # Signed in, and nothing else: the user's query, the session's checks, no template.
            # No signed-in page can serve faster than this (the ceiling of the share target).
            Page("signed in, no page (time left)", "/session/status", owner.id),
            Page("my records", "/records", owner.id),
            Page("a record, all entries", f"/records/{record.id}", owner.id),
            Page("its review, one pledge", f"/records/{record.id}/review/{entry_id}", owner.id),
            Page("supervision overview", "/supervision", manager.id),
            Page("a supervision session", f"/supervision/sessions/{session.id}", manager.id),
            Page("county dashboard", "/collation", last),
            Page("district dashboard", "/collation", last - 1),
            Page("county dashboard, one key point", "/collation?key_point=7", last),
            Page("records behind a figure", "/collation/records?status=complete", last),
            Page(
                "a district's records on a key point",
                "/collation/records?key_point=7&judgement=improved",
                last - 1,
            ),
            Page("admin people list", "/admin/people", last - 2),
            Page("good-practice library", "/library", owner.id),
            Page("library, a word searched", "/library?q=supervision", owner.id),
            Page("impact report", "/impact", last),
        ]
        db.engine.dispose()
    return pages


def refresh_summaries(url: str) -> None:
    """What the queue worker does every few minutes: the dashboard's figures and the impact
    report, made current."""
    from collation.summaries import KIND as DASHBOARD
    from core.database import db
    from core.summaries import store_summaries
    from impact.summaries import KIND as IMPACT

    app = _app(url)
    with app.app_context():
        for kind in (DASHBOARD, IMPACT):
            started = time.perf_counter()
            store_summaries(kind)
            db.session.commit()
            print(f"{kind} summaries refreshed in {time.perf_counter() - started:.1f} s")
        db.engine.dispose()


def session_cookie(app, user_id: int | None) -> str | None:
    """A signed-in session cookie for `user_id`, as signing in leaves it (Flask-Login's own
    `login_user` in a request from the address and browser wrk will use); None for nobody."""
    if user_id is None:
        return None
    from flask import session
    from flask_login import login_user

    from core.database import db
    from people.models import User

    with app.test_request_context(
        environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"User-Agent": USER_AGENT}
    ):
        login_user(db.session.get(User, user_id))
        value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return f"__Host-session={value}"


def sign_in_client(app, client, user_id: int | None, domain: str = "localhost") -> None:
    """The test client signed in as `user_id` (by the cookie wrk sends), or signed out."""
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = session_cookie(app, user_id)
    if cookie is None:
        client.delete_cookie(name, domain=domain)
    else:
        client.set_cookie(name, cookie.split("=", 1)[1], domain=domain)


def count_queries(url: str, pages: list[Page]) -> dict[str, int]:
    """Statements each page sends, through the test client (one request, after a warm-up)."""
    from core.database import db

    app = _app(url)
    counts = {}
    with app.app_context():
        client = app.test_client()
        for page in pages:
            sign_in_client(app, client, page.user_id)
            client.get(page.path, headers={"User-Agent": USER_AGENT})
            statements = []

            def note(connection, cursor, statement, parameters, context, executemany):
                statements.append(statement)  # noqa: B023 (removed before the next page)

            sa.event.listen(db.engine, "before_cursor_execute", note)
            with app.app_context():  # a fresh database session, as in a request of its own
                response = client.get(page.path, headers={"User-Agent": USER_AGENT})
            sa.event.remove(db.engine, "before_cursor_execute", note)
            if response.status_code != 200:
                raise RuntimeError(f"{page.name}: {page.path} answered {response.status_code}")
            counts[page.name] = len(statements)
        db.engine.dispose()
    return counts


def start_gunicorn(
    target: str, url: str, port: int, secret_key: str, log, app_dir: Path = ROOT
) -> subprocess.Popen:
    environment = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": url,
    }
    # The checkout's own gunicorn settings (the web workers' start, core/worker_start.py), for
    # the page and for bare Flask alike; a checkout from before them has none.
    config = app_dir / "gunicorn.conf.py"
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn"),
            *(("--config", str(config)) if config.exists() else ()),
            *("--workers", str(WORKERS), "--worker-class", WORKER_CLASS),
            *("--bind", f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "5"),
            *("--error-logfile", "-", "--log-level", "warning"),
            *("--chdir", str(app_dir), "--pythonpath", str(app_dir)),
            target,
        ],
        cwd=app_dir,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def check_page(port: int, path: str, cookie: str | None) -> None:
    """The page answers 200 to the signed-in person (not a redirect to sign-in)."""
    import http.client

    deadline = time.monotonic() + 60
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            headers = {"User-Agent": USER_AGENT, **({"Cookie": cookie} if cookie else {})}
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return
            raise RuntimeError(f"{path} answered {response.status}")
        except ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
        finally:
            connection.close()


@dataclass
class Run:
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    bad_answers: int
    socket_errors: int


def drive(port: int, path: str, cookie: str | None, seconds: int, connections: int) -> Run:
    environment = {**os.environ, "BENCH_COOKIE": cookie or ""}
    result = subprocess.run(
        [
            *("wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s"),
            *("--timeout", "10s", "-H", f"User-Agent: {USER_AGENT}"),
            *("-s", str(ROOT / "bench/wrk_session.lua")),
            f"http://127.0.0.1:{port}{path}",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    requests, microseconds, p50, p95, bad, errors = (int(x) for x in line.split()[1:])
    return Run(requests / (microseconds / 1e6), p50 / 1000, p95 / 1000, bad, errors)


def add_load_arguments(parser: argparse.ArgumentParser, seconds: int) -> None:
    """The county, the pages and wrk's runs: options this script and bench/ceiling.py share."""
    parser.add_argument("--database-url", default=COUNTY)
    parser.add_argument("--records", type=int, default=12_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=seconds, help="each wrk run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--pages", nargs="*", help="only these pages (by name)")


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_arguments(parser, seconds=10)
    parser.add_argument("--small-database-url", default=SMALL_COUNTY)
    parser.add_argument("--no-query-counts", action="store_true")
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="serve the app from another checkout (a worktree of an older commit, say)",
    )
    args = parser.parse_args()
    require_wrk()

    ensure_county(args.database_url, args.records, args.users)
    pages = prepare_pages(args.database_url)
    if args.pages:
        pages = [page for page in pages if page.name in args.pages]
    refresh_summaries(args.database_url)

    counts_small, counts_big = {}, {}
    if not args.no_query_counts:
        small_records = args.records // 10
        ensure_county(args.small_database_url, small_records, args.users // 10)
        small_pages = {page.name: page for page in prepare_pages(args.small_database_url)}
        refresh_summaries(args.small_database_url)
        counts_small = count_queries(
            args.small_database_url, [small_pages[page.name] for page in pages]
        )
        counts_big = count_queries(args.database_url, pages)

    app = _app(args.database_url, secrets.token_urlsafe(48))
    log_name = Path(tempfile.gettempdir()) / f"bench-pages-{os.getpid()}.log"
    with open(log_name, "w") as log:
        results = serve_and_drive(args, pages, app, log)
    print_results(args, pages, results, counts_small, counts_big, log_name)


def serve_and_drive(args, pages: list[Page], app, log) -> dict[str, list[tuple[Run, Run]]]:
    """Start the app and bare Flask under gunicorn, drive them in turn, stop them."""
    secret_key = app.config["SECRET_KEY"]
    app_port, bare_port = free_port(), free_port()
    servers = [
        start_gunicorn(
            "app:create_app()", args.database_url, app_port, secret_key, log, args.app_dir
        ),
        start_gunicorn("bench.hello:create_app()", args.database_url, bare_port, secret_key, log),
    ]
    results: dict[str, list[tuple[Run, Run]]] = {page.name: [] for page in pages}
    try:
        check_page(bare_port, "/", None)
        for repeat in range(1, args.repeats + 1):
            for page in pages:
                with app.app_context():
                    cookie = session_cookie(app, page.user_id)
                check_page(app_port, page.path, cookie)
                bare = drive(bare_port, "/", None, args.seconds, args.connections)
                run = drive(app_port, page.path, cookie, args.seconds, args.connections)
                results[page.name].append((run, bare))
                print(
                    f"round {repeat}, {page.name}: {run.requests_per_second:.1f} req/s, "
                    f"p50 {run.p50_ms:.0f} ms, p95 {run.p95_ms:.0f} ms "
                    f"(bare Flask {bare.requests_per_second:.0f} req/s, p95 {bare.p95_ms:.0f} ms)"
                    + (f", {run.bad_answers} bad answers" if run.bad_answers else "")
                    + (f", {run.socket_errors} socket errors" if run.socket_errors else ""),
                    flush=True,
                )
    finally:
        for server in servers:
            stop_gunicorn(server)
    return results


def print_results(args, pages, results, counts_small, counts_big, log_name) -> None:
    print(f"\ngunicorn: {WORKERS} workers, worker class {WORKER_CLASS}; wrk: 2 threads, "
          f"{args.connections} connections, {args.seconds} s a run, {args.repeats} rounds; "
          f"median of the rounds; server log {log_name}\n")  # fmt: skip
    header = "| page | req/s | p50 | p95 | share of bare Flask | queries, 1,200 / 12,000 records | target |"
    print(header)
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    bare_rates = [bare.requests_per_second for runs in results.values() for _, bare in runs]
    bare_p50 = [bare.p50_ms for runs in results.values() for _, bare in runs]
    bare_p95 = [bare.p95_ms for runs in results.values() for _, bare in runs]
    print(
        f"| bare Flask hello | {statistics.median(bare_rates):,.0f} | "
        f"{statistics.median(bare_p50):.0f} ms | {statistics.median(bare_p95):.0f} ms | 100 % | – | |"
    )
    for page in pages:
        runs = results[page.name]
        rate = statistics.median(run.requests_per_second for run, _ in runs)
        share = statistics.median(
            run.requests_per_second / bare.requests_per_second for run, bare in runs
        )
        p50 = statistics.median(run.p50_ms for run, _ in runs)
        p95 = statistics.median(run.p95_ms for run, _ in runs)
        met = {
            (True, True): "met",
            (False, True): "p95 met, share not",
            (True, False): "share met, p95 not",
            (False, False): "not met",
        }[share >= TARGET_SHARE, p95 < TARGET_P95_MS]
        queries = (
            f"{counts_small.get(page.name, '?')} / {counts_big.get(page.name, '?')}"
            if counts_big
            else "–"
        )
        print(
            f"| {page.name} | {rate:,.1f} | {p50:.0f} ms | {p95:.0f} ms | {share:.1%} | "
            f"{queries} | {met} |"
        )


if __name__ == "__main__":
    main()
