"""People and organisation: users, agencies, districts, teams, line management and sign-in."""

from flask import Blueprint

bp = Blueprint("people", __name__)

from people import auth, routes  # noqa: E402, F401  (registers the loader and the views)
