"""A web worker's start (core/worker_start.py, called by gunicorn.conf.py): it builds what every
worker builds anyway, then freezes it out of the garbage collector's full collections."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def unfrozen():
    """Whatever a test freezes goes back to the collector afterwards (the suite never freezes)."""
    assert gc.get_freeze_count() == 0
    yield
    gc.unfreeze()


def test_gunicorn_prepares_each_worker_compiling_every_template_then_freezing(app, unfrozen):
    app.jinja_env.cache.clear()
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    settings["post_worker_init"](SimpleNamespace(wsgi=app))

    compiled = {name for _, name in app.jinja_env.cache}
    assert compiled == set(app.jinja_env.list_templates())
    assert len(compiled) > 40
    # The app, its modules and templates are out of the collector's sight: a full collection
    # now walks only what is left (requests' objects), not everything the worker holds.
    assert gc.get_freeze_count() > 50_000
    assert len(gc.get_objects()) < gc.get_freeze_count() / 2


def test_the_app_itself_never_freezes_anything(app, client):
    """Only gunicorn's web workers freeze: not the app factory, tests, the CLI or the queue."""
    client.get("/sign-in")
    assert gc.get_freeze_count() == 0
