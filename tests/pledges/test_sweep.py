"""The review sweep: each prompt once, catch-up after downtime, and two sweeps at once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
import time_machine

from app import create_app
from config import TestConfig
from core.database import db
from pledges.models import PromptKind, ReviewPrompt
from pledges.operations import save_entry, submit_record
from pledges.reviews import add_evidence, start_review
from pledges.sweep import sweep_review_prompts
from supervision.operations import approve_all_remaining, start_session

SIGNED_OFF_ON = date(2026, 5, 20)
DUE = date(2026, 11, 20)
ROOT = Path(__file__).resolve().parents[2]


def signed_off(people, make_record, *, team=None):
    owner = people["practitioner"]
    record = make_record(owner, team=team)
    save_entry(record.entries[0], owner, {"pledge": "A pledge"}, base_revision=1)
    submit_record(record, owner)
    manager = people["manager"]
    subject = {"team": team} if team else {"supervisee": owner}
    with time_machine.travel(SIGNED_OFF_ON):
        approve_all_remaining(record, manager, start_session(manager, **subject))
    db.session.commit()
    assert record.review_due_on == DUE
    return record


def sent(prompts):
    return sorted((p.kind.value, p.recipient) for p in prompts)


def test_each_prompt_is_sent_once_on_its_day(people, make_record):
    signed_off(people, make_record)
    pat, morgan = people["practitioner"].email, people["manager"].email
    assert sweep_review_prompts(DUE - timedelta(days=15)) == []
    assert sent(sweep_review_prompts(DUE - timedelta(days=14))) == [("heads_up", pat)]
    assert sweep_review_prompts(DUE - timedelta(days=14)) == []
    assert sweep_review_prompts(DUE - timedelta(days=1)) == []
    assert sent(sweep_review_prompts(DUE)) == [("open", pat)]
    assert sweep_review_prompts(DUE + timedelta(days=27)) == []
    assert sent(sweep_review_prompts(DUE + timedelta(days=28))) == [
        ("overdue", morgan),
        ("overdue", pat),
    ]
    assert sweep_review_prompts(DUE + timedelta(days=60)) == []


def test_a_sweep_after_downtime_sends_what_was_missed_once_and_nothing_stale(people, make_record):
    record = signed_off(people, make_record)
    # The server was down from before the heads-up until three days after the due date.
    assert sent(sweep_review_prompts(DUE + timedelta(days=3))) == [
        ("open", people["practitioner"].email)
    ]
    rows = db.session.scalars(sa.select(ReviewPrompt).where(ReviewPrompt.record_id == record.id))
    assert {(row.kind, row.was_sent) for row in rows} == {
        (PromptKind.HEADS_UP, False),
        (PromptKind.OPEN, True),
    }
    assert sweep_review_prompts(DUE + timedelta(days=4)) == []


def test_no_overdue_prompt_once_the_review_is_handed_in(people, make_record):
    record = signed_off(people, make_record)
    pat = people["practitioner"]
    start_review(record, pat, today=DUE)
    add_evidence(record.entries[0], pat, description="Audit", sources=set())
    record.entries[0].evidence[0].from_self = True
    submit_record(record, pat)
    db.session.commit()
    assert sweep_review_prompts(DUE + timedelta(days=28)) == []


def test_a_review_under_way_gets_no_open_prompt_but_can_still_be_overdue(people, make_record):
    record = signed_off(people, make_record)
    start_review(record, people["practitioner"], today=DUE)
    db.session.commit()
    assert sweep_review_prompts(DUE) == []
    assert [p.kind for p in sweep_review_prompts(DUE + timedelta(days=28))] == [
        PromptKind.OVERDUE,
        PromptKind.OVERDUE,
    ]


def test_every_team_member_is_prompted(people, make_record):
    signed_off(people, make_record, team=people["team"])
    recipients = {p.recipient for p in sweep_review_prompts(DUE)}
    assert recipients == {people["practitioner"].email, people["teammate"].email}


def test_prompts_arrive_by_email_and_in_the_app(people, make_record, smtp_inbox):
    record = signed_off(people, make_record)
    smtp_inbox.messages.clear()
    sweep_review_prompts(DUE - timedelta(days=14))
    (message,) = smtp_inbox.to(people["practitioner"].email)
    assert message["Subject"] == "Your six-month review is due on 20 November 2026"
    assert f"/records/{record.id}" in message.get_content()


def test_the_sweep_command_prints_what_it_sent(runner, people, make_record):
    signed_off(people, make_record)
    result = runner.invoke(args=["reviews", "sweep", "--as-of", DUE.isoformat()])
    assert result.exit_code == 0, result.output
    assert "open" in result.output
    assert people["practitioner"].email in result.output
    assert "1 prompt(s) sent for 20 November 2026." in result.output
    again = runner.invoke(args=["reviews", "sweep", "--as-of", DUE.isoformat()])
    assert "0 prompt(s) sent" in again.output
    bad = runner.invoke(args=["reviews", "sweep", "--as-of", "20/11/2026"])
    assert bad.exit_code == 2
    assert "Invalid value for '--as-of'" in bad.output


def test_two_sweeps_in_two_processes_at_once_send_each_prompt_once(separate_database_url):
    """Two `flask reviews sweep` processes race over twenty records; each prompt goes once."""
    from people.operations import create_user
    from pledges.framework import DERBYSHIRE_FRAMEWORK_FILE, publish_framework, read_framework_file
    from pledges.operations import start_record

    settings = {n: getattr(TestConfig, n) for n in dir(TestConfig) if n.isupper()}
    settings["SQLALCHEMY_DATABASE_URI"] = separate_database_url
    other = create_app(settings)
    with other.app_context():
        db.create_all()
        publish_framework(read_framework_file(DERBYSHIRE_FRAMEWORK_FILE))
        manager = create_user(email="m@example.org", name="M")
        for number in range(20):
            person = create_user(
                email=f"p{number}@example.org", name=f"P{number}", line_manager=manager
            )
            record = start_record(person)
            save_entry(record.entries[0], person, {"pledge": "x"}, base_revision=1)
            submit_record(record, person)
            with time_machine.travel(SIGNED_OFF_ON):
                approve_all_remaining(record, manager, start_session(manager, supervisee=person))
        db.session.commit()

    environment = {**os.environ, "APP_ENV": "development", "DATABASE_URL": separate_database_url}
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "app",
        "reviews",
        "sweep",
        "--as-of",
        (DUE + timedelta(days=28)).isoformat(),
    ]
    racers = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [racer.communicate(timeout=120) for racer in racers]
    for racer, (_, errors) in zip(racers, outputs, strict=True):
        assert racer.returncode == 0, errors
    totals = [int(out.strip().splitlines()[-1].split()[0]) for out, _ in outputs]
    assert sum(totals) == 40  # twenty owners and their manager twenty times, once each

    with other.app_context():
        rows = db.session.scalars(sa.select(ReviewPrompt).where(ReviewPrompt.was_sent)).all()
        assert len(rows) == 40
        db.session.remove()  # end the read transaction, or dropping the tables waits on it
        db.drop_all()
        db.engine.dispose()
