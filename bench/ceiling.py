"""How high each key page's share of bare Flask could go, whatever its queries cost (issue 14).

    .venv/bin/python bench/ceiling.py                     # every key page, about 25 minutes
    .venv/bin/python bench/ceiling.py --seconds 5 --repeats 1 --pages "my records"

The same setup as bench/pages.py (the county it builds on PostgreSQL, gunicorn with 2 sync
workers and the checkout's gunicorn.conf.py, wrk with 16 connections). For each page it serves
`bench/ceiling_app.py`, the app with the page kept in memory, and drives in turn, each after a
run of bare Flask:

- the page itself;
- *signed in, no page*: the cookie, the user's one query, 72 bytes of JSON;
- *template alone*: the page's template rendered from values in memory, nobody signed in, no
  query, no view;
- *bytes kept*: the page's HTML as one request left it, nobody signed in.

A request costs the machine about 1 / (requests per second). A signed-in page costs at least
the signed-in floor plus its template, less the one bare request both of those include, so the
best share the page could reach if reading its data cost nothing is

    1 / (1/floor + 1/template - 1/bare)  ÷  bare

and if its whole HTML were served from a cache after the sign-in check, the same with the
bytes kept in place of the template. Both are printed next to the page's share now.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages import (  # noqa: E402
    WORKER_CLASS,
    WORKERS,
    _app,
    add_load_arguments,
    check_page,
    drive,
    ensure_county,
    free_port,
    prepare_pages,
    refresh_summaries,
    require_wrk,
    session_cookie,
    start_gunicorn,
    stop_gunicorn,
)

# The cheapest signed-in request, as bench/pages.py names it.
FLOOR = "signed in, no page (time left)"
# Pages that are not a rendered page of their own: no template to keep.
NOT_PAGES = {"sign-in page", FLOOR}
# Pages served from the summaries, which count only while they are today's and under 30 minutes
# old: refreshed just before such a page is measured, as the queue worker keeps them.
FROM_SUMMARIES = {"/collation", "/impact"}
RUNS = ("page", "signed-in floor", "template alone", "bytes kept")


def measure_page(args, page, floor_path: str, app, log) -> dict[str, list[float]]:
    """Each run's share of bare Flask, one per round, for one page."""
    secret_key = app.config["SECRET_KEY"]
    with app.app_context():
        cookie = session_cookie(app, page.user_id)
    os.environ.update(BENCH_CEILING_PATH=page.path, BENCH_CEILING_COOKIE=cookie)
    app_port, bare_port = free_port(), free_port()
    servers = [
        start_gunicorn("bench.ceiling_app:create_app()", args.database_url, app_port, secret_key, log),
        start_gunicorn("bench.hello:create_app()", args.database_url, bare_port, secret_key, log),
    ]  # fmt: skip
    paths = {
        "page": (page.path, cookie),
        "signed-in floor": (floor_path, cookie),
        "template alone": ("/ceiling/render", None),
        "bytes kept": ("/ceiling/bytes", None),
    }
    rates: dict[str, list[float]] = {run: [] for run in ("bare", *RUNS)}
    try:
        check_page(bare_port, "/", None)
        for path, run_cookie in paths.values():
            check_page(app_port, path, run_cookie)
        for repeat in range(1, args.repeats + 1):
            for run, (path, run_cookie) in paths.items():
                bare = drive(bare_port, "/", None, args.seconds, args.connections)
                served = drive(app_port, path, run_cookie, args.seconds, args.connections)
                if served.bad_answers or served.socket_errors:
                    raise RuntimeError(f"{page.name}, {run}: {served}")
                rates["bare"].append(bare.requests_per_second)
                rates[run].append(served.requests_per_second / bare.requests_per_second)
                print(
                    f"round {repeat}, {page.name}, {run}: {served.requests_per_second:.1f} req/s,"
                    f" {rates[run][-1]:.1%} of bare Flask ({bare.requests_per_second:.0f} req/s)",
                    flush=True,
                )
    finally:
        for server in servers:
            stop_gunicorn(server)
    return rates


def best_share(floor: float, part: float) -> float:
    """The share of a request costing the floor and `part`, less the bare request both hold
    (each argument a share of bare Flask, so the bare request costs 1)."""
    return 1 / (1 / floor + 1 / part - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_arguments(parser, seconds=5)
    args = parser.parse_args()
    require_wrk()

    ensure_county(args.database_url, args.records, args.users)
    every_page = prepare_pages(args.database_url)
    floor_path = next(page.path for page in every_page if page.name == FLOOR)
    pages = [page for page in every_page if page.name not in NOT_PAGES]
    if args.pages:
        pages = [page for page in pages if page.name in args.pages]
    app = _app(args.database_url, secrets.token_urlsafe(48))
    log_name = Path(tempfile.gettempdir()) / f"bench-ceiling-{os.getpid()}.log"
    results = {}
    with open(log_name, "w") as log:
        for page in pages:
            if page.path.split("?")[0] in FROM_SUMMARIES:
                refresh_summaries(args.database_url)
            results[page.name] = measure_page(args, page, floor_path, app, log)

    print(
        f"\ngunicorn: {WORKERS} workers, worker class {WORKER_CLASS}; wrk: 2 threads, "
        f"{args.connections} connections, {args.seconds} s a run, {args.repeats} rounds; "
        f"median of the rounds; server log {log_name}\n"
    )
    print(
        "| page | bare Flask req/s | page now | signed-in floor | template alone | bytes kept "
        "| best share, data free | best share, whole page cached |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, rates in results.items():
        share = {run: statistics.median(rates[run]) for run in RUNS}
        print(
            f"| {name} | {statistics.median(rates['bare']):,.0f} | {share['page']:.1%} "
            f"| {share['signed-in floor']:.1%} | {share['template alone']:.1%} "
            f"| {share['bytes kept']:.1%} "
            f"| {best_share(share['signed-in floor'], share['template alone']):.1%} "
            f"| {best_share(share['signed-in floor'], share['bytes kept']):.1%} |"
        )


if __name__ == "__main__":
    main()
