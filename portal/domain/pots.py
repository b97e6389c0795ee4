"""Rules for a pot's limits and dates, in integer pence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


class PotRuleBroken(ValueError):
    """A pot's settings contradict each other. `field` names the setting to fix."""

    def __init__(self, field: str, rule: str, limit_pence: int = 0) -> None:
        super().__init__(rule)
        self.field = field
        self.rule = rule
        self.limit_pence = limit_pence  # for a rule about an amount: the amount the setting must respect


@dataclass(frozen=True)
class PotLimits:
    budget_pence: int
    max_award_pence: int
    fast_track_limit_pence: int
    opens_on: date | None
    closes_on: date | None
    is_rolling: bool


def check_pot_limits(limits: PotLimits) -> None:
    """Raise PotRuleBroken unless 0 < max award <= budget, 0 <= fast track <= max award, and dates make sense."""
    if limits.budget_pence <= 0:
        raise PotRuleBroken("budget", "budget_positive")
    if limits.max_award_pence <= 0:
        raise PotRuleBroken("max_award", "max_award_positive")
    if limits.max_award_pence > limits.budget_pence:
        raise PotRuleBroken("max_award", "max_award_within_budget")
    if limits.fast_track_limit_pence < 0:
        raise PotRuleBroken("fast_track_limit", "fast_track_not_negative")
    if limits.fast_track_limit_pence > limits.max_award_pence:
        raise PotRuleBroken("fast_track_limit", "fast_track_within_max_award")
    if not limits.is_rolling:
        if limits.opens_on is None:
            raise PotRuleBroken("opens_on", "opens_on_needed")
        if limits.closes_on is None:
            raise PotRuleBroken("closes_on", "closes_on_needed")
        if limits.closes_on < limits.opens_on:
            raise PotRuleBroken("closes_on", "closes_after_opens")


def is_open(limits: PotLimits, today: date) -> bool:
    """A rolling pot is always open; a dated pot is open from its opening day to its closing day inclusive."""
    if limits.is_rolling:
        return True
    assert limits.opens_on is not None and limits.closes_on is not None
    return limits.opens_on <= today <= limits.closes_on


def open_during(limits: PotLimits, start: date | None, end: date | None) -> bool:
    """Whether a pot is open on at least one day from start to end inclusive (None: no limit on that side). A rolling
    pot is always open; a dated pot whose days overlap the period is open during it."""
    if limits.is_rolling:
        return True
    assert limits.opens_on is not None and limits.closes_on is not None
    return (end is None or limits.opens_on <= end) and (start is None or limits.closes_on >= start)


def check_budget_covers_awards(budget_pence: int, awarded_pence: int) -> None:
    """A pot's budget can be lowered, but never below what it has already promised; raises PotRuleBroken."""
    if budget_pence < awarded_pence:
        raise PotRuleBroken("budget", "budget_below_awarded", limit_pence=awarded_pence)
