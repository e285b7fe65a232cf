"""The paper tool's own wording (Appendix 1 of the Derbyshire document), so users recognise it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.formatting import long_date, plural

if TYPE_CHECKING:
    from people.models import User
    from pledges.models import Record

TOOL_TITLE = "Serious Case Reviews ~ Assessment, Development and Improving Practice Tool"

ENTRY_FIELD_LABELS = {
    "good_practice": "Examples of current good practice",
    "pledge": "To improve my/our practice in relation to this finding/recommendation I/we pledge to…",
    "helps": "Factors that will help",
    "hinders": "Factors that may hinder",
    "signs_of_success": (
        "Anticipated signs of success ~ I/we will know that things are improving when…"
    ),
}

# Short names for tables, history and messages, where the full label would not fit.
ENTRY_FIELD_SHORT_NAMES = {
    "good_practice": "Good practice",
    "pledge": "Pledge",
    "helps": "Factors that will help",
    "hinders": "Factors that may hinder",
    "signs_of_success": "Signs of success",
    "finding_title": "Finding",
    "finding_source": "Where the finding came from",
    "judgement_value": "Judgement of change",
    "what_next": "What next",
}

REVIEW_COLUMN_LABEL = "Review 6 months on ~ evidence of improved practice and source of information"

ENTRY_FIELD_HINTS = {
    "good_practice": "What you or your team already do well in relation to this point.",
    "pledge": (
        "Something specific you will do, by when, and what it will change for children "
        "and young people."
    ),
    "helps": "People, resources, training or arrangements that will help you keep the pledge.",
    "hinders": "Pressures or obstacles that may get in the way, so they can be planned for.",
    "signs_of_success": "What you, a manager, a colleague or a family would see or be able to count.",
}

FINDING_FIELD_LABELS = {
    "finding_title": "Finding or recommendation",
    "finding_source": "Where this finding came from",
}

FINDING_FIELD_HINTS = {
    "finding_title": "A lesson from a serious case review, another report or your own reading.",
    "finding_source": "For example, the review or report, and its section or page.",
}

RECORD_DETAIL_LABELS = {
    "name": "Name (individual / team)",
    "work_base_address": "Full address of work base",
    "telephone": "Telephone",
    "email": "Email",
}

OTHER_FINDINGS_HEADING = (
    "Other relevant findings / recommendations identified from my/our reading of the SCRs "
    "(please add below as appropriate)"
)
OTHER_FINDINGS_INSTRUCTION = (
    "Please complete the boxes below (adding more if necessary) for additional relevant "
    "identified findings and recommendations as appropriate ~ in the same manner as for those "
    "above ~"
)
BLANK_TOOL_NOTE = (
    "{title}, version {version}. The sub-points and additional detail of each key point are on "
    "the framework page of the pledge tracker."
)


# How a record's state reads on its pages. The states' own labels are on `RecordState`.


def status_detail(record: Record) -> str:
    """What follows the state's label on the record page: who did what, and when.

    "signed off by Morgan Ellis on 3 May 2026" for signed-off pledges; "pledges signed off …"
    once the review is under way (the review itself is not signed off yet); "reopened on …"
    for a reopened draft, whose earlier submission no longer stands.
    """
    state = record.state
    if state.is_complete:
        who = record.completed_by.name if record.completed_by else "the manager"
        return f"review signed off by {who} on {long_date(record.completed_at)}"
    if state.is_submitted and state.is_in_review:
        return f"submitted on {long_date(record.submitted_at)}"
    if state.is_signed_off:
        what = "pledges signed off" if state.is_in_review else "signed off"
        who = record.signed_off_by.name if record.signed_off_by else "the manager"
        return f"{what} by {who} on {long_date(record.signed_off_at)}"
    if state.is_draft and record.snapshots:
        return f"reopened on {long_date(record.snapshots[-1].reopened_at)}"
    if record.submitted_at and not state.is_draft:
        return f"submitted on {long_date(record.submitted_at)}"
    return ""


def sign_off_sentence(record: Record, viewer: User) -> str:
    """Who signs the record (or its review) off, while that is still to come; "" once done."""
    manager = record.signing_manager
    if manager is None or record.is_complete or record.is_waiting_for_review:
        return ""
    what = "the review" if record.in_review_stage else "this record"
    verb = "is signing" if record.is_submitted else "signs"
    if record.is_team_record:
        with_whom = "the team"
    elif record.owner_id == viewer.id:
        with_whom = "you"
    else:
        with_whom = record.owner.name
    return f"{manager.name} {verb} {what} off with {with_whom} in supervision."


def approve_remaining_label(count: int) -> str:
    """The button that approves every entry still awaiting a decision."""
    if count == 1:
        return "Approve the remaining entry"
    return f"Approve all {plural(count, 'remaining entry', 'remaining entries')}"
