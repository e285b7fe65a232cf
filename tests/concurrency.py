"""Two (or more) requests at the same moment, each in its own thread with its own app context,
database session and connection: what two browsers, or a double click, do to a real server.

Only PostgreSQL runs them truly at once (SQLite in memory is one connection, and SQLite allows
one writer at a time), so the tests that need it ask for the `postgresql_only` fixture
(tests/conftest.py).
"""

from __future__ import annotations

import threading

from core.database import db


def signed_in_client(app, user):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
    return client


def post_at_once(app, requests: list[tuple[object, str, dict]]) -> list:
    """POST each (user, url, form) from its own thread, released together by a barrier.

    Returns the responses in the same order. A thread that raised fails the test.
    """
    clients = [signed_in_client(app, user) for user, _, _ in requests]
    barrier = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)
    failures: list[BaseException] = []

    def run(index: int) -> None:
        _, url, data = requests[index]
        try:
            barrier.wait(timeout=30)
            responses[index] = clients[index].post(url, data=data)
        except BaseException as failure:
            failures.append(failure)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if failures:
        raise failures[0]
    db.session.expire_all()  # the test's own session reads what the threads committed
    return responses
