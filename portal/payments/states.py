"""The words finance uses for where an award is on its way to being paid: one name for each state, used by the
finance pages, a pot's statement (page, PDF and CSV) and the spreadsheets, so they never disagree."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from portal.domain.payments import PaymentState, payment_state

PAYMENT_STATE_TEXT: dict[PaymentState, Callable[[], str]] = {
    PaymentState.OFFERED: lambda: _("Offered, waiting for the resident to accept"),
    PaymentState.WAITING_FOR_DETAILS: lambda: _("Accepted, waiting for the resident to say how to be paid"),
    PaymentState.DUE: lambda: _("Due payment"),
    PaymentState.TO_AUTHORISE: lambda: _("Prepared, waiting for authorisation"),
    PaymentState.TO_RECORD: lambda: _("Authorised, waiting to be paid"),
    PaymentState.PAID: lambda: _("Paid"),
    PaymentState.DECLINED: lambda: _("Declined"),
    PaymentState.CANCELLED: lambda: _("Cancelled"),
}


def payment_state_text(state: PaymentState | str) -> str:
    """The state's name in the current language."""
    return PAYMENT_STATE_TEXT[PaymentState(state)]()


def award_payment_text(award_status: str, has_details: bool) -> str:
    """An award's payment state, named: `payment_state` then `payment_state_text`."""
    return payment_state_text(payment_state(award_status, has_details))
