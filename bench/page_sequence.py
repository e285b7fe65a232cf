"""Walk the pages that crashed a worker on CPython 3.11 (issue 20), through Flask's test client.

    python -X faulthandler bench/page_sequence.py --database-url URL [--rounds 3]

The database is a county from `make_county.py --three-level-manager`. In one process, person 1
(who manages 59 people, 40 of them managers) signs in, opens my records, one of their records
and the supervision overview; then a fresh client opens the supervision overview alone, and a
manager in the middle of the tree does the same walk. Every page must answer 200. Run it in its
own process: a crash then shows as the exit status (-11 for SIGSEGV) with faulthandler's
traceback, instead of killing whoever called it.
"""

from __future__ import annotations

import argparse
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


def walk(app, email: str, record_id: int | None) -> list[tuple[str, int]]:
    """Sign in, my records, the record, the supervision overview: each path with its status."""
    client = app.test_client()
    answers = []
    signed_in = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    answers.append(("/sign-in", 200 if signed_in.status_code == 302 else signed_in.status_code))
    paths = ["/records"]
    if record_id is not None:
        paths.append(f"/records/{record_id}")
    paths.append("/supervision")
    for path in paths:
        answers.append((path, client.get(path).status_code))
    return answers


def overview_alone(app, email: str) -> list[tuple[str, int]]:
    client = app.test_client()
    client.post("/sign-in", data={"email": email, "password": PASSWORD})
    return [("/supervision", client.get("/supervision").status_code)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app = bench_app(args.database_url)
    with app.app_context():
        accounts = set_passwords([THREE_LEVEL_MANAGER_ID, MIDDLE_MANAGER_ID])
    top_email, top_record = accounts[THREE_LEVEL_MANAGER_ID]
    middle_email, middle_record = accounts[MIDDLE_MANAGER_ID]
    failures = []
    for _ in range(args.rounds):
        answers = (
            walk(app, top_email, top_record)
            + overview_alone(app, top_email)
            + walk(app, middle_email, middle_record)
        )
        failures += [(path, status) for path, status in answers if status != 200]
    print(f"{args.rounds} rounds, {len(failures)} pages not answering 200: {failures[:5]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
