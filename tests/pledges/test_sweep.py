"""The review sweep: each prompt once, catch-up after downtime, and two sweeps at once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
import time_machine

from app import create_app
from config import TestConfig
from core import queue
from core.database import db
from core.mail import OutboxEmail
from core.notifications import Notification
from people.operations import add_team_member
from pledges.models import PromptKind, ReviewPrompt
from pledges.operations import save_entry, submit_record
from pledges.review import sweep
from pledges.review.operations import add_evidence, start_review
from pledges.review.sweep import sweep_review_prompts
from supervision.operations import approve_all_remaining, start_session

SIGNED_OFF_ON = date(2026, 5, 20)
DUE = date(2026, 11, 20)
ROOT = Path(__file__).resolve().parents[2]


def signed_off(people, make_record, *, team=None, owner=None):
    owner = owner or people["practitioner"]
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
    assert message["Subject"] == f"{record.name}, cycle 1: six-month review due on 20 November 2026"
    assert f"/records/{record.id}" in message.get_content()
    (notification,) = db.session.scalars(
        sa.select(Notification).where(
            Notification.user_id == people["practitioner"].id,
            Notification.message.startswith("The six-month review of your practice improvement"),
        )
    ).all()
    assert notification.link == f"/records/{record.id}"
    assert "is due on 20 November 2026" in notification.message
    assert f"({record.name}, cycle 1)" in notification.message


def test_the_heads_up_says_how_many_pledges_have_no_evidence_yet(people, make_record):
    from pledges.review.operations import add_evidence

    practitioner = people["practitioner"]
    record = signed_off(people, make_record)
    other = signed_off(people, make_record, team=people["team"])
    add_evidence(other.pledged_entries[0], practitioner, description="A family said so.")
    db.session.commit()
    sweep_review_prompts(DUE - timedelta(days=14))
    messages = {
        note.link: note.message
        for note in db.session.scalars(
            sa.select(Notification).where(Notification.user_id == practitioner.id)
        )
    }
    assert "1 pledge has no evidence yet." in messages[f"/records/{record.id}"]
    assert "Every pledge has evidence noted already." in messages[f"/records/{other.id}"]


def test_someone_on_the_daily_digest_gets_the_prompt_in_the_app_only(
    people, make_record, smtp_inbox
):
    from people.models import EmailChoice

    people["practitioner"].email_choice = EmailChoice.DAILY_DIGEST
    record = signed_off(people, make_record)
    smtp_inbox.messages.clear()
    sweep_review_prompts(DUE - timedelta(days=14))
    assert smtp_inbox.to(people["practitioner"].email) == []
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == people["practitioner"].id,
                Notification.link == f"/records/{record.id}",
            )
        )
        == 1
    )


def test_a_manager_in_their_own_team_is_told_once_as_the_manager(people, make_record):
    team, manager = people["team"], people["manager"]
    signed_off(people, make_record, team=team)
    add_team_member(team, manager)  # joined after signing the record off
    db.session.commit()
    overdue = sweep_review_prompts(DUE + timedelta(days=28))
    assert sent(overdue) == sorted(
        ("overdue", person.email)
        for person in (manager, people["practitioner"], people["teammate"])
    )
    (to_manager,) = db.session.scalars(
        sa.select(Notification).where(
            Notification.user_id == manager.id, Notification.message.contains("overdue")
        )
    ).all()
    assert to_manager.message.startswith("The six-month review of North team, cycle 1 was due")


def test_leavers_are_not_prompted(people, make_record):
    signed_off(people, make_record, team=people["team"])
    people["teammate"].is_active_account = False
    people["manager"].is_active_account = False
    db.session.commit()
    overdue = sweep_review_prompts(DUE + timedelta(days=28))
    assert sent(overdue) == [("overdue", people["practitioner"].email)]
    recipients = db.session.scalars(sa.select(ReviewPrompt.recipient_id).distinct()).all()
    assert recipients == [people["practitioner"].id]


def test_the_sweep_costs_the_same_statements_however_many_prompts_went_before(
    people, make_user, make_record, count_queries, monkeypatch
):
    """A sweep's statements follow the batches it sends, not the county's history."""
    # The sweep's own statements: the emails it writes to the outbox are sent by a queue worker
    # (run inline in tests), whose statements are the worker's, not the sweep's.
    monkeypatch.setattr(queue, "enqueue", lambda *args, **kwargs: None)

    def statements_for(day) -> int:
        with count_queries() as statements:
            sweep_review_prompts(day)
        return len(statements)

    def more_records(how_many):
        for _ in range(how_many):
            owner = make_user(line_manager=people["manager"])
            signed_off(people, make_record, owner=owner)

    more_records(1)
    sending_few = statements_for(DUE - timedelta(days=14))
    nothing_after_few = statements_for(DUE - timedelta(days=14))
    more_records(12)
    sending_many = statements_for(DUE)
    nothing_after_many = statements_for(DUE)
    # The first heads-up, then thirteen "open" prompts and twelve heads-ups recorded as stale.
    assert db.session.scalar(sa.select(sa.func.count(ReviewPrompt.id))) == 1 + 13 + 12
    assert sending_many == sending_few
    assert nothing_after_many == nothing_after_few
    assert nothing_after_many <= 2


def test_batches_send_everything_once_whatever_their_size(people, make_user, make_record):
    for _ in range(5):
        signed_off(people, make_record, owner=make_user(line_manager=people["manager"]))
    overdue = sweep_review_prompts(DUE + timedelta(days=28), batch_size=3)
    assert len(overdue) == 10  # five owners, and their manager five times
    assert len({(p.record_id, p.recipient) for p in overdue}) == 10
    notifications = sa.select(sa.func.count(Notification.id)).where(
        Notification.message.contains("overdue")
    )
    assert db.session.scalar(notifications) == 10
    assert db.session.scalar(sa.select(sa.func.count(ReviewPrompt.id))) == 20
    assert sweep_review_prompts(DUE + timedelta(days=28), batch_size=3) == []


def test_the_sweep_command_prints_what_it_sent(runner, people, make_record):
    signed_off(people, make_record)
    result = runner.invoke(args=["reviews", "sweep", "--as-of", DUE.isoformat()])
    assert result.exit_code == 0, result.output
    assert "open" in result.output
    assert people["practitioner"].email in result.output
    assert "1 prompt sent for 20 November 2026." in result.output
    again = runner.invoke(args=["reviews", "sweep", "--as-of", DUE.isoformat()])
    assert "0 prompts sent" in again.output
    bad = runner.invoke(args=["reviews", "sweep", "--as-of", "20/11/2026"])
    assert bad.exit_code == 2
    assert "Invalid value for '--as-of'" in bad.output


def twenty_signed_off_records(database_url):
    """An app on its own database with twenty people, each with a signed-off record."""
    from people.operations import create_user
    from pledges.framework import DERBYSHIRE_FRAMEWORK_FILE, publish_framework, read_framework_file
    from pledges.operations import start_record

    settings = {n: getattr(TestConfig, n) for n in dir(TestConfig) if n.isupper()}
    settings["SQLALCHEMY_DATABASE_URI"] = database_url
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
    return other


def drop_everything(other):
    with other.app_context():
        db.session.remove()  # end the read transaction, or dropping the tables waits on it
        db.drop_all()
        db.engine.dispose()


def test_two_sweeps_that_chose_the_same_prompts_send_each_once(separate_database_url, monkeypatch):
    """Two sweeps on two connections both select all forty owed prompts before either claims
    one: the database gives each prompt to one of them, and neither fails."""
    other = twenty_signed_off_records(separate_database_url)
    chose = threading.Barrier(2)
    first_choice = threading.local()
    chosen = []
    choose = sweep.owed_prompts

    def choose_then_wait_for_the_other(query):
        owed = choose(query)
        if not getattr(first_choice, "made", False):
            first_choice.made = True
            chosen.append(len(owed))
            chose.wait(timeout=60)
        return owed

    monkeypatch.setattr(sweep, "owed_prompts", choose_then_wait_for_the_other)
    results, failures = [[], []], []

    def run(number):
        try:
            with other.app_context():
                results[number] = sweep_review_prompts(DUE + timedelta(days=28))
                db.session.remove()
        except Exception as error:  # reported below, in the test's own thread
            failures.append(error)

    racers = [threading.Thread(target=run, args=(number,)) for number in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=120)
    try:
        assert failures == []
        assert chosen == [80, 80]  # each chose every prompt: 40 to send, 40 stale
        both = results[0] + results[1]
        assert len(both) == 40
        assert len({(p.record_id, p.kind, p.recipient) for p in both}) == 40
        with other.app_context():
            overdue = Notification.message.contains("overdue")
            assert db.session.scalar(sa.select(sa.func.count()).where(overdue)) == 40
            assert db.session.scalar(sa.select(sa.func.count(ReviewPrompt.id))) == 80
            db.session.remove()
    finally:
        drop_everything(other)


def test_two_sweeps_in_two_processes_at_once_send_each_prompt_once(separate_database_url):
    """Two `flask reviews sweep` processes race over twenty records; each prompt goes once."""
    other = twenty_signed_off_records(separate_database_url)

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
        db.session.remove()
    drop_everything(other)


def test_a_dry_run_lists_what_would_be_sent_and_records_and_sends_nothing(
    runner, people, make_record
):
    record = signed_off(people, make_record)

    def counts():
        return [
            db.session.scalar(sa.select(sa.func.count(model.id)))
            for model in (ReviewPrompt, Notification, OutboxEmail)
        ]

    before = counts()
    heads_up_on = (DUE - timedelta(days=14)).isoformat()
    result = runner.invoke(args=["reviews", "sweep", "--as-of", heads_up_on, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"heads_up  {people['practitioner'].email}" in result.output
    assert f"record {record.id}" in result.output
    assert "Dry run for 6 November 2026: 1 would be sent. Nothing was recorded or sent." in (
        result.output
    )
    assert counts() == before
    assert before[0] == 0  # no prompt recorded
    # On the due date the heads-up nobody sent is stale: it would be recorded, never sent.
    due = runner.invoke(args=["reviews", "sweep", "--as-of", DUE.isoformat(), "--dry-run"])
    assert "1 would be sent and 1 missed earlier would be recorded as not sent" in due.output
    # The real sweep afterwards still sends what the dry run listed.
    real = runner.invoke(args=["reviews", "sweep", "--as-of", heads_up_on])
    assert "heads_up" in real.output
    assert "1 prompt sent" in real.output
