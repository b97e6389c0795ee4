"""What a panel may decide about an idea, and what each decision does to the idea and the money."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from portal.domain.states import ApplicationStatus


class DecisionKind(StrEnum):
    YES = "yes"  # the amount asked
    YES_WITH_CHANGE = "yes_with_change"  # a lower amount and/or a condition
    NOT_YET = "not_yet"  # a kind reason and an offer to talk with the community builder
    QUESTION = "question"  # sent to the resident; their answer puts the idea back in the queue


class ViewKind(StrEnum):
    SUPPORT = "support"
    NOT_YET = "not_yet"
    QUESTION = "question"


class DecisionRefused(ValueError):
    """The decision breaks a rule; `rule` names it so the page can explain it plainly."""

    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule


@dataclass(frozen=True)
class DecisionOutcome:
    status: ApplicationStatus
    award_pence: int | None  # money promised from the pot, or None


def decide(
    kind: DecisionKind, asked_pence: int, *, amount_pence: int | None, condition: str, reason: str
) -> DecisionOutcome:
    """The outcome of a decision on an idea that asked for asked_pence; raises DecisionRefused for a broken rule.

    Every decision has a reason in plain words. "Yes, with a change" must lower the amount or add a condition, and
    never raise the amount.
    """
    problems = decision_problems(kind, asked_pence, amount_pence=amount_pence, condition=condition, reason=reason)
    if problems:
        raise DecisionRefused(problems[0])
    if kind is DecisionKind.YES:
        return DecisionOutcome(ApplicationStatus.APPROVED, asked_pence)
    if kind is DecisionKind.YES_WITH_CHANGE:
        return DecisionOutcome(ApplicationStatus.APPROVED, asked_pence if amount_pence is None else amount_pence)
    if kind is DecisionKind.NOT_YET:
        return DecisionOutcome(ApplicationStatus.NOT_YET, None)
    return DecisionOutcome(ApplicationStatus.QUESTION_ASKED, None)


def decision_problems(
    kind: DecisionKind, asked_pence: int, *, amount_pence: int | None, condition: str, reason: str
) -> list[str]:
    """Every rule a decision breaks (the rules `decide` applies), so a page can explain them all at once."""
    problems = []
    if not reason.strip():
        problems.append("reason_needed")
    if kind is DecisionKind.YES_WITH_CHANGE:
        amount = asked_pence if amount_pence is None else amount_pence
        if amount <= 0:
            problems.append("amount_positive")
        elif amount > asked_pence:
            problems.append("amount_not_more_than_asked")
        elif amount == asked_pence and not condition.strip():
            problems.append("change_needed")
    return problems


def may_fast_track(award_pence: int, fast_track_limit_pence: int) -> bool:
    """A programme officer may approve alone only at or under the pot's fast-track limit (0 means no fast track)."""
    return 0 < award_pence <= fast_track_limit_pence
