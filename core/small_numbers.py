"""Small numbers in anonymised views: the one rule the collated exports and the impact report
share. A count from 1 to 4 could point to a person by elimination, so anonymised it is shown as
"fewer than 5" (and a group of fewer than five people is not attributed)."""

from __future__ import annotations

SMALLEST_SHOWN = 5


def is_small(count: int) -> bool:
    """Whether an anonymised view withholds this count: more than none, fewer than five."""
    return 0 < count < SMALLEST_SHOWN


def shown_count(count: int, *, anonymised: bool) -> str:
    """A count as a page or export shows it: "1,234", or "fewer than 5" when anonymised."""
    return "fewer than 5" if anonymised and is_small(count) else f"{count:,}"


def anonymised_in(args) -> bool:
    """Whether the address asks for the anonymised view: `anonymise=1`, as the dashboard's and
    the impact report's links and ticked boxes send it."""
    return args.get("anonymise") in ("1", "on", "yes", "true")
