"""The garbage collector's pauses in a web worker, as gunicorn prepares it or not.

    .venv/bin/python bench/gc_pauses.py                                   # the record page
    .venv/bin/python bench/gc_pauses.py --requests 2000 "supervision overview"

Serves one page of the county `bench/pages.py` built (as bench/profile_page.py does: the test
client, the production configuration) in two processes, one after the other: one with the
collector as CPython leaves it, one prepared as gunicorn.conf.py prepares a web worker
(core/worker_start.py: every template compiled, then `gc.freeze()`). For each it prints the
collections of each generation (how many, their time in all, the longest), the request times
(p50, p95, p99, the longest) and CPU a request. A full collection stops the worker; under load
every request queued behind it waits as long.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def measure(page_name: str, requests: int, prepared: bool) -> dict:
    """In this process: warm the page, then serve it `requests` times, timing every collection."""
    from bench.profile_page import COUNTY, USER_AGENT, prepare_pages, production_app, sign_in_client

    page = {page.name: page for page in prepare_pages(COUNTY)}[page_name]
    app = production_app(COUNTY)
    if prepared:
        from core.worker_start import prepare_web_worker

        prepare_web_worker(app)
    client = app.test_client()
    sign_in_client(app, client, page.user_id)
    headers = {"User-Agent": USER_AGENT}
    for _ in range(50):
        client.get(page.path, headers=headers, base_url="https://localhost")

    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    started: list[float] = []

    def timed(phase: str, info: dict) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        else:
            pauses[info["generation"]].append((time.perf_counter() - started.pop()) * 1000)

    gc.callbacks.append(timed)
    times = []
    cpu = time.process_time()
    for _ in range(requests):
        begun = time.perf_counter()
        client.get(page.path, headers=headers, base_url="https://localhost")
        times.append((time.perf_counter() - begun) * 1000)
    cpu = (time.process_time() - cpu) / requests * 1000
    gc.callbacks.remove(timed)
    times.sort()
    return {
        "cpu": cpu,
        "times": [times[len(times) * share // 100] for share in (50, 95, 99)] + [times[-1]],
        "pauses": {str(g): [len(p), sum(p), max(p, default=0.0)] for g, p in pauses.items()},
        "tracked": len(gc.get_objects()),
        "frozen": gc.get_freeze_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", nargs="?", default="a record, all entries")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--one", choices=("as-left", "prepared"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:
        result = measure(options.page, options.requests, options.one == "prepared")
        print(json.dumps(result))
        return
    print(f"{options.page}, {options.requests:,} requests after 50 to warm up")
    for how in ("as-left", "prepared"):
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                options.page,
                "--requests",
                str(options.requests),
                "--one",
                how,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        p50, p95, p99, longest = result["times"]
        print(
            f"\n{how}: {result['cpu']:.2f} ms CPU a request; request p50 {p50:.1f} ms, p95 "
            f"{p95:.1f}, p99 {p99:.1f}, longest {longest:.1f}; objects tracked "
            f"{result['tracked']:,}, frozen {result['frozen']:,}"
        )
        for generation, (count, total, longest) in result["pauses"].items():
            print(
                f"  generation {generation}: {count:,} collections, {total:.1f} ms in all, "
                f"the longest {longest:.2f} ms"
            )


if __name__ == "__main__":
    main()
