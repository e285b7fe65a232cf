"""Spotting text that looks like a child's or family's identifying details.

Records are about practice, not about children. These rules look for the shape of identifying
details: NHS numbers (with their modulus 11 check digit), telephone numbers (read by
`phonenumbers`, as dialled in the UK), UK postcodes, a house number and street, email addresses,
dates of birth, named schools and classes, and people's names, but only where the words around
a name say it is a child or family member: an age, a date of birth, or a family role such as
mum, dad, nan or stepfather. Names are matched with their capital letters, so "by 1 March 2027"
is a deadline, not a name and a date.

What is found is shown to the user with the reason; they change it or confirm it is not
identifying. Nothing is ever blocked on a guess. The check's quality is measured against a
labelled corpus in tests/pledges/personal_data_corpus.py: change a rule, rerun that test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import phonenumbers

from core.formatting import shorten
from pledges.models import ENTRY_TEXT_FIELDS, Record
from pledges.wording import ENTRY_FIELD_SHORT_NAMES

# What each kind of finding is, and why it was flagged, in the words the user sees.
NHS_NUMBER_KIND = "An NHS number"
LABELLED_NHS_NUMBER_KIND = "A number given as an NHS number"
PHONE_KIND = "A telephone number"
POSTCODE_KIND = "A postcode"
ADDRESS_KIND = "A house number and street"
EMAIL_KIND = "An email address"
DATE_OF_BIRTH_KIND = "A date of birth"
NAME_AND_AGE_KIND = "A name with an age"
NAME_AND_BIRTH_KIND = "A name with a date of birth"
NAME_AND_FAMILY_KIND = "A name with a family role"
SCHOOL_KIND = "A school or class"

REASONS = {
    NHS_NUMBER_KIND: "ten digits whose last digit is an NHS number's check digit",
    LABELLED_NHS_NUMBER_KIND: "ten digits after “NHS number” (even mistyped, it points to a child)",
    PHONE_KIND: "it reads as a UK telephone number",
    POSTCODE_KIND: "it has the shape of a UK postcode",
    ADDRESS_KIND: "a number followed by a street's name",
    EMAIL_KIND: "it is an email address, and not a public service's",
    DATE_OF_BIRTH_KIND: "a date next to “DOB”, “born” or “date of birth”",
    NAME_AND_AGE_KIND: "a name followed (or preceded) by someone's age",
    NAME_AND_BIRTH_KIND: "a name next to a date of birth",
    NAME_AND_FAMILY_KIND: "a name next to a family role such as mum, dad, nan or stepfather",
    SCHOOL_KIND: "a named school or class, next to details of a child",
}


MERGED_KIND_FIRST = (
    NHS_NUMBER_KIND,
    LABELLED_NHS_NUMBER_KIND,
    EMAIL_KIND,
    NAME_AND_BIRTH_KIND,
    NAME_AND_AGE_KIND,
    NAME_AND_FAMILY_KIND,
    DATE_OF_BIRTH_KIND,
    ADDRESS_KIND,
    POSTCODE_KIND,
    PHONE_KIND,
    SCHOOL_KIND,
)


MERGE_ORDER = {kind: rank for rank, kind in enumerate(MERGED_KIND_FIRST)}


class Suspect(NamedTuple):
    """One piece of text that looks identifying: what kind, and the words found."""

    kind: str
    text: str

    @property
    def why(self) -> str:
        return REASONS[self.kind]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Dates --------------------------------------------------------------------------------------

MONTH_NAMES = _words(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """
)
MONTH = "(?:" + "|".join(sorted(MONTH_NAMES, key=len, reverse=True)) + ")"
NUMERIC_DATE = r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}|(?:19|20)\d{2}-\d{2}-\d{2})"
LONG_DATE = rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?i:{MONTH})\.?,?\s+(?:19|20)\d{{2}}"
MONTH_AND_YEAR = rf"(?i:{MONTH})\.?,?\s+(?:19|20)\d{{2}}"
ANY_DATE = rf"(?:{NUMERIC_DATE}|{LONG_DATE})"
BIRTH_CUE = r"(?i:d\.\s?o\.\s?b\.?|\bdob\b|date\s+of\s+birth|\bborn(?:\s+on|\s+in)?)"
DATE_OF_BIRTH = re.compile(
    rf"{BIRTH_CUE}\s*[:\-–]?\s*(?:{ANY_DATE}|{MONTH_AND_YEAR})(?![\d/])",
)

# Numbers, postcodes, addresses, email ---------------------------------------------------------

