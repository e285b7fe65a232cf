"""Errors that operations raise when a rule of the domain refuses an action.

Views turn them into a message on the page; they never become a 500.
"""

from __future__ import annotations


class ActionRefused(Exception):
    """An operation was asked for something the rules do not allow. The message is for users."""

    def __init__(
        self, message: str, problems: list[str] | None = None, *, field: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        # The form field the refusal is about, when there is one, so the page shows it there.
        self.field = field


class AlreadyDone(ActionRefused):
    """The action had already been carried out (a second click, or someone else got there
    first): nothing more was done. `path` is the page that shows how things stand now."""

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path
