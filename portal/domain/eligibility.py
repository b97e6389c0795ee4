"""A kind eligibility check before the form: at most MOST_CHECKS yes/no questions a programme picks for a pot from a
short list. "No" rules an idea out (the person is shown where else to go, and nothing about them is kept); "not
sure" always lets them go on, with a note for the panel."""

from __future__ import annotations

from enum import StrEnum

MOST_CHECKS = 3


class Check(StrEnum):
    LIVES_HERE = "lives_here"  # lives, works or volunteers in the neighbourhood
    NOT_FOR_PROFIT = "not_for_profit"  # nobody makes a profit from the idea
    NOT_ALREADY_PAID = "not_already_paid"  # the money is not for something already paid for
    AGED_16_OR_OVER = "aged_16_or_over"


class CheckAnswer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


def rules_out(answer: CheckAnswer) -> bool:
    return answer is CheckAnswer.NO


def known_checks(chosen: list[str]) -> list[str]:
    """The pot's checks in the list's own order, unknown ones dropped (a pot saved before a check was retired)."""
    return [check.value for check in Check if check.value in chosen]
