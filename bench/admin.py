"""Time the administration pages and the people import at county size.

    python bench/admin.py                 # 10,000 people (the county from make_county.py)

Pages are fetched through the test client, signed in as an administrator, several times each;
the median is printed. The import plans and applies a 10,000-row file of new people, then plans
it again (re-importing changes nothing). Targets: a page in well under a second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.make_county import bench_app, build_county  # noqa: E402
from core.database import db  # noqa: E402
from people.models import Role, User, UserRole  # noqa: E402


def _median_seconds(client, url: str, times: int = 7) -> float:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args()
    (ROOT / "bench/output").mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{ROOT / f'bench/output/admin-{args.users}.sqlite'}"
    build_county(url, records=args.users * 12 // 10, users=args.users)
    app = bench_app(url)
    with app.app_context():
        admin = db.session.scalar(sa.select(User).order_by(User.id).limit(1))
        db.session.add(UserRole(user=admin, role=Role.ADMINISTRATOR))
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = admin.session_token
        people = db.session.scalar(sa.select(sa.func.count(User.id)))
        print(f"{people:,} people")
        for label, page in (
            ("people, first page", "/admin/people"),
            ("people, page 100", "/admin/people?page=100"),
            ("people, search by name", "/admin/people?q=smith"),
            ("people, search by email", "/admin/people?q=user5000"),
            ("one person", f"/admin/people/{admin.id + 500}"),
            ("teams", "/admin/teams"),
            ("agencies and districts", "/admin/organisation"),
        ):
            print(f"  {label:<26} {_median_seconds(client, page) * 1000:8.1f} ms")

        from admin.people_import import apply_import, plan_import

        rows = ["name,email,job title,agency,district,team,line manager's email"]
        rows += [
            f"New Person {n},new{n}@bench.example,Practitioner,Agency {n % 8},District {n % 8},"
            f"Bench team {n % 150},{'' if n < 50 else f'new{n % 50}@bench.example'}"
            for n in range(10_000)
        ]
        csv = "\n".join(rows) + "\n"
        started = time.perf_counter()
        plan = plan_import(csv)
        planned = time.perf_counter() - started
        started = time.perf_counter()
        apply_import(plan, admin, send_links=False)
        db.session.commit()
        applied = time.perf_counter() - started
        started = time.perf_counter()
        again = plan_import(csv)
        replanned = time.perf_counter() - started
        print(
            f"  import of 10,000 new people: dry run {planned:.1f} s, import {applied:.1f} s, "
            f"dry run again {replanned:.1f} s ({len(again.with_action('unchanged')):,} unchanged)"
        )


if __name__ == "__main__":
    main()
