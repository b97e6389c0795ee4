"""How long personal data is kept: the kinds of data the programme sets a time for, their safe defaults, and the
limits an officer may choose within (in whole months)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

FEWEST_MONTHS = 1
MOST_MONTHS = 120
DAYS_A_MONTH = 30  # months are counted as 30 days: a rule may act a day or two early in a long month, never late


class Kind(StrEnum):
    """What a nightly run removes, as the audit log counts it (never whose)."""

    NOT_FUNDED = "ideas_not_funded"  # contact details of ideas not funded
    BANK_DETAILS = "bank_details"  # bank details of payments made
    PRIVATE_STORIES = "private_stories"  # the words and photos of stories only the programme may see
    SIGN_IN_RECORDS = "sign_in_records"  # sign-in links and codes
    DATA_COPIES = "copies_of_residents_data"  # the copies residents downloaded, a week after they were made


@dataclass(frozen=True)
class Rules:
    not_funded_months: int = 12
    bank_details_months: int = 6
    private_story_months: int = 36
    sign_in_months: int = 3


DEFAULTS = Rules()


def before(now: datetime, months: int) -> datetime:
    """The moment `months` months before `now`: anything older is past its time."""
    return now - timedelta(days=months * DAYS_A_MONTH)


def before_day(today: date, months: int) -> date:
    return today - timedelta(days=months * DAYS_A_MONTH)
