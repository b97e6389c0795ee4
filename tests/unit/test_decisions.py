"""Decisions: every kind, its outcome, and the rules that refuse one."""

import pytest

from portal.domain.decisions import DecisionKind, DecisionRefused, decide, may_fast_track
from portal.domain.states import ApplicationStatus

REASON = "It brings the street together."


@pytest.mark.parametrize(
    ("kind", "amount", "condition", "status", "award"),
    [
        (DecisionKind.YES, None, "", ApplicationStatus.APPROVED, 30_000),
        (DecisionKind.YES_WITH_CHANGE, 20_000, "", ApplicationStatus.APPROVED, 20_000),
        (DecisionKind.YES_WITH_CHANGE, None, "Invite the school", ApplicationStatus.APPROVED, 30_000),
        (DecisionKind.YES_WITH_CHANGE, 25_000, "Invite the school", ApplicationStatus.APPROVED, 25_000),
        (DecisionKind.NOT_YET, None, "", ApplicationStatus.NOT_YET, None),
        (DecisionKind.QUESTION, None, "", ApplicationStatus.QUESTION_ASKED, None),
    ],
)
def test_each_kind_of_decision_has_its_outcome(kind, amount, condition, status, award):
    outcome = decide(kind, 30_000, amount_pence=amount, condition=condition, reason=REASON)
    assert (outcome.status, outcome.award_pence) == (status, award)


@pytest.mark.parametrize(
    ("kind", "amount", "condition", "reason", "rule"),
    [
        (DecisionKind.YES, None, "", "  ", "reason_needed"),
        (DecisionKind.NOT_YET, None, "", "", "reason_needed"),
        (DecisionKind.YES_WITH_CHANGE, 30_001, "", REASON, "amount_not_more_than_asked"),
        (DecisionKind.YES_WITH_CHANGE, 0, "", REASON, "amount_positive"),
        (DecisionKind.YES_WITH_CHANGE, 30_000, " ", REASON, "change_needed"),
        (DecisionKind.YES_WITH_CHANGE, None, "", REASON, "change_needed"),
    ],
)
def test_a_decision_that_breaks_a_rule_is_refused(kind, amount, condition, reason, rule):
    with pytest.raises(DecisionRefused) as refused:
        decide(kind, 30_000, amount_pence=amount, condition=condition, reason=reason)
    assert refused.value.rule == rule


@pytest.mark.parametrize(
    ("award", "limit", "allowed"), [(5_000, 5_000, True), (5_001, 5_000, False), (1, 0, False), (0, 5_000, False)]
)
def test_fast_track_only_at_or_under_the_limit(award, limit, allowed):
    assert may_fast_track(award, limit) is allowed
