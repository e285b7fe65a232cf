"""A web request holds every ORM object its session loads until the session is closed (issue 20).

Why: on CPython 3.11 a web worker died with SIGSEGV, most often on the supervision overview. The
cause is an interaction of three things (bench/managed_dict_gc.py shows it without the app):

1. CPython 3.11 can start a garbage collection inside any allocation of a GC-tracked object.
   3.12 only schedules it there and collects between bytecodes (CPython gh-97922, "Execute the
   garbage collector only on the eval breaker", not backported to 3.11; gh-148891 is the same
   kind of crash in the context-variable HAMT, also 3.10 and 3.11 only).
2. SQLAlchemy's `InstanceState` keeps its attributes in a managed `__dict__`, inline until an
   attribute outside the class's shared keys is set or `__dict__` is read. At that point 3.11
   builds a dict from the inline values, and allocating that dict can start a collection.
3. The identity map refers to loaded objects weakly, and each `InstanceState` has a weakref
   callback (`InstanceState._cleanup`) that sets and deletes attributes on the state when its
   object is collected. Objects with two-way relationships form reference cycles, so they wait
   for the collector.

When the collection that starts inside step 2 collects the very object whose state is being
changed, the callback changes that state in the middle of the change: afterwards two dicts
own one values array (or the dict's count disagrees with it), and the weak reference the
states share to their identity map is freed while still in use. The interpreter crashes later,
wherever the damaged memory is next touched: in a later query, in `Session.close()`, or in the
collector (`dict_traverse`). A debug build of 3.11 stops at the first use:
`get_index_from_order: Assertion ... failed` in `dictresize`, from
`InstanceState._detach_states` setting `state._strong_obj = None` in `Session.close()`.

The fix: while a request's session can still change a state, its object is kept reachable, so
its weakref callback cannot run in the middle of that change. This is SQLAlchemy's documented
"strong reference" recipe (Session Referencing Behavior), through public session events, with
the references let go once the session has detached everything at the end of the request:
after that only the callbacks themselves touch those states. Sessions outside a request (the
queue worker's exports, which stream the whole county with `yield_per`, and the CLI) keep the
weak identity map: holding every object there would give up their flat memory.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.database import db

HELD = "request_objects_held"  # the key in Session.info

# Every way an object becomes persistent in a session: loaded, flushed, re-attached, undeleted.
EVENTS = (
    "loaded_as_persistent",
    "pending_to_persistent",
    "detached_to_persistent",
    "deleted_to_persistent",
)


def _hold(session: Session, instance: object) -> None:
    if has_request_context() and current_app.config["HOLD_REQUEST_OBJECTS"]:
        session.info.setdefault(HELD, []).append(instance)


def _close_then_let_go(_error: BaseException | None = None) -> None:
    """At the end of the app context: close the session while its objects are still held (so
    every state is detached first), then drop the references. Flask-SQLAlchemy's own teardown,
    which runs next, removes the session (closing it again is a no-op)."""
    if not db.session.registry.has():
        return
    session = db.session()
    held = session.info.pop(HELD, None)
    if held is not None:
        session.close()
        held.clear()


def init_app(app: Flask) -> None:
    """Call after `db.init_app(app)`: teardown functions run in reverse order of registration,
    so this one closes the session before Flask-SQLAlchemy removes it.

    On unless testing: the test suite holds one app context (so one session) across a test's
    requests, where holding would keep one request's objects, and their state, into the next,
    which a worker never does (each request has a session of its own). The crash test and the
    gunicorn smoke run the app with production settings; tests/test_orm_references.py turns
    it on."""
    app.config.setdefault("HOLD_REQUEST_OBJECTS", not app.testing)
    for name in EVENTS:
        if not event.contains(Session, name, _hold):
            event.listen(Session, name, _hold)
    app.teardown_appcontext(_close_then_let_go)
