"""Ids that come from users (URLs, query strings, forms) stay within what the database stores.

A number too large for an INTEGER column makes the database driver raise (a 500) instead of
simply finding nothing, so such ids are treated as not found before they reach a query.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**31 - 1


def parse_id(value) -> int | None:
    """A usable id from user input, or None."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= LARGEST_ID else None


class IdConverter(IntegerConverter):
    """`<id:record_id>`: a positive integer the database can hold, or the URL does not match."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=LARGEST_ID)