NHS_NUMBER = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
LABELLED_NHS_NUMBER = re.compile(
    r"(?i:\bNHS\s?(?:number|no\.?|num\.?|#)?\s?[:\-]?\s?)"
    r"(?P<number>\d{3}[ -]?\d{3}[ -]?\d{4})(?![\d-])"
)
# The outward code (DE4, S41, SK17) then the inward code (3AG); letters CIKMOV never end one.
POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}\d{1,2}[A-Z]?|GIR)\s?\d[ABD-HJLNP-UW-Z]{2}\b"
    r"|\b(?:[a-z]{1,2}\d{1,2}[a-z]?)\s\d[abd-hjlnp-uw-z]{2}\b"
)
ORDINAL_ENDINGS = ("st", "nd", "rd", "th")
STREET_WORDS = _words(
    """
    Street St Road Rd Avenue Ave Lane Close Drive Way Crescent Court Place Terrace Grove
    Gardens Park Hill View Walk Row Green Rise Mews Square Parade Vale Croft Gate Fields
    Meadows Mount Bank Side Walk Wharf Yard Hollow Brow
    """
)
STREET_NAME_WORD = r"(?:St\.?\s|[A-Z][a-z']+\s|[A-Z][a-z]+-[A-Z][a-z]+\s)"
ADDRESS = re.compile(
    rf"\b(?:[Ff]lat|[Uu]nit|[Aa]partment)\s+\d+[A-Za-z]?,?\s+\d+[A-Za-z]?\s+{STREET_NAME_WORD}*"
    rf"(?:{'|'.join(STREET_WORDS)})\b"
    rf"|(?<![\d/.,:£])\b\d{{1,4}}[A-Za-z]?,?\s+{STREET_NAME_WORD}{{1,3}}"
    rf"(?:{'|'.join(STREET_WORDS)})\b"
    # Old streets named "-gate" (Saltergate, Knifesmithgate) need no other word.
    r"|(?<![\d/.,:£])\b\d{1,4}[A-Za-z]?,?\s+[A-Z][a-z]+gate\b"
    # In lower case only the words that are never anything but a street.
    r"|(?<![\d/.,:£])\b\d{1,4}[a-z]?\s+[a-z]+\s+(?:street|road|avenue|lane|crescent|terrace)\b"
)
# Where a telephone number could be: +44 or 0, then digits, spaces, brackets and dashes.
PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+\s?44\s?(?:\(0\))?|\(?0)[\d\s().-]{8,16}\d(?!\d)")
EMAIL = re.compile(r"\b[\w.+-]+@([\w-]+(?:\.[\w-]+)+)\b")
# Addresses of public services are not a family's.
PUBLIC_SERVICE_DOMAINS = (".gov.uk", ".nhs.uk", ".nhs.net", ".police.uk", ".sch.uk")

# Names ----------------------------------------------------------------------------------------

