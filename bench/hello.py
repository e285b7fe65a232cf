"""The baseline for bench/pages.py: a bare Flask "hello", served by gunicorn on the same settings.

gunicorn --workers 2 --worker-class sync 'bench.hello:create_app()'
"""

from __future__ import annotations

from flask import Flask


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def hello():
        return "Hello, world!"

    return app
