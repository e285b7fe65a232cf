"""Reading a pledge against the SMART planning guide (Appendix A of the multi-agency checklist).

Plain rules about the words used, shown as prompts for the supervision conversation, never as a
block on submitting. Each rule says what it looks for; none pretends to judge the practice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
TIMESCALE = re.compile(
    rf"\b(by|within|before|until|from|starting)\s+(the\s+)?(end|next|this|\d|{MONTHS})"
    rf"|\b({MONTHS})\b"
    r"|\b\d+\s*(day|week|month|year|term|quarter)s?\b"
    r"|\b(daily|weekly|fortnightly|monthly|quarterly|annually|termly)\b"
    r"|\b(each|every)\s+(day|week|fortnight|month|quarter|term|year|visit|meeting|review|"
    r"supervision|time|case|referral|contact)\b"
    r"|\b(one|two|three|four|five|six|twelve)\s+(days?|weeks?|months?|years?)\b"
    r"|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"
    r"|\b(20\d\d)\b",
    re.IGNORECASE,
)
COUNTABLE = re.compile(
    r"\d|%|\bper\s?cent\b"
    r"|\b(every|each|all|none|no longer|fewer|more|at least|at most|out of|count|number of|"
    r"audit|audits|recorded|records|minutes|feedback|survey|says?|said|tells?|see|seen|hear|"
    r"observe|observed|shows?|evidence)\b",
    re.IGNORECASE,
)
CHILDREN = re.compile(
    r"\b(child|children|child's|children's|young (person|people)|young person's|baby|babies|"
    r"infants?|teenagers?|adolescents?|pupils?|learners?|famil(y|ies))\b",
    re.IGNORECASE,
)
NEGATIVE = re.compile(
    r"\b(stop|stops|stopped|never|no more|not|don't|doesn't|won't|avoid|prevent)\b", re.IGNORECASE
)
SERVICE_ACTION = re.compile(
    r"\b(refer|referral|referring|attend|attending|complete (the |a |my |our )?training|"
    r"go on (a|the) course|sign up|book (a|on))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SmartPrompt:
    code: str
    message: str


PROMPTS = {
    "timely": SmartPrompt(
        "timely", "Timely: no date or timescale found. By when will this be done?"
    ),
    "no_signs": SmartPrompt(
        "no_signs",
        "Measurable: there are no anticipated signs of success yet. What would you see, hear or "
        "be able to count?",
    ),
    "measurable": SmartPrompt(
        "measurable",
        "Measurable: the signs of success do not name anything that can be seen or counted.",
    ),
    "children": SmartPrompt(
        "children",
        "Outcome: neither the pledge nor its signs of success say what will be better for "
        "children or young people.",
    ),
    "positive": SmartPrompt(
        "positive",
        "Stated in the positive: the signs of success describe what should stop. Could they "
        "describe the good thing you want to see instead?",
    ),
    "service_action": SmartPrompt(
        "service_action",
        "More than a service action: a referral, course or meeting is an action, not an outcome. "
        "What will it change?",
    ),
}


def smart_prompts(pledge: str, signs_of_success: str) -> list[SmartPrompt]:
    """What the SMART guide would ask about this pledge. Empty for an empty pledge."""
    return list(_prompts_for(pledge.strip(), signs_of_success.strip()))


# A supervision session shows the prompts of every pledge discussed, on every view of its page:
# the five patterns over each pledge's text were a millisecond of the page's CPU. The answer
# depends on the two texts alone, so the answers for the texts last read are kept.
@lru_cache(maxsize=1024)
def _prompts_for(pledge: str, signs: str) -> tuple[SmartPrompt, ...]:
    if not pledge:
        return ()
    both = f"{pledge}\n{signs}"
    prompts = []
    if not TIMESCALE.search(both):
        prompts.append(PROMPTS["timely"])
    if not signs:
        prompts.append(PROMPTS["no_signs"])
    elif not COUNTABLE.search(signs):
        prompts.append(PROMPTS["measurable"])
    mentions_children = bool(CHILDREN.search(both))
    if not mentions_children:
        prompts.append(PROMPTS["children"])
    if signs and NEGATIVE.search(signs):
        prompts.append(PROMPTS["positive"])
    if SERVICE_ACTION.search(pledge) and not mentions_children:
        prompts.append(PROMPTS["service_action"])
    return tuple(prompts)
