"""Rules for a pot's limits and dates, in integer pence."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date


class PotRuleBroken(ValueError):
    """A pot's settings contradict each other. `field` names the setting to fix; `problems` lists every rule the
    settings break (this one first), so a page can show them all at once."""

    def __init__(self, field: str, rule: str, limit_pence: int = 0) -> None:
        super().__init__(rule)
        self.field = field
        self.rule = rule
        self.limit_pence = limit_pence  # for a rule about an amount: the amount the setting must respect
        self.problems: list[PotRuleBroken] = [self]

    @classmethod
    def all_of(cls, problems: list[PotRuleBroken]) -> PotRuleBroken:
        """One error to raise for several problems: the first, carrying the rest."""
        first = problems[0]
        first.problems = list(problems)
        return first


@dataclass(frozen=True)
class PotLimits:
    budget_pence: int
    max_award_pence: int
    fast_track_limit_pence: int
    opens_on: date | None
    closes_on: date | None
    is_rolling: bool


def pot_limit_problems(
    *,
    budget_pence: int | None,
    max_award_pence: int | None,
    fast_track_limit_pence: int | None,
    opens_on: date | None,
    closes_on: date | None,
    is_rolling: bool,
) -> list[PotRuleBroken]:
    """Every rule these settings break, at most one per setting: 0 < max award <= budget, 0 <= fast track <= max
    award, and a dated pot opens and closes, in that order. An amount given as None (not typed, or typed wrong) is
    left out of the rules that compare with it, so a page can check what it has while it explains the rest."""
    problems: list[PotRuleBroken] = []
    if budget_pence is not None and budget_pence <= 0:
        problems.append(PotRuleBroken("budget", "budget_positive"))
    if max_award_pence is not None:
        if max_award_pence <= 0:
            problems.append(PotRuleBroken("max_award", "max_award_positive"))
        elif budget_pence is not None and budget_pence > 0 and max_award_pence > budget_pence:
            problems.append(PotRuleBroken("max_award", "max_award_within_budget"))
    if fast_track_limit_pence is not None:
        if fast_track_limit_pence < 0:
            problems.append(PotRuleBroken("fast_track_limit", "fast_track_not_negative"))
        elif max_award_pence is not None and max_award_pence > 0 and fast_track_limit_pence > max_award_pence:
            problems.append(PotRuleBroken("fast_track_limit", "fast_track_within_max_award"))
    if not is_rolling:
        if opens_on is None:
            problems.append(PotRuleBroken("opens_on", "opens_on_needed"))
        if closes_on is None:
            problems.append(PotRuleBroken("closes_on", "closes_on_needed"))
        elif opens_on is not None and closes_on < opens_on:
            problems.append(PotRuleBroken("closes_on", "closes_after_opens"))
    return problems


def check_pot_limits(limits: PotLimits) -> None:
    """Raise PotRuleBroken (listing every problem) unless 0 < max award <= budget, 0 <= fast track <= max award,
    and dates make sense."""
    problems = pot_limit_problems(**asdict(limits))
    if problems:
        raise PotRuleBroken.all_of(problems)


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
