"""Build a county-sized data set for the benchmarks: users, teams, signed-off records, evidence.

    python bench/make_county.py --records 12000 --users 10000 --database-url sqlite:///bench/output/county.sqlite

Rows go in with bulk inserts (the app's operations would take hours at this size). Every record
is signed off; a third have a completed review with about three pieces of evidence per pledge.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from app import create_app  # noqa: E402
from config import TestConfig  # noqa: E402
from core.database import db  # noqa: E402
from demo.content import ENTRIES, EVIDENCE  # noqa: E402
from demo.county import AGENCIES, DISTRICTS  # noqa: E402
from library.models import FeaturedEntry  # noqa: E402
from people.models import Agency, District, Team, TeamMembership, User  # noqa: E402
from pledges.framework import (  # noqa: E402
    DERBYSHIRE_FRAMEWORK_FILE,
    publish_framework,
    read_framework_file,
)
from pledges.models import Entry, Evidence, Record  # noqa: E402

NOW = datetime(2026, 11, 1, tzinfo=UTC)
BATCH = 5000


def bench_app(database_url: str):
    settings = {name: getattr(TestConfig, name) for name in dir(TestConfig) if name.isupper()}
    settings["SQLALCHEMY_DATABASE_URI"] = database_url
    return create_app(settings)


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(model), rows[start : start + BATCH])


def _text(rng: random.Random, number: int, column: int, sentences: int) -> str:
    options = ENTRIES.get(number) or ENTRIES[1]
    parts = [rng.choice(options)[column] for _ in range(sentences)]
    return " ".join(parts)


def reset_sequences() -> None:
    """On PostgreSQL, move every table's id sequence past the ids inserted explicitly.

    Every table with a serial id, not a list of the ones this script writes: a table missed
    here makes the app's first insert into it fail with a duplicate key (it happened with
    districts and agencies, so a people import into a bench database failed).
    """
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        db.session.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f'coalesce((SELECT max(id) FROM "{table.name}"), 1), '
                f'(SELECT max(id) IS NOT NULL FROM "{table.name}"))'
            ),
            {"table": f'"{table.name}"'},
        )
    db.session.commit()


# The shape that crashed a worker (issue 20): one manager with 59 direct reports, 40 of them
# managers themselves, so the supervision page lists 59 people and the records 40 managers await.
THREE_LEVEL_MANAGER_ID = 1
THREE_LEVEL_REPORTING_MANAGERS = 40
THREE_LEVEL_DIRECT_REPORTS = 59


def _three_level_tree(managers: int, users: int, rng: random.Random) -> None:
    """Put manager 1 over 40 other managers and 19 practitioners, and submit every other
    stage-1 record of the people those 40 manage (entries undecided), as if awaiting sign-off."""
    reporting = range(2, THREE_LEVEL_REPORTING_MANAGERS + 2)
    if managers < reporting[-1] + 1:
        raise ValueError("a three-level tree needs at least 42 managers (about 500 users)")
    top = THREE_LEVEL_MANAGER_ID
    # Manager 1's own supervisees move to manager 42, so its reports are exactly these.
    db.session.execute(
        sa.update(User).where(User.line_manager_id == top).values(line_manager_id=reporting[-1] + 1)
    )
    db.session.execute(sa.update(User).where(User.id.in_(reporting)).values(line_manager_id=top))
    practitioners = rng.sample(
        range(managers + 1, users + 1), THREE_LEVEL_DIRECT_REPORTS - len(reporting)
    )
    db.session.execute(
        sa.update(User).where(User.id.in_(practitioners)).values(line_manager_id=top)
    )
    below = sa.select(User.id).where(User.line_manager_id.in_(reporting))
    awaiting = db.session.scalars(
        sa.select(Record.id)
        .where(Record.owner_id.in_(below), Record.state == "signed_off")
        .order_by(Record.id)
    ).all()[::2]
    db.session.execute(
        sa.update(Record)
        .where(Record.id.in_(awaiting))
        .values(state="submitted", signed_off_at=None, signed_off_by_id=None, review_due_on=None)
    )
    db.session.execute(
        sa.update(Entry).where(Entry.record_id.in_(awaiting)).values(approval="undecided")
    )
    db.session.commit()


def build_county(
    database_url: str,
    records: int,
    users: int,
    seed: int = 2008,
    *,
    three_level_manager: bool = False,
) -> dict:
    """Create the tables and fill them. Returns counts of what was made.

    With `three_level_manager`, person 1 manages 59 people, 40 of them managers whose
    supervisees have records awaiting sign-off (see `_three_level_tree`).
    """
    rng = random.Random(seed)
    app = bench_app(database_url)
    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        framework = publish_framework(read_framework_file(DERBYSHIRE_FRAMEWORK_FILE))
        points = framework.key_points
        _insert(District, [{"id": i + 1, "name": name} for i, name in enumerate(DISTRICTS)])
        _insert(Agency, [{"id": i + 1, "name": name} for i, name in enumerate(AGENCIES)])
        managers = max(users // 12, 1)
        people = []
        for number in range(1, users + 1):
            people.append(
                {
                    "id": number,
                    "email": f"person{number}@county.test",
                    "name": f"Person {number}",
                    "job_title": "Practitioner",
                    "password_hash": None,
                    "agency_id": rng.randint(1, len(AGENCIES)),
                    "district_id": rng.randint(1, len(DISTRICTS)),
                    "work_base_address": "Area Office\n1 Station Road",
                    "telephone": "01629 000000",
                    "line_manager_id": None if number <= managers else rng.randint(1, managers),
                    "is_active_account": True,
                    "session_token": secrets.token_hex(16),
                    "created_at": NOW,
                }
            )
        _insert(User, people)
        team_count = max(records // 10, 1)
        _insert(
            Team,
            [
                {
                    "id": t,
                    "name": f"Team {t}",
                    "description": "",
                    "agency_id": rng.randint(1, 8),
                    "district_id": rng.randint(1, 8),
                    "manager_id": rng.randint(1, managers),
                }
                for t in range(1, team_count + 1)
            ],
        )
        _insert(
            TeamMembership,
            [
                {"team_id": t, "user_id": rng.randint(managers + 1, users), "joined_at": NOW}
                for t in range(1, team_count + 1)
            ],
        )
        record_rows, entry_rows, evidence_rows = [], [], []
        entry_id = evidence_id = 0
        for record_id in range(1, records + 1):
            team_record = record_id <= team_count
            complete = record_id % 3 == 0
            signed = NOW - timedelta(days=rng.randint(30, 400))
            record_rows.append(
                {
                    "id": record_id,
                    "framework_version_id": framework.id,
                    "owner_id": None if team_record else (record_id % users) + 1,
                    "team_id": record_id if team_record else None,
                    "cycle": 1 + record_id // users,
                    "state": "complete" if complete else "signed_off",
                    "name": f"Record {record_id}",
                    "work_base_address": "",
                    "telephone": "",
                    "email": "",
                    "created_by_id": 1,
                    "created_at": signed,
                    "updated_at": signed,
                    "submitted_at": signed,
                    "signed_off_at": signed,
                    "signed_off_by_id": 1,
                    "review_due_on": (signed + timedelta(days=182)).date(),
                    "version": 1,
                    "completed_at": NOW if complete else None,
                    "completed_by_id": 1 if complete else None,
                }
            )
            extra = rng.randint(0, 6)  # 14 to 20 entries a record
            for position in range(1, 15 + extra):
                entry_id += 1
                point = points[(position - 1) % 14] if position <= 14 else None
                number = point.number if point else rng.randint(1, 14)
                pledged = rng.random() < 0.6
                entry_rows.append(
                    {
                        "id": entry_id,
                        "record_id": record_id,
                        "key_point_id": point.id if point else None,
                        "position": position if point else 1000 + position,
                        "finding_title": "" if point else "A finding from a local review",
                        "finding_source": "",
                        "good_practice": _text(rng, number, 0, 2),
                        "pledge": _text(rng, number, 1, 2) if pledged else "",
                        "helps": _text(rng, number, 2, 1),
                        "hinders": _text(rng, number, 3, 1),
                        "signs_of_success": _text(rng, number, 4, 1),
                        "revision": 1,
                        "updated_at": signed,
                        "approval": "approved",
                        "return_comment": "",
                        "what_next": "Keep going" if complete and pledged else "",
                        "change_judgement": rng.choice(
                            ["improved", "some_improvement", "no_change"]
                        )
                        if complete and pledged
                        else None,
                    }
                )
                if complete and pledged:
                    for _ in range(rng.randint(2, 4)):
                        evidence_id += 1
                        text, codes, _ = rng.choice(EVIDENCE)
                        evidence_rows.append(
                            {
                                "id": evidence_id,
                                "entry_id": entry_id,
                                "description": text,
                                "occurred_on": date(2026, 6, 1),
                                "from_self": "SR" in codes,
                                "from_service_user": "SUR" in codes,
                                "from_manager": "MR" in codes,
                                "from_colleague": "CR" in codes,
                                "revision": 1,
                                "created_by_id": 1,
                                "updated_at": NOW,
                            }
                        )
            if len(entry_rows) >= 50_000:
                _insert(Record, record_rows)
                _insert(Entry, entry_rows)
                _insert(Evidence, evidence_rows)
                record_rows, entry_rows, evidence_rows = [], [], []
        _insert(Record, record_rows)
        _insert(Entry, entry_rows)
        _insert(Evidence, evidence_rows)
        db.session.commit()
        fill_the_library()
        if three_level_manager:
            _three_level_tree(managers, users, rng)
        reset_sequences()
        db.engine.dispose()
    return {
        "users": users,
        "records": records,
        "entries": entry_id,
        "evidence": evidence_id,
        "seconds": round(time.perf_counter() - started, 1),
    }


FEATURED = 20


def fill_the_library() -> None:
    """What sign-off and the training team leave on a county's library: every record's sharing
    choice (most anonymised, a fifth named, a tenth not shared), each entry's identifying-details
    check (one in fifty flagged), and 20 featured entries. Chosen by id, not at random, so a county
    built before this (`bench/pages.py` reuses them) comes out the same."""
    if db.session.scalar(sa.select(Record.id).where(Record.sharing == "named").limit(1)) is None:
        choice = sa.case(
            (Record.id % 10 == 0, "not_shared"), (Record.id % 5 == 1, "named"), else_="anonymised"
        )
        db.session.execute(sa.update(Record).values(sharing=choice))
    db.session.execute(
        sa.update(Entry)
        .where(Entry.shared_text_flagged.is_(None))
        .values(shared_text_flagged=Entry.id % 50 == 0)
    )
    if db.session.scalar(sa.select(sa.func.count()).select_from(FeaturedEntry)) == 0:
        chosen = db.session.scalars(
            sa.select(Entry.id)
            .join(Record, Entry.record_id == Record.id)
            .where(Record.id % 600 == 7, Entry.good_practice != "", Entry.id % 50 != 0)
            .order_by(Entry.id)
            .limit(FEATURED)
        ).all()
        for days, entry_id in enumerate(chosen):
            featured_at = NOW - timedelta(days=days)
            db.session.add(
                FeaturedEntry(entry_id=entry_id, featured_by_id=1, featured_at=featured_at)
            )
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=12_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument(
        "--database-url", default=f"sqlite:///{ROOT / 'bench/output/county.sqlite'}"
    )
    parser.add_argument(
        "--three-level-manager",
        action="store_true",
        help="person 1 manages 59 people, 40 of them managers with records awaiting sign-off",
    )
    args = parser.parse_args()
    (ROOT / "bench/output").mkdir(parents=True, exist_ok=True)
    made = build_county(
        args.database_url,
        args.records,
        args.users,
        three_level_manager=args.three_level_manager,
    )
    print(", ".join(f"{key}: {value:,}" for key, value in made.items()))


if __name__ == "__main__":
    main()
