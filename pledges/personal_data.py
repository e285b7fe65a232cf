"""Spotting text that looks like a child's or family's identifying details, before submission.

Records are about practice, not about children. These are plain rules about the shape of text
(NHS numbers with their check digit, dates of birth, UK postcodes, phone numbers, email
addresses, a name next to a date). What they find is shown to the user, who changes it or
confirms it is not identifying; nothing is blocked on a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pledges.models import ENTRY_TEXT_FIELDS, Record
from pledges.wording import ENTRY_FIELD_SHORT_NAMES

NHS_NUMBER = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}"
MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
LONG_DATE = rf"\d{{1,2}}(?:st|nd|rd|th)? {MONTH},? (?:19|20)\d{{2}}"
DATE_OF_BIRTH = re.compile(
    rf"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\b\s*[:\-]?\s*(?:{DATE}|{LONG_DATE})",
    re.IGNORECASE,
)
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b", re.IGNORECASE)
PHONE = re.compile(r"(?<!\d)(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\d)")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
NAME_AND_DATE = re.compile(
    rf"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+,?\s*\(?(?:aged \d+|{DATE}|{LONG_DATE})", re.IGNORECASE
)
# Words that begin sentences or name services, so "Team Manager 12/03/2026" is not a person.
NOT_NAMES = {
    "the",
    "team",
    "manager",
    "on",
    "by",
    "from",
    "in",
    "at",
    "since",
    "until",
    "review",
    "meeting",
    "core",
    "group",
    "child",
    "protection",
    "conference",
    "we",
    "i",
    "our",
}


def nhs_check_digit_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check: what makes ten digits an NHS number, not a phone."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


@dataclass(frozen=True)
class PersonalDataFinding:
    kind: str
    text: str
    where: str


def find_in_text(text: str) -> list[tuple[str, str]]:
    """(kind, the text found) for everything in `text` that looks like identifying details."""
    found: list[tuple[str, str]] = []
    for match in NHS_NUMBER.finditer(text):
        if nhs_check_digit_valid("".join(match.groups())):
            found.append(("An NHS number", match.group(0)))
    nhs_spans = [
        m.span() for m in NHS_NUMBER.finditer(text) if nhs_check_digit_valid("".join(m.groups()))
    ]
    for match in DATE_OF_BIRTH.finditer(text):
        found.append(("A date of birth", match.group(0)))
    for match in POSTCODE.finditer(text):
        found.append(("A postcode", match.group(0)))
    for match in PHONE.finditer(text):
        if not any(start <= match.start() < end for start, end in nhs_spans):
            found.append(("A phone number", match.group(0).strip()))
    for match in EMAIL.finditer(text):
        found.append(("An email address", match.group(0)))
    for match in NAME_AND_DATE.finditer(text):
        words = match.group(0).split()
        if words[0].lower() not in NOT_NAMES and words[1].lower() not in NOT_NAMES:
            found.append(("A name next to a date or age", match.group(0)))
    return found


def personal_data_findings(record: Record) -> list[PersonalDataFinding]:
    """Everything in the record's free text (and its review) that looks identifying."""
    findings = []
    for entry in record.entries:
        places = [
            (ENTRY_FIELD_SHORT_NAMES[name], getattr(entry, name)) for name in ENTRY_TEXT_FIELDS
        ]
        if entry.is_added_finding:
            places.append(("Finding", entry.finding_title))
        places += [("Evidence", item.description) for item in entry.evidence]
        places.append(("What next", entry.what_next))
        for field_name, text in places:
            for kind, found in find_in_text(text or ""):
                findings.append(PersonalDataFinding(kind, found, f"{entry.title}: {field_name}"))
    return findings
