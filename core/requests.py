"""Requests capped at MAX_CONTENT_LENGTH, except the few endpoints that take large files.

The limit has to be known before the body is read, and the CSRF check reads it before any view
runs; the endpoint is known by then (URL matching comes first), so the request looks it up.
"""

from __future__ import annotations

from flask import Request, current_app


class LimitedRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        larger = current_app.config.get("LARGER_UPLOADS", {}).get(self.endpoint)
        return larger or super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value
