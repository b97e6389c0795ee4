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


def suppressed(counts: dict[str, int]) -> dict[str, int | None]:
    """One question's counts as they may be shown: under 10 hidden (None); and if that hides just one answer, the
    next smallest is hidden too, so the hidden one cannot be worked out from the others and a total."""
    shown_counts = {answer: shown(count) for answer, count in counts.items()}
    hidden = [answer for answer, value in shown_counts.items() if value is None]
    if len(hidden) == 1:
        visible = sorted((count, answer) for answer, count in counts.items() if shown_counts[answer] is not None)
        if visible:
            shown_counts[visible[0][1]] = None
    return shown_counts
