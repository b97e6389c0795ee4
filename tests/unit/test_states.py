"""Every pair of states, allowed and refused, for applications and awards (table-driven)."""

from itertools import product

import pytest

from portal.domain.payments import PAYMENT_MOVES, PaymentStatus, move_payment
from portal.domain.states import (
    APPLICATION_MOVES,
    AWARD_MOVES,
    ApplicationStatus,
    AwardStatus,
    InvalidTransition,
    move_application,
    move_award,
)

A = ApplicationStatus
W = AwardStatus

ALLOWED_APPLICATION_MOVES = {
    (A.DRAFT, A.SUBMITTED),
    (A.DRAFT, A.WITHDRAWN),
    (A.DRAFT, A.EXPIRED),
    (A.SUBMITTED, A.IN_REVIEW),
    (A.SUBMITTED, A.QUESTION_ASKED),
    (A.SUBMITTED, A.APPROVED),
    (A.SUBMITTED, A.NOT_YET),
    (A.SUBMITTED, A.WITHDRAWN),
    (A.IN_REVIEW, A.QUESTION_ASKED),
    (A.IN_REVIEW, A.APPROVED),
    (A.IN_REVIEW, A.NOT_YET),
    (A.IN_REVIEW, A.WITHDRAWN),
    (A.QUESTION_ASKED, A.SUBMITTED),
    (A.QUESTION_ASKED, A.WITHDRAWN),
}

ALLOWED_AWARD_MOVES = {
    (W.OFFERED, W.ACCEPTED),
    (W.OFFERED, W.DECLINED),
    (W.OFFERED, W.CANCELLED),
    (W.ACCEPTED, W.PAYMENT_PREPARED),
    (W.ACCEPTED, W.CANCELLED),
    (W.PAYMENT_PREPARED, W.PAYMENT_AUTHORISED),
    (W.PAYMENT_PREPARED, W.ACCEPTED),
    (W.PAYMENT_PREPARED, W.CANCELLED),
    (W.PAYMENT_AUTHORISED, W.PAID),
    (W.PAYMENT_AUTHORISED, W.ACCEPTED),
    (W.PAYMENT_AUTHORISED, W.PAYMENT_PREPARED),
}


def test_the_tables_cover_every_state():
    assert set(APPLICATION_MOVES) == set(A)
    assert set(AWARD_MOVES) == set(W)


@pytest.mark.parametrize(("current", "target"), list(product(A, A)))
def test_each_application_move_is_allowed_or_refused_exactly_as_listed(current, target):
    if (current, target) in ALLOWED_APPLICATION_MOVES:
        assert move_application(current, target) is target
    else:
        with pytest.raises(InvalidTransition):
            move_application(current, target)


@pytest.mark.parametrize(("current", "target"), list(product(W, W)))
def test_each_award_move_is_allowed_or_refused_exactly_as_listed(current, target):
    if (current, target) in ALLOWED_AWARD_MOVES:
        assert move_award(current, target) is target
    else:
        with pytest.raises(InvalidTransition):
            move_award(current, target)


def test_a_paid_award_can_never_move_again():
    for target in W:
        with pytest.raises(InvalidTransition):
            move_award(W.PAID, target)


P = PaymentStatus
ALLOWED_PAYMENT_MOVES = {
    (P.PREPARED, P.AUTHORISED),
    (P.PREPARED, P.CANCELLED),
    (P.AUTHORISED, P.PAID),
    (P.AUTHORISED, P.FAILED),
    (P.AUTHORISED, P.PREPARED),
    (P.AUTHORISED, P.CANCELLED),
}


def test_the_payment_table_covers_every_state():
    assert set(PAYMENT_MOVES) == set(P)


@pytest.mark.parametrize(("current", "target"), list(product(P, P)))
def test_each_payment_move_is_allowed_or_refused_exactly_as_listed(current, target):
    if (current, target) in ALLOWED_PAYMENT_MOVES:
        assert move_payment(current, target) is target
    else:
        with pytest.raises(InvalidTransition):
            move_payment(current, target)
