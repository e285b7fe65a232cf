"""Time the county-wide exports and report peak memory, at two sizes to show how time grows.

    python bench/export.py                      # 1,200 and 12,000 records
    python bench/export.py --sizes 1200         # a quick run

Each export runs in its own process so that its peak memory (ru_maxrss) is its own.
Targets (issue 5): the whole-county PDF in under 60 s and 500 MB on this 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 60
TARGET_MB = 500


def run_one(kind: str, database_url: str) -> dict:
    """In a child process: one export of the whole county, timed."""
    import tempfile

    from bench.make_county import bench_app
    from collation.exports import write_export
    from collation.models import ExportKind
    from collation.selection import Selection

    app = bench_app(database_url)
    with app.app_context(), tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        write_export(ExportKind(kind), Selection(), out)
        seconds = time.perf_counter() - started
        size = out.tell()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "kind": kind,
        "seconds": round(seconds, 2),
        "peak_mb": round(peak_mb),
        "bytes": size,
    }


def measure(kind: str, database_url: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--one", kind, "--database-url", database_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1200, 12000])
    parser.add_argument("--kinds", nargs="+", default=["pdf", "xlsx", "csv"])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.database_url)))
        return

    from bench.make_county import build_county

    (ROOT / "bench/output").mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, dict]] = {}
    for size in args.sizes:
        url = f"sqlite:///{ROOT / f'bench/output/county-{size}.sqlite'}"
        made = build_county(url, records=size, users=max(size * 10 // 12, 10))
        print(
            f"{size:,} records: {made['entries']:,} entries, {made['evidence']:,} evidence "
            f"(built in {made['seconds']} s)"
        )
        results[size] = {}
        for kind in args.kinds:
            result = measure(kind, url)
            results[size][kind] = result
            print(
                f"  {kind:<5} {result['seconds']:>8.2f} s  {result['peak_mb']:>6} MB peak  "
                f"{result['bytes']:>12,} bytes"
            )
    if len(args.sizes) >= 2:
        small, large = sorted(args.sizes)[0], sorted(args.sizes)[-1]
        for kind in args.kinds:
            ratio = results[large][kind]["seconds"] / max(results[small][kind]["seconds"], 0.01)
            print(
                f"{kind}: {large:,} / {small:,} records took {ratio:.1f}x as long "
                f"({large / small:.0f}x the records; linear would be {large / small:.0f}x)"
            )
    largest = max(args.sizes)
    if "pdf" in args.kinds:
        pdf = results[largest]["pdf"]
        verdict = (
            "meets" if pdf["seconds"] < TARGET_SECONDS and pdf["peak_mb"] < TARGET_MB else "misses"
        )
        print(
            f"The {largest:,}-record PDF {verdict} the target ({TARGET_SECONDS} s, {TARGET_MB} MB): "
            f"{pdf['seconds']} s, {pdf['peak_mb']} MB."
        )


if __name__ == "__main__":
    main()
