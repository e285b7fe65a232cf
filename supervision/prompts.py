"""Reflective prompts for the supervision conversation.

From "Supervision and management oversight of the work" in *Learning from Serious Case Reviews –
a checklist for good multi-agency practice* (April 2017), turned to the practitioner's pledges.
"""

SOURCE = (
    "Learning from Serious Case Reviews – a checklist for good multi-agency practice (April 2017), "
    "“Supervision and management oversight of the work”"
)

REFLECTIVE_PROMPTS = [
    "Is there an opportunity here for critical reflection? What options would avoid bias and "
    "support clear decision making?",
    "Does the pledge help you to be a confident practitioner who can challenge where necessary?",
    "How do the pledges keep a focus on mental health, neglect, substance misuse and domestic "
    "abuse, and their effect on parenting capacity?",
    "Where corrective action has been identified, is it acted on promptly?",
    "Do the pledges encourage imaginative and new ways of working with families to promote "
    "change, for example restorative methods?",
    "Would a reflective discussion with a senior practitioner help to move this forward?",
]
