"""The app with two more addresses, for bench/ceiling.py: one key page as Jinja renders it from
values already in memory, and the same page as bytes kept from one request.

    BENCH_CEILING_PATH=/records/1 BENCH_CEILING_COOKIE='__Host-session=...' \
        gunicorn -c gunicorn.conf.py 'bench.ceiling_app:create_app()'

At start, each worker requests the page once through the test client as the person the cookie
signs in, and keeps the template Flask rendered and the context it rendered it with (Flask's
`template_rendered` signal). Then:

- `/ceiling/render` renders that template with that context on every request: the page's
  template alone, with no sign-in, no query and no view;
- `/ceiling/bytes` answers the HTML kept from that request: the page served from a cache, with
  no sign-in either.

Both go through the app's own request hooks (session limits, security headers), as every page
does.
"""

from __future__ import annotations

import os

from flask import Flask, Response, template_rendered

from app import create_app as create_the_app
from bench.pages import USER_AGENT  # the browser bench/pages.py signs the cookie in for


def create_app() -> Flask:
    app = create_the_app()
    path = os.environ["BENCH_CEILING_PATH"]
    cookie = os.environ["BENCH_CEILING_COOKIE"]
    kept: dict[str, object] = {}

    # Added before the app handles its first request, as Flask requires.
    @app.get("/ceiling/render")
    def rendered_from_memory():
        return kept["template"].render(kept["context"])

    @app.get("/ceiling/bytes")
    def kept_bytes():
        return Response(kept["html"], mimetype="text/html")

    rendered: list[tuple[object, dict]] = []

    def keep(sender, template, context, **extra):
        rendered.append((template, dict(context)))

    client = app.test_client(use_cookies=False)  # the cookie as wrk sends it, in the header
    with template_rendered.connected_to(keep, app):
        response = client.get(
            path,
            headers={"Cookie": cookie, "User-Agent": USER_AGENT},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
            base_url="http://127.0.0.1",  # the host production trusts by default
        )
    if response.status_code != 200 or not rendered:
        raise RuntimeError(
            f"{path} answered {response.status_code} {response.location or ''}"
            " with no template rendered"
        )
    # The page's own template is the last rendered (a page renders no other whole template).
    kept["template"], kept["context"] = rendered[-1]
    kept["html"] = response.get_data()
    return app
