"""The record: the framework, stage 1 self-assessment and pledges, and (later) the review."""

from flask import Blueprint

bp = Blueprint("pledges", __name__)

from pledges import cli, review_routes, routes  # noqa: E402, F401  (views and commands)
