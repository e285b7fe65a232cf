"""What the record's pages share, stage 1 and stage 2 alike: loading the record for the person
signed in, the save-and-merge form round trip, and saying that a repeat changed nothing."""

from __future__ import annotations

from flask import flash

from core.guard import me  # noqa: F401  (the review pages import it from here)
from pledges.personal_data import hint_after_saving


def text_errors(form) -> bool:
    return any(form[name].errors for name in form.editable_fields)


def save_arguments(form) -> dict:
    """What the editor typed (valid fields only), and what their page was loaded with."""
    valid = {name: form[name].data for name in form.editable_fields if not form[name].errors}
    return {
        "submitted": valid,
        "base_revision": form.revision.data if form.revision.data is not None else -1,
        "originals": {
            name: form[f"original_{name}"].data
            for name in form.editable_fields
            if form[f"original_{name}"].raw_data
        },
        "keep_theirs": {
            name for name in form.editable_fields if form[f"choice_{name}"].data == "theirs"
        },
    }


def unsaved_fields(form, outcome) -> set[str]:
    """Fields whose typed text was not saved: in conflict, or refused as invalid. Every other
    field is shown as saved now (which holds what others saved in the fields only they changed),
    so saving the page again cannot clear their text."""
    return set(outcome.conflicts) | {name for name in form.editable_fields if form[name].errors}


def remember_what_page_showed(
    form, entry, *, keep_typed: bool | set[str] = False, keep_base: bool = False
) -> None:
    """Set the hidden revision and originals to what is saved now; keep typed text if asked
    (True: every field; a set: those fields).

    With `keep_base` (nothing was saved) the page keeps the revision it was loaded at, so a
    later save still merges with whatever others saved meanwhile.
    """
    if keep_base:
        return
    form.revision.data = entry.revision
    form.revision.raw_data = [str(entry.revision)]  # a number field renders what was posted
    for name in form.editable_fields:
        form[f"original_{name}"].data = getattr(entry, name)
        form[f"choice_{name}"].data = "mine"
        if keep_typed is not True and name not in (keep_typed or ()):
            form[name].data = getattr(entry, name)


def flash_identifying_hint(entry) -> None:
    """After a save, say which words look like a child's or family's details, and why. It
    never stops the save; submission asks again."""
    if (hint := hint_after_saving(entry)) is not None:
        flash(hint, "info")


def form_status(form) -> int:
    return 422 if form.is_submitted() and (form.errors or form.form_errors) else 200


def form_problem(form) -> str:
    """The first thing wrong with a small form posted from a page that is not its own."""
    for name, messages in form.errors.items():
        if messages and name != "csrf_token":
            return messages[0]
    return "The page had expired. Please try again."
