"""Reach, without labels: the optional, anonymous "about you" questions, and the rule for reporting them."""

from __future__ import annotations

SUPPRESS_BELOW = 10  # a count under 10 is never shown: it could point at a person

AGE_BANDS = ("under_18", "18_24", "25_34", "35_49", "50_64", "65_74", "75_plus", "not_say")
# The equality questions a programme may choose to ask, each with its answers ("not_say" always among them).
QUESTIONS: dict[str, tuple[str, ...]] = {
    "disability": ("yes", "no", "not_say"),
    "ethnic_group": ("asian", "black", "mixed", "white", "other", "not_say"),
    "sex": ("female", "male", "other", "not_say"),
    "carer": ("yes", "no", "not_say"),
}


def shown(count: int) -> int | None:
    """The count to show, or None where it must be suppressed."""
    return count if count >= SUPPRESS_BELOW else None
