"""The bench county: the page walk that crashed a worker (issue 20) runs clean in its own process,
and a bench database takes a people import (its sequences are past the ids it wrote)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from admin.people_import import apply_import, plan_import
from bench.make_county import bench_app, build_county
from core.database import db
from people.models import Agency, District, Role, Team, User, UserRole

ROOT = Path(__file__).resolve().parents[1]


def test_the_supervision_walk_on_the_county_does_not_crash_the_server(separate_database_url):
    """Issue 20: the supervision overview of a manager of 59 people, 40 of them managers, and
    sign in, my records, a record, the overview, on the 1,200-record county, served by a
    process of its own with production settings (bench/page_sequence.py).

    Before core/orm_references.py, on CPython 3.11 (3.11.7 and Debian's 3.11.2) the serving
    process died with SIGSEGV within its first few overviews, on SQLite and PostgreSQL alike:
    a garbage collection started inside an allocation ran SQLAlchemy's weakref callback on an
    InstanceState while that state was being changed (the module says how). The walk runs in a
    subprocess with faulthandler on, so a crash fails this test with the interpreter's
    traceback instead of killing pytest.
    """
    build_county(separate_database_url, records=1200, users=1000, three_level_manager=True)
    walk = subprocess.run(
        [
            *(sys.executable, "-X", "faulthandler", str(ROOT / "bench/page_sequence.py")),
            *("--database-url", separate_database_url, "--rounds", "2"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert walk.returncode == 0, f"{walk.stdout}\n{walk.stderr[-4000:]}"
    assert "pages not answering 200: []" in walk.stdout
    assert "the serving process ended with status 0" in walk.stdout


def test_a_bench_database_accepts_a_people_import(separate_database_url):
    """The generator writes ids itself; on PostgreSQL the first import into its database failed
    with a duplicate key on pk_districts until every sequence was moved past them."""
    build_county(separate_database_url, records=24, users=24)
    csv = (
        "Name,Email,Job title,Agency,District,Team,Line manager's email,Roles\n"
        "Nia New,nia@county.test,Social worker,A new agency,A new district,A new team,"
        "person1@county.test,Training team\n"
    )
    bench = bench_app(separate_database_url)
    with bench.app_context():
        admin = db.session.get(User, 1)
        db.session.add(UserRole(user=admin, role=Role.ADMINISTRATOR))
        db.session.commit()
        result = apply_import(plan_import(csv), admin)
        db.session.commit()
        nia = db.session.scalar(sa.select(User).where(User.email == "nia@county.test"))
        assert result.created == 1
        assert nia.id == 25
        assert nia.district.name == "A new district"
        assert nia.agency.name == "A new agency"
        assert [team.name for team in nia.teams] == ["A new team"]
        counts = [
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (District, Agency, Team)
        ]
        db.session.remove()
        db.engine.dispose()
    assert counts == [9, 9, 3]
