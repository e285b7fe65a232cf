"""Supervision: line managers sign off entries in supervision sessions; the manager's view."""

from flask import Blueprint

bp = Blueprint("supervision", __name__)

from supervision import routes  # noqa: E402, F401  (registers the views)
