"""A web worker's last step before its first request: build what every worker builds anyway,
then take it out of the garbage collector's sight (`gc.freeze()`), once.

Why: a worker holds about 140,000 objects that live as long as it does (modules, the ORM's
mappers, compiled templates). CPython's full collection walks all of them, and with the
requests' own objects promoted into the oldest generation it ran about every 150 requests of
the record page, each time stopping the worker for 70 to 100 ms. Under load every request
queued behind that worker waits too, so those stops made much of the pages' p95. Frozen, a
full collection walks only what requests left behind: about 1 to 3 ms (bench/README.md).

What is built first, so that it is frozen too rather than built on the first requests: the
mappers' configuration and every template. The collector is otherwise left as it is: it still
runs as often, on every request's own objects (issue 20's fix keeps those safe,
`core/orm_references.py`).

gunicorn calls this after loading the app in each worker (`gunicorn.conf.py`,
`post_worker_init`); tests and the command line never freeze anything.
"""

from __future__ import annotations

import gc
import logging

from sqlalchemy.orm import configure_mappers

log = logging.getLogger(__name__)


def prepare_web_worker(app) -> None:
    """Configure the mappers, compile every template of `app` (any Flask app), collect, freeze."""
    configure_mappers()
    environment = getattr(app, "jinja_env", None)
    names = environment.list_templates() if environment is not None else []
    for name in names:
        environment.get_template(name)
    gc.collect()
    gc.freeze()
    log.info(
        "web worker prepared: %d templates compiled, %d objects frozen",
        len(names),
        gc.get_freeze_count(),
    )
