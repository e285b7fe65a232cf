"""The good-practice library: signed-off good practice and pledges, shared as their owners chose,
found by key point, agency, district and words, with the training team's featured entries first.

It reads `pledges` and `people`; nothing imports it.
"""

from flask import Blueprint

bp = Blueprint("library", __name__)

from library import routes, search  # noqa: E402, F401  (registers the views and the search index)
