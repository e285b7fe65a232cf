"""`make run`'s warm start: the set-up step and the web server's start, on a demo already set up.

    python bench/warm_start.py [--runs 3]

Does what `make run` does before the first page can be served, in a database of its own (a
SQLite file in a temporary folder, never instance/): `flask setup-demo` once to set up (not
timed), then, each run, `flask setup-demo` again (the warm set-up: migrations, framework and
demo already there) and `flask run` on a free port until /sign-in answers 200. Prints wall time
and CPU time (user + system of the child processes) for each, and their medians. The scheduler
and the queue worker that `make run` starts beside the server are left out: they start side by
side with it and no page waits for them.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLASK = [str(Path(sys.executable).with_name("flask")), "--app", "app"]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def timed_setup(environment) -> tuple[float, float]:
    cpu, started = children_cpu(), time.perf_counter()
    subprocess.run([*FLASK, "setup-demo"], cwd=ROOT, env=environment, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started, children_cpu() - cpu


def timed_server_start(environment) -> tuple[float, float]:
    """From starting `flask run` to the first 200 from /sign-in; CPU of the server until then."""
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [*FLASK, "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"flask run stopped with status {server.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=5) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
        wall = time.perf_counter() - started
        with open(f"/proc/{server.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        cpu = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime of the server
    finally:
        server.terminate()
        server.wait(timeout=30)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="warm-start-") as folder:
        environment = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'pledges.sqlite'}",
            "HUEY_URL": f"sqlite:///{Path(folder) / 'queue.sqlite'}",
        }
        subprocess.run([*FLASK, "setup-demo"], cwd=ROOT, env=environment, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        rows = []
        for run in range(1, args.runs + 1):
            setup_wall, setup_cpu = timed_setup(environment)
            serve_wall, serve_cpu = timed_server_start(environment)
            rows.append((setup_wall, setup_cpu, serve_wall, serve_cpu))
            print(
                f"run {run}: setup-demo {setup_wall:.2f} s wall, {setup_cpu:.2f} s CPU; "
                f"server answering {serve_wall:.2f} s wall, {serve_cpu:.2f} s CPU; "
                f"together {setup_wall + serve_wall:.2f} s wall"
            )
    medians = [statistics.median(column) for column in zip(*rows, strict=True)]
    print(
        f"median: setup-demo {medians[0]:.2f} s wall, {medians[1]:.2f} s CPU; server answering "
        f"{medians[2]:.2f} s wall, {medians[3]:.2f} s CPU; load average {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
