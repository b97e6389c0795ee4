"""Reach, without labels: the optional, anonymous "about you" questions, and the rules for reporting them: released
in batches, small numbers hidden, every number rounded."""

from __future__ import annotations

SUPPRESS_BELOW = 10  # a count under 10 is never shown: it could point at a person
ROUND_TO = 5  # every count shown is rounded to the nearest 5, so one more answer rarely moves it
BATCH = 10  # shown figures change only once at least this many new answers have come in

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


def rounded(count: int) -> int:
    """A count to the nearest multiple of ROUND_TO (halves go up: 12 → 10, 13 → 15)."""
    return (count + ROUND_TO // 2) // ROUND_TO * ROUND_TO


def published(counts: dict[str, int]) -> dict[str, int | None]:
    """One question's counts as a viewer sees them: hidden as `suppressed` says (worked out on the true counts), and
    the rest rounded to the nearest 5."""
    return {answer: None if value is None else rounded(value) for answer, value in suppressed(counts).items()}


def published_total(count: int) -> int | None:
    """How many answered, as a viewer sees it: hidden under 10, otherwise rounded to the nearest 5."""
    value = shown(count)
    return None if value is None else rounded(value)


def release_due(answers_now: int, answers_last_released: int | None) -> bool:
    """New figures are released only once at least BATCH answers have come in since the last release (the first
    release once there are BATCH in all), so no viewer can tell one person's answers from a change in the counts."""
    return answers_now - (answers_last_released or 0) >= BATCH
