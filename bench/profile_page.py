"""Where one page's time goes, in one process: CPU per request and a cProfile of the page.

    .venv/bin/python bench/profile_page.py "a record, all entries"      # after bench/pages.py
    .venv/bin/python bench/profile_page.py --requests 300 --top 40 "supervision overview"
    .venv/bin/python bench/profile_page.py --requests 20 --explain 2 "library, a word searched"
    .venv/bin/python bench/profile_page.py --requests 30 --prepared "a record, all entries"

Serves the page through the test client on the production configuration (as gunicorn does) from
the county `bench/pages.py` built, signed in by cookie, and prints the CPU time of one request
(process time, so the machine's other work counts less), the CPU the PostgreSQL backend serving
it spent (read from /proc: PostgreSQL runs on this machine), and the functions that take it.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.pages import COUNTY, USER_AGENT, prepare_pages, sign_in_client  # noqa: E402

SECRET = "bench-profile-" + "x" * 40


def production_app(url: str):
    """The app as gunicorn builds it in bench/pages.py: the production configuration."""
    import importlib

    import config

    os.environ.update(APP_ENV="production", SECRET_KEY=SECRET, DATABASE_URL=url)
    os.environ.setdefault("BASE_URL", "https://localhost")
    importlib.reload(config)  # its classes read the environment when imported
    from app import create_app

    return create_app()


def statements_sent(app, client, path: str, headers: dict) -> list[tuple[str, object, float]]:
    """Each statement one request sends: its text, its parameters and its time in ms."""
    import sqlalchemy as sa

    from core.database import db

    with app.app_context():
        engine = db.engine
    sent: list[tuple[str, object, float]] = []

    def before(connection, cursor, statement, parameters, context, executemany):
        context._bench_started = time.perf_counter()

    def after(connection, cursor, statement, parameters, context, executemany):
        elapsed = (time.perf_counter() - context._bench_started) * 1000
        sent.append((statement, parameters, elapsed))

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        client.get(path, headers=headers, base_url="https://localhost")
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
    return sent


def print_statements(app, client, path: str, headers: dict) -> None:
    """Each statement one request sends, with its time (the median of 20 requests)."""
    import statistics

    times: dict[int, list[float]] = {}
    texts: dict[int, str] = {}
    for _ in range(20):
        for number, (statement, _, elapsed) in enumerate(
            statements_sent(app, client, path, headers)
        ):
            texts[number] = " ".join(statement.split())
            times.setdefault(number, []).append(elapsed)
    for number, text in texts.items():
        print(f"  {statistics.median(times[number]):7.2f} ms  {text[:220]}")


def print_plans(app, client, path: str, headers: dict, slower_than_ms: float) -> None:
    """`EXPLAIN (ANALYZE, BUFFERS)` of each statement one request sends that took longer than
    `slower_than_ms`, with the parameters it was sent with."""
    from core.database import db

    sent = statements_sent(app, client, path, headers)
    with app.app_context(), db.engine.connect() as connection:
        for statement, parameters, elapsed in sent:
            if elapsed < slower_than_ms or not statement.lstrip().upper().startswith("SELECT"):
                continue
            print(f"\n--- {elapsed:.2f} ms: {' '.join(statement.split())[:400]}")
            print(f"    parameters: {parameters}")
            plan = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
            ).scalars()
            print("\n".join(f"    {line}" for line in plan))


def print_prepared(app) -> None:
    """How often PostgreSQL used each prepared statement's one generic plan, and how often it
    planned it afresh for the values sent (`pg_prepared_statements` of the app's connection)."""
    import sqlalchemy as sa

    from core.database import db

    with app.app_context():
        rows = db.session.execute(
            sa.text(
                "SELECT generic_plans, custom_plans, statement FROM pg_prepared_statements"
                " ORDER BY custom_plans DESC, generic_plans DESC"
            )
        ).all()
    print("  generic  custom  statement")
    for generic, custom, statement in rows:
        print(f"  {generic:7d} {custom:7d}  {' '.join(statement.split())[:160]}")


def database_backend(app) -> int:
    """The process id of the PostgreSQL backend serving the app's connection: the pool of a
    single-threaded client hands the same connection to every request."""
    import sqlalchemy as sa

    from core.database import db

    with app.app_context():
        return db.session.scalar(sa.text("SELECT pg_backend_pid()"))


def backend_cpu_seconds(pid: int) -> float:
    """User and system CPU of a process on this machine (PostgreSQL runs here in the bench)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", help="page names, as bench/pages.py names them")
    parser.add_argument("--database-url", default=COUNTY)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--statements", action="store_true", help="time each statement instead")
    parser.add_argument(
        "--explain",
        type=float,
        metavar="MS",
        help="print the plan of each statement slower than MS instead",
    )
    parser.add_argument(
        "--prepared",
        action="store_true",
        help="print how often each prepared statement was planned afresh instead",
    )
    options = parser.parse_args()
    pages = {page.name: page for page in prepare_pages(options.database_url)}
    app = production_app(options.database_url)
    client = app.test_client()
    for name in options.pages:
        page = pages[name]
        sign_in_client(app, client, page.user_id)
        headers = {"User-Agent": USER_AGENT}
        for _ in range(20):
            response = client.get(page.path, headers=headers, base_url="https://localhost")
            assert response.status_code == 200, (name, response.status_code)
        backend = database_backend(app)
        database_cpu = backend_cpu_seconds(backend)
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(options.requests):
            client.get(page.path, headers=headers, base_url="https://localhost")
        wall = (time.perf_counter() - started) / options.requests * 1000
        cpu = (time.process_time() - cpu) / options.requests * 1000
        database_cpu = (backend_cpu_seconds(backend) - database_cpu) / options.requests * 1000
        print(
            f"{name}: {cpu:.2f} ms CPU, PostgreSQL {database_cpu:.2f} ms CPU, {wall:.2f} ms wall"
            f" a request ({len(response.data):,} bytes)"
        )
        if options.statements:
            print_statements(app, client, page.path, headers)
            continue
        if options.prepared:
            print_prepared(app)
            continue
        if options.explain is not None:
            print_plans(app, client, page.path, headers, options.explain)
            continue
        # Process time, not wall time: waiting for the database is not the app's CPU.
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(options.requests):
            client.get(page.path, headers=headers, base_url="https://localhost")
        profile.disable()
        pstats.Stats(profile).sort_stats(options.sort).print_stats(options.top)


if __name__ == "__main__":
    main()
