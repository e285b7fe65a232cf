"""When the six-month review (stage 2) falls due."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta


def review_due_on(signed_off_on: date, months: int) -> date:
    """Calendar months after sign-off; the 31st becomes the last day of a shorter month."""
    return signed_off_on + relativedelta(months=months)
