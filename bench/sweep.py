"""Time the daily review sweep on the county, beside its floor: one count of the reviews due.

    python bench/sweep.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/pledges_bench
    python bench/sweep.py --records 1200 --users 1000          # a quick run on a SQLite file

Builds the county with make_county.py, or reuses it when it already holds that many records and
people. On 24 May 2027 every open review of that county is four weeks overdue, so the first sweep
sends the most a day can send (15,444 prompts on the 12,000-record county), and the same sweep
again sends nothing. Each repetition clears the prompts and notifications, then runs in turn,
each in its own process as the scheduler or `flask reviews sweep` would:

- the baseline: `SELECT count(*)` of the reviews due that day, the floor of any sweep;
- the first sweep, emails handed to the mail worker and sent (written to the log without
  MAIL_SERVER) before the clock stops;
- the same sweep again, with nothing to send.

Prints the median of each (the timed work alone, and the whole process with Python's start-up),
its ratio to the baseline's, the peak memory of each process, and the plan of the sweep's query.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

DAY = date(2027, 5, 24)


def _child(kind: str, as_of: date) -> None:
    """Run in a process of its own: time one count or one sweep, print what it measured."""
    started = time.perf_counter()
    from app import create_app
    from core.database import db
    from core.mail import wait_until_sent
    from pledges.models import Record, RecordState
    from pledges.review.sweep import HEADS_UP_BEFORE, sweep_review_prompts

    app = create_app()
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))  # connect before the clock starts
        ready = time.perf_counter()
        if kind == "count":
            found = db.session.scalar(
                sa.select(sa.func.count(Record.id)).where(
                    Record.review_due_on.is_not(None),
                    Record.state != RecordState.COMPLETE,
                    Record.review_due_on <= as_of + HEADS_UP_BEFORE,
                )
            )
        else:
            found = len(sweep_review_prompts(as_of))
            wait_until_sent(timeout=600)
        seconds = time.perf_counter() - ready
    print(json.dumps({"found": found, "seconds": seconds, "start_up": ready - started}))


def _run_child(kind: str, database_url: str, as_of: date) -> dict:
    environment = {**os.environ, "APP_ENV": "development", "DATABASE_URL": database_url}
    environment.pop("MAIL_SERVER", None)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, "--as-of", as_of.isoformat()],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the mail log: every email, in development
        text=True,
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{kind} failed: {output}")
    measured = json.loads(output.strip().splitlines()[-1])
    measured["process"] = time.perf_counter() - started
    measured["peak_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    return measured


def _engine(database_url: str):
    return sa.create_engine(database_url)


def _county_is_built(database_url: str, records: int, users: int) -> bool:
    engine = _engine(database_url)
    try:
        with engine.connect() as connection:
            counted = connection.execute(
                sa.text("SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM users)")
            ).one()
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()
    return tuple(counted) == (records, users)


def _prepare(database_url: str) -> None:
    """The sweep's indexes (a reused county may predate them), and nothing yet sent."""
    from pledges.models import Record

    engine = _engine(database_url)
    with engine.begin() as connection:
        for index in Record.__table__.indexes:
            index.create(connection, checkfirst=True)
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("TRUNCATE review_prompts, notifications"))
        else:
            connection.execute(sa.text("DELETE FROM review_prompts"))
            connection.execute(sa.text("DELETE FROM notifications"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("ANALYZE"))
    engine.dispose()


def _plan(database_url: str, as_of: date) -> list[str]:
    """EXPLAIN ANALYZE of the sweep's query on PostgreSQL (empty elsewhere)."""
    from bench.make_county import bench_app
    from core.database import db
    from pledges.review.sweep import BATCH_SIZE, owed_query

    app = bench_app(database_url)
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return []
        query = owed_query(as_of, BATCH_SIZE).compile(
            db.engine, compile_kwargs={"literal_binds": True}
        )
        lines = db.session.execute(sa.text(f"EXPLAIN (ANALYZE, COSTS OFF) {query}")).scalars()
        plan = list(lines)
        db.engine.dispose()
    return plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=12_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--as-of", type=date.fromisoformat, default=DAY)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="Build the county even if present.")
    parser.add_argument("--child", choices=["count", "sweep"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.as_of)
        return
    (ROOT / "bench/output").mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{ROOT / f'bench/output/sweep-{args.records}.sqlite'}"
    if args.rebuild or not _county_is_built(url, args.records, args.users):
        from bench.make_county import build_county

        print("building the county:", build_county(url, args.records, args.users), flush=True)
    runs: dict[str, list[dict]] = {"count": [], "first": [], "again": []}
    for repetition in range(1, args.repetitions + 1):
        _prepare(url)
        runs["count"].append(_run_child("count", url, args.as_of))
        runs["first"].append(_run_child("sweep", url, args.as_of))
        runs["again"].append(_run_child("sweep", url, args.as_of))
        print(
            f"repetition {repetition}: "
            + ", ".join(
                f"{name} {run[-1]['seconds']:.3f} s ({run[-1]['found']:,})"
                for name, run in runs.items()
            ),
            flush=True,
        )

    def median(name: str, field: str) -> float:
        return statistics.median(run[field] for run in runs[name])

    floor, floor_process = median("count", "seconds"), median("count", "process")
    engine = _engine(url)
    print(
        f"\n{engine.dialect.name}, {args.records:,} records, {args.users:,} people, sweep for "
        f"{args.as_of.isoformat()}, median of {args.repetitions}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}\n"
    )
    engine.dispose()
    print("| run | found | work | × baseline | whole process | × baseline | peak memory |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, label in (
        ("count", "baseline: count(*) of the reviews due"),
        ("first", "first sweep"),
        ("again", "the same sweep again"),
    ):
        work, process = median(name, "seconds"), median(name, "process")
        print(
            f"| {label} | {runs[name][0]['found']:,} | {work:.3f} s | {work / floor:,.0f} | "
            f"{process:.2f} s | {process / floor_process:.2f} | "
            f"{median(name, 'peak_mb'):.0f} MB |"
        )
    plan = _plan(url, args.as_of)
    if plan:
        print("\nThe sweep's query with nothing left to send (EXPLAIN ANALYZE):\n")
        print("\n".join(plan))


if __name__ == "__main__":
    main()
