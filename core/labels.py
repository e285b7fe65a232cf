"""Enums whose members carry the words users see: `Approval.APPROVED.label` is "Approved".

One mechanism for every such enum, so labels live beside the members they name instead of in
dictionaries written out again in each `label` property.
"""

from __future__ import annotations

import enum


class LabelledEnum(enum.Enum):
    """An enum whose members are written `NAME = "stored value", "Label users see"`.

    The stored value is what the database holds (`member.value`); the label is for pages,
    PDFs, exports and emails (`member.label`).
    """

    label: str

    def __new__(cls, value: str, label: str):
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        return member
