"""The one name finance gives each award's payment state, worked out from the award's status and whether the
resident has said how to be paid: every pair, table-driven."""

from __future__ import annotations

import pytest

from portal.domain.payments import PaymentState, payment_state
from portal.domain.states import AwardStatus

EXPECTED = {
    (AwardStatus.OFFERED, False): PaymentState.OFFERED,
    (AwardStatus.OFFERED, True): PaymentState.OFFERED,
    (AwardStatus.ACCEPTED, False): PaymentState.WAITING_FOR_DETAILS,
    (AwardStatus.ACCEPTED, True): PaymentState.DUE,
    (AwardStatus.PAYMENT_PREPARED, False): PaymentState.TO_AUTHORISE,
    (AwardStatus.PAYMENT_PREPARED, True): PaymentState.TO_AUTHORISE,
    (AwardStatus.PAYMENT_AUTHORISED, False): PaymentState.TO_RECORD,
    (AwardStatus.PAYMENT_AUTHORISED, True): PaymentState.TO_RECORD,
    (AwardStatus.PAID, False): PaymentState.PAID,
    (AwardStatus.PAID, True): PaymentState.PAID,
    (AwardStatus.DECLINED, False): PaymentState.DECLINED,
    (AwardStatus.DECLINED, True): PaymentState.DECLINED,
    (AwardStatus.CANCELLED, False): PaymentState.CANCELLED,
    (AwardStatus.CANCELLED, True): PaymentState.CANCELLED,
}


def test_the_table_covers_every_award_status_with_and_without_details():
    assert set(EXPECTED) == {(status, has) for status in AwardStatus for has in (False, True)}
    assert set(EXPECTED.values()) == set(PaymentState)


@pytest.mark.parametrize(("status", "has_details"), list(EXPECTED))
def test_each_award_status_has_one_payment_state(status, has_details):
    assert payment_state(status.value, has_details) is EXPECTED[(status, has_details)]


def test_a_status_that_is_not_an_awards_is_refused():
    with pytest.raises(ValueError):
        payment_state("approved", True)
