"""A request that only read ends its transaction with COMMIT, not ROLLBACK (issue 14).

Why: psycopg forgets every statement it has prepared on a connection whenever that connection
rolls back (`Connection.rollback()` clears its prepared-statement cache, in case the transaction
changed the schema). A request's session rolls back when it closes, and the pool rolls back
again when the connection is returned, so no statement was ever prepared and PostgreSQL planned
each of a page's queries afresh on every request. On the county that planning was most of the
database's work: 2.5 ms to plan the signed-in user's query against 0.4 ms to run it, 2.3 ms
against 0.4 ms for the record's. A transaction that sent only SELECTs changes nothing whether it
commits or rolls back; committing it keeps the connection's prepared statements, so psycopg
prepares a statement on its sixth use (its `prepare_threshold`) and PostgreSQL plans it once.
PostgreSQL's own CPU for "my records" fell from 4.9 to 1.3 ms a request, and for a record with
all its entries from 9.1 to 3.1 ms (`bench/README.md`).

A request whose transaction wrote anything (any statement but a SELECT), holds changes not yet
flushed, or ended in an error still rolls back, exactly as before.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask

from core.database import db

log = logging.getLogger(__name__)

WROTE = "transaction_sent_more_than_selects"  # the key in Connection.info


def _note_statement(connection, cursor, statement, parameters, context, executemany) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info[WROTE] = True


def _new_transaction(connection) -> None:
    # Connection.info lives as long as the pooled connection: start each transaction afresh.
    connection.info.pop(WROTE, None)


def only_read(session) -> bool:
    """True when the session's transaction is open, healthy, and has sent nothing but SELECTs."""
    transaction = session.get_transaction()
    if transaction is None or not transaction.is_active:
        return False
    if session.new or session.dirty or session.deleted:
        return False  # committing would flush them
    # The session began its transaction on its first statement, so its connection is open.
    return not session.connection().info.get(WROTE, False)


def commit_if_only_read(error: BaseException | None = None) -> None:
    """At the end of a request: commit a transaction that only read (see the module's text)."""
    if error is not None or not db.session.registry.has():
        return
    session = db.session()
    try:
        if only_read(session):
            # The session closes straight after: expiring every object it loaded (what a
            # commit does first) would be work for nothing, 0.3 to 0.6 ms of a page's CPU.
            expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
            try:
                session.commit()
            finally:
                session.expire_on_commit = expire_on_commit
    except sa.exc.SQLAlchemyError:
        # Nothing was written, so nothing is lost: the session's close rolls back as before.
        log.warning("could not commit a read-only request's transaction", exc_info=True)


def init_app(app: Flask) -> None:
    """Call once the engine options are set; request teardown runs before the session closes."""
    for name, listener in (
        ("before_cursor_execute", _note_statement),
        ("begin", _new_transaction),
    ):
        if not sa.event.contains(sa.engine.Engine, name, listener):
            sa.event.listen(sa.engine.Engine, name, listener)
    app.teardown_request(commit_if_only_read)