NAME_WORD = r"(?:(?:Mc|Mac|O')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
FULL_NAME = rf"{NAME_WORD}(?:\s{NAME_WORD}){{0,2}}"
FAMILY_ROLES = _words(
    """
    mum mother mom mummy dad daddy father nan nana nanna nanny gran granny grandma
    grandmother grandad granddad grandpa grandfather grandparent stepfather stepdad step-dad
    stepmother stepmum step-mum step-mother step-father brother sister half-brother
    half-sister stepbrother stepsister step-brother step-sister sibling son daughter aunt
    auntie aunty uncle cousin partner boyfriend girlfriend husband wife carer niece nephew
    twin baby
    """
)
FAMILY_ROLE = "(?i:" + "|".join(sorted(FAMILY_ROLES, key=len, reverse=True)) + ")"
RELATION = (
    r"(?:(?:his|her|their|the|the\schild's|the\sbaby's|the\schildren's|[A-Z][a-z]+'s)\s)?"
    r"(?:(?:older|younger|little|big|maternal|paternal|new|foster|kinship|birth|twin)\s)?"
)
AGE = r"\d{1,2}(?:\s?(?:years?|yrs?|y/o|months?|mths?|weeks?|wks?)(?:\sold)?)?"
NAME_THEN_AGE = re.compile(
    rf"\b(?P<name>{FULL_NAME})\s?(?:"
    rf",\s?(?:aged\s)?{AGE}(?=\s?[,)]|\s(?:and|is|was|has|had|lives|said)\b|\s?$|\.\s)"
    rf"|\s?\(\s?(?:aged\s)?{AGE}\s?\)"
    rf"|,?\s(?:aged|age)\s\d{{1,2}}\b"
    rf"|\s(?:is|was|turned|turns)\s\d{{1,2}}(?:\s(?:years?|months?)(?:\sold)?)?"
    rf"(?=\s?[,.;)]|\s(?:and|but|when|with|in|at)\b|\s?$)"
    # "who is 3" is about a person whatever follows.
    rf"|,?\swho\s(?:is|was|turned|turns)\s\d{{1,2}}\b(?![/.:]\d)"
    rf"|,\s\d{{1,2}}\s(?:years?|months?|weeks?)(?:\sold)?\b"
    r")"
)
AGE_THEN_NAME = re.compile(rf"\b\d{{1,2}}[- ](?:year|month|week)[- ]old\s(?P<name>{FULL_NAME})")
NAME_THEN_BIRTH = re.compile(
    rf"\b(?P<name>{FULL_NAME}),?\s?\(?\s?(?:{BIRTH_CUE}\s*[:\-–]?\s*(?:{ANY_DATE})?|{NUMERIC_DATE})"
)
DIGIT = re.compile(r"\d")
WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)?")
FAMILY_ROLE_WORDS = frozenset(FAMILY_ROLES) | {"carer"}
NAME_THEN_ROLE = re.compile(
    rf"\b(?P<name>{FULL_NAME})\s?(?:,\s?|\(\s?){RELATION}{FAMILY_ROLE}\b\)?"
)
ROLE_THEN_NAME = re.compile(
    rf"(?<![A-Za-z])(?:{RELATION}){FAMILY_ROLE}(?:,?\s|\s?\(\s?)(?P<name>{FULL_NAME})\b\)?"
)
POSSESSIVE_NAME = re.compile(
    rf"(?<!St\s)(?<!St\.\s)\b(?P<name>{NAME_WORD})['’]s\s(?:(?:older|younger|little|big|"
    rf"new|foster|maternal|paternal)\s)?(?:{FAMILY_ROLE}|foster\scarer)\b"
)
# Capitalised words that are not people's names: sentence openers, the calendar, the words of
# practice, agencies and places. Compared in lower case.
NOT_NAMES = _words(
    """
    a an the this that these those i we our my your you he she it they them his her their
    its there here what when where which who why how if as at by for from in into of on to
    with within without after before during since until till between across over under about
    around against among per via and or but so then also all any each every some many most
    few both only just not no yes one two three four five six seven eight nine ten eleven
    twelve first second third last next new old other same such monday tuesday wednesday
    thursday friday saturday sunday today tomorrow yesterday spring summer autumn winter
    easter christmas term half week weeks month months year years day days date time morning
    afternoon evening child children childs baby babies boy boys girl girls young person
    people parent parents family families carer carers pupil pupils student students adult
    adults infant infants twins sibling siblings mother mothers father fathers mum mums dad
    dads team teams manager managers group groups meeting meetings review reviews conference
    conferences core plan plans case cases referral referrals assessment assessments visit
    visits audit audits record records report reports supervision strategy discussion
    evidence feedback training course session sessions event events update updates service
    services unit panel board partnership partnerships hub centre office home school schools
    nursery college academy class classes section sections part chapter level stage step
    tier key point points area areas phase page room module version standard principle
    recommendation recommendations item table figure question questions appendix cohort
    target targets success signs sign self service user colleague sr sur mr cr social care
    health education police local authority county council district city borough county hall
    library royal hospital trust nhs foundation constabulary designated officer early help
    youth justice virtual head teacher teachers nurse nurses midwife midwives worker workers
    practitioner practitioners lead sergeant inspector officer officers starting
    safeguarding protection act working together keeping safe derbyshire chesterfield
    bolsover amber valley erewash high peak dales south north east west buxton matlock
    ilkeston glossop belper ripley swadlincote long eaton alfreton heanor clay cross
    dronfield staveley tibshelf clowne shirebrook killamarsh bakewell ashbourne derby
    nottingham sheffield mr mrs ms miss dr
    """
)
NOT_NAME_WORDS = frozenset(NOT_NAMES)
# Schools and classes, with a child nearby ("attends", "is in Year 2", "he", "her").
SCHOOL_NAME = re.compile(
    # The lookahead lets the search skip to capitals quickly: ten times faster on long text.
    rf"(?=[A-Z])\b(?:St\.?\s)?(?:{NAME_WORD}['’]?s?\s){{1,3}}"
    r"(?:(?:C\sof\sE|CE|Catholic|Church\sof\sEngland|Community|Junior|Infant|Infants|Primary|"
    r"Nursery|High|Secondary|Methodist|Academy)\s){0,3}"
    r"(?:School|Academy|Nursery|College|Primary|Pre-?school)\b"
    r"(?:\s[A-Z][a-z]+\b)?"
)
CLASS_NAME = re.compile(
    r"\b(?:class|form|tutor\sgroup|form\sgroup|registration\sgroup)\s\d{1,2}[A-Z]{1,3}\b"
    r"|\b[A-Z][a-z]+\s[Cc]lass\b"
    r"|\b(?:Mrs|Mr|Miss|Ms)\s[A-Z][a-z]+['’]s\sclass\b"
)
CHILD_NEARBY = re.compile(
    r"\b(?:he|she|his|her|attends|attending|attended|goes\sto|went\sto|excluded|on\sroll|"
    r"in\s(?:Year|year)\s\d{1,2}|in\s[Rr]eception|is\sin)\b",
    re.IGNORECASE,
)
GENERIC_SCHOOL_WORDS = {
    "virtual",
    "forest",
    "sunday",
    "summer",
    "special",
    "hospital",
    "primary",
    "secondary",
    "high",
    "our",
    "the",
    "every",
    "each",
    "all",
    "derbyshire",
    "reception",
    "nursery",
    "middle",
    "first",
    "whole",
    "same",
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


def _is_name(words: str) -> bool:
    """Whether capitalised words could be a person's name: none of them is a word of practice,
    a place, a month or a sentence opener."""
    parts = re.split(r"[\s-]+", words)
    return all(part.lower().strip("'’") not in NOT_NAME_WORDS for part in parts) and not any(
        part.lower() in FAMILY_ROLES for part in parts
    )


def _trim_name(name: str) -> str | None:
    """The name without leading words that cannot begin one ("Visited Tyler" stays, "The
    Hughes" → "Hughes"), or None when nothing of a name is left. Only the first name is
    checked: surnames are often ordinary words (Hall, Wood, Young)."""
    words = name.split()
    while words and not _is_name(words[0]):
        words.pop(0)
    return " ".join(words) if words else None


Found = tuple[int, int, str]  # where a suspect starts and ends, and its kind


def _names(pattern: re.Pattern, text: str, kind: str) -> list[Found]:
    """Matches of a name pattern whose name could be a person's, from the name's first word
    when the pattern's own words come after it ("Visited Tyler, 9" → "Tyler, 9")."""
    found = []
    for match in pattern.finditer(text):
        name = _trim_name(match.group("name"))
        if name is None:
            continue
        start = match.start()
        if match.start("name") == start:
            start = match.start("name") + match.group("name").index(name)
        found.append((start, match.end(), kind))
    return found


def _phones(text: str) -> list[Found]:
    """UK telephone numbers, as `phonenumbers` reads them. It is shown only the stretches that
    could hold one (a long run of digits costs it seconds): it judges, the pattern only finds."""
    found = []
    # POSSIBLE, not VALID: a number mistyped or in a range not yet issued identifies all the same.
    leniency = phonenumbers.Leniency.POSSIBLE
    for candidate in PHONE_CANDIDATE.finditer(text):
        offset = candidate.start()
        for match in phonenumbers.PhoneNumberMatcher(candidate.group(0), "GB", leniency=leniency):
            if len(re.sub(r"\D", "", match.raw_string)) >= 10:  # fewer is a count or a reference
                found.append((offset + match.start, offset + match.end, PHONE_KIND))
    return found


def _schools(text: str) -> list[Found]:
    found = []
    for pattern in (SCHOOL_NAME, CLASS_NAME):
        for match in pattern.finditer(text):
            first = match.group(0).split()[0].lower().rstrip("'’s")
            if first not in GENERIC_SCHOOL_WORDS:
                found.append((match.start(), match.end(), SCHOOL_KIND))
    if found and not CHILD_NEARBY.search(text):
        return []
    return found


def _has_family_role(text: str) -> bool:
    """A quick look for any family role word, before the patterns that need one."""
    return any(word.lower() in FAMILY_ROLE_WORDS for word in WORD.findall(text))


def _spans(pattern: re.Pattern, text: str, kind: str) -> list[Found]:
    return [(match.start(), match.end(), kind) for match in pattern.finditer(text)]


def find_in_text(text: str) -> list[Suspect]:
    """Everything in `text` that looks like identifying details, in the order it comes.

    Where two findings overlap, the longer one is kept ("Jayden Smith, DOB 12/03/2015" once,
    not also "DOB 12/03/2015"); an NHS number is never also a phone number.
    """
    if not text:
        return []
    found: list[Found] = []
    for match in NHS_NUMBER.finditer(text):
        if nhs_check_digit_valid("".join(match.groups())):
            found.append((match.start(), match.end(), NHS_NUMBER_KIND))
    found += [
        (m.start("number"), m.end("number"), LABELLED_NHS_NUMBER_KIND)
        for m in LABELLED_NHS_NUMBER.finditer(text)
    ]
    found += _phones(text)
    found += [
        (m.start(), m.end(), POSTCODE_KIND)
        for m in POSTCODE.finditer(text)
        if m.group(0)[-2:] not in ORDINAL_ENDINGS
    ]
    if DIGIT.search(text):
        found += _spans(ADDRESS, text, ADDRESS_KIND)
    found += [
        (m.start(), m.end(), EMAIL_KIND)
        for m in EMAIL.finditer(text)
        if not m.group(1).lower().endswith(PUBLIC_SERVICE_DOMAINS)
    ]
    found += _spans(DATE_OF_BIRTH, text, DATE_OF_BIRTH_KIND)
    found += _names(NAME_THEN_AGE, text, NAME_AND_AGE_KIND)
    found += _names(AGE_THEN_NAME, text, NAME_AND_AGE_KIND)
    found += _names(NAME_THEN_BIRTH, text, NAME_AND_BIRTH_KIND)
    if _has_family_role(text):  # most practice text has none: skip the slower patterns
        found += _names(NAME_THEN_ROLE, text, NAME_AND_FAMILY_KIND)
        found += _names(ROLE_THEN_NAME, text, NAME_AND_FAMILY_KIND)
        found += _names(POSSESSIVE_NAME, text, NAME_AND_FAMILY_KIND)
    found += _schools(text)
    return _merge(text, found)


def _merge(text: str, found: list[Found]) -> list[Suspect]:
    """Overlapping findings become one, covering them all, named by the most telling kind
    ("A name with a date of birth" rather than "A date of birth")."""
    order = MERGE_ORDER
    merged: list[list] = []
    for start, end, kind in sorted(found):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            if order[kind] < order[last[2]]:
                last[2] = kind
        else:
            merged.append([start, end, kind])
    return [Suspect(kind, text[start:end].strip(" ,")) for start, end, kind in merged]


@dataclass(frozen=True)
class PersonalDataFinding:
    kind: str
    text: str
    where: str

    @property
    def why(self) -> str:
        return REASONS[self.kind]


def entry_texts(entry) -> list[tuple[str, str]]:
    """(field's short name, text) for every piece of an entry's free text, its review too."""
    places = [(ENTRY_FIELD_SHORT_NAMES[name], getattr(entry, name)) for name in ENTRY_TEXT_FIELDS]
    if entry.is_added_finding:
        places.append(("Finding", entry.finding_title))
    places += [("Evidence", item.description) for item in entry.evidence]
    places.append(("What next", entry.what_next))
    return places


def entry_findings(entry) -> list[PersonalDataFinding]:
    """Everything in one entry's free text that looks identifying, with the field it is in."""
    return [
        PersonalDataFinding(kind, found, field_name)
        for field_name, text in entry_texts(entry)
        for kind, found in find_in_text(text or "")
    ]


def personal_data_findings(record: Record) -> list[PersonalDataFinding]:
    """Everything in the record's free text (and its review) that looks identifying."""
    return [
        PersonalDataFinding(finding.kind, finding.text, f"{entry.title}: {finding.where}")
        for entry in record.entries
        for finding in entry_findings(entry)
    ]


def hint_after_saving(entry, *, most: int = 5) -> str | None:
    """What to tell someone who has just saved an entry whose text looks identifying: which
    words, where and why. None when nothing looks identifying. The save itself stands."""
    findings = entry_findings(entry)
    if not findings:
        return None
    # Short enough for the session cookie that carries the message to the next page.
    listed = "; ".join(
        f"“{_shorten(finding.text, 60)}” in {finding.where} ({finding.why})"
        for finding in findings[:most]
    )
    more = len(findings) - most
    if more > 0:
        listed += f"; and {more} more"
    return (
        f"Your text was saved, but in “{_shorten(entry.title, 80)}” some words may identify a "
        f"child or family: {listed}. If they do, change them; records are about practice, not "
        "children."
    )


def _shorten(text: str, most: int) -> str:
    return shorten(text, most)
