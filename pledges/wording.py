"""The paper tool's own wording (Appendix 1 of the Derbyshire document), so users recognise it."""

from __future__ import annotations

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
