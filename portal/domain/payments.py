"""Paying an award: bank details as people type them, the life of a payment, and segregation of duties.

Pure rules, no Flask and no database. Services gather the facts (who decided the award, who prepared the payment,
who entered or changed the payee's details) and call these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from portal.domain.states import AwardStatus, InvalidTransition


class PaymentStatus(StrEnum):
    PREPARED = "prepared"  # amount, method and payee set; waiting for a second officer
    AUTHORISED = "authorised"  # a different officer agreed; waiting to go through the finance system
    PAID = "paid"  # the finance system paid it: date and reference recorded
    FAILED = "failed"  # the finance system could not pay it: the award is due again
    CANCELLED = "cancelled"  # taken back before it was paid (the award is due again)


PAYMENT_MOVES: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.PREPARED: frozenset({PaymentStatus.AUTHORISED, PaymentStatus.CANCELLED}),
    # Payee details changed after authorisation: the authorisation is withdrawn and must be given again.
    PaymentStatus.AUTHORISED: frozenset(
        {PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.PREPARED, PaymentStatus.CANCELLED}
    ),
    PaymentStatus.PAID: frozenset(),
    PaymentStatus.FAILED: frozenset(),
    PaymentStatus.CANCELLED: frozenset(),
}

# A payment in one of these holds its award: the database allows one such payment per award.
LIVE_PAYMENT_STATUSES = (PaymentStatus.PREPARED, PaymentStatus.AUTHORISED, PaymentStatus.PAID)


def move_payment(current: PaymentStatus, target: PaymentStatus) -> PaymentStatus:
    """Return target if the table allows current → target; raises InvalidTransition otherwise. Paid is final."""
    if target not in PAYMENT_MOVES[current]:
        raise InvalidTransition(current, target)
    return target


class RunStatus(StrEnum):
    OPEN = "open"  # being put together: payments can be added or taken out
    AUTHORISED = "authorised"  # a second officer authorised every payment in it; any change reopens it
    CLOSED = "closed"  # every payment in it is recorded paid or failed


RUN_MOVES: dict[RunStatus, frozenset[RunStatus]] = {
    RunStatus.OPEN: frozenset({RunStatus.AUTHORISED}),
    RunStatus.AUTHORISED: frozenset({RunStatus.OPEN, RunStatus.CLOSED}),
    RunStatus.CLOSED: frozenset(),
}


def move_run(current: RunStatus, target: RunStatus) -> RunStatus:
    """Return target if the table allows current → target; raises InvalidTransition otherwise."""
    if target not in RUN_MOVES[current]:
        raise InvalidTransition(current, target)
    return target


class PaymentState(StrEnum):
    """Where an award is on its way to being paid, as finance names it: one name for each, the same on the finance
    pages, a pot's statement (PDF and CSV) and the spreadsheets."""

    OFFERED = "offered"  # the resident has not accepted yet
    WAITING_FOR_DETAILS = "waiting_for_details"  # accepted; the resident has not said how to be paid
    DUE = "due"  # accepted, with payee details: finance prepares the payment
    TO_AUTHORISE = "to_authorise"  # prepared; a second officer authorises it
    TO_RECORD = "to_record"  # authorised; finance records it paid (or failed)
    PAID = "paid"
    DECLINED = "declined"
    CANCELLED = "cancelled"


_STATE_OF_AWARD = {
    AwardStatus.OFFERED: PaymentState.OFFERED,
    AwardStatus.PAYMENT_PREPARED: PaymentState.TO_AUTHORISE,
    AwardStatus.PAYMENT_AUTHORISED: PaymentState.TO_RECORD,
    AwardStatus.PAID: PaymentState.PAID,
    AwardStatus.DECLINED: PaymentState.DECLINED,
    AwardStatus.CANCELLED: PaymentState.CANCELLED,
}


def payment_state(award_status: str, has_details: bool) -> PaymentState:
    """The one name finance gives an award's payment: an accepted award is due payment only once the resident has
    said how to be paid. Raises ValueError for a status that is not an award's."""
    status = AwardStatus(award_status)
    if status is AwardStatus.ACCEPTED:
        return PaymentState.DUE if has_details else PaymentState.WAITING_FOR_DETAILS
    return _STATE_OF_AWARD[status]


class ConfirmationOfPayee(StrEnum):
    """What the bank said when asked whether the name matches the account (recorded by finance)."""

    NOT_CHECKED = "not_checked"
    MATCH = "match"
    CLOSE_MATCH = "close_match"
    NO_MATCH = "no_match"


# Bank details, the GOV.UK way ------------------------------------------------------------------------------------

_SORT_CODE_SEPARATORS = re.compile(r"[\s\-–—]+")
_ROLL_NUMBER = re.compile(r"^[A-Za-z0-9\-\s/.]{1,18}$")


class BankDetailsProblem(ValueError):
    """A bank detail that cannot be right; `field` and `rule` say which and why, for a plain message."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


def clean_sort_code(text: str) -> str:
    """'30-94-30', '30 94 30' or '309430' as '309430'; raises BankDetailsProblem('sort_code', …)."""
    digits = _SORT_CODE_SEPARATORS.sub("", text or "")
    if not digits:
        raise BankDetailsProblem("sort_code", "missing")
    if len(digits) != 6 or not digits.isascii() or not digits.isdigit():
        raise BankDetailsProblem("sort_code", "format")
    return digits


def clean_account_number(text: str) -> str:
    """6 to 8 digits, spaces and hyphens allowed as typed; raises BankDetailsProblem('account_number', …)."""
    digits = _SORT_CODE_SEPARATORS.sub("", text or "")
    if not digits:
        raise BankDetailsProblem("account_number", "missing")
    if not digits.isascii() or not digits.isdigit():
        raise BankDetailsProblem("account_number", "format")
    if not 6 <= len(digits) <= 8:
        raise BankDetailsProblem("account_number", "length")
    return digits


def clean_roll_number(text: str) -> str:
    """An optional building society roll number: 1 to 18 letters, numbers, hyphens, spaces, slashes and full stops."""
    text = (text or "").strip()
    if not text:
        return ""
    if len(text) > 18:
        raise BankDetailsProblem("roll_number", "length")
    if not _ROLL_NUMBER.match(text):
        raise BankDetailsProblem("roll_number", "format")
    return text


def mask(digits: str) -> str:
    """Only the last 2 digits show: '••••••45'. Everything but the finance page that needs them shows this."""
    return "•" * max(len(digits) - 2, 0) + digits[-2:]


def format_sort_code(digits: str) -> str:
    return f"{digits[0:2]}-{digits[2:4]}-{digits[4:6]}"


# Segregation of duties --------------------------------------------------------------------------------------------


class PaymentRefused(Exception):
    """A rule stops this step of a payment; `rule` names it, for a plain message."""

    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule


class SegregationOfDuties(PaymentRefused):
    """This person may not do this step for this payment, because of a step they took before."""


@dataclass(frozen=True)
class PaymentPeople:
    """Who has touched a payment so far: the award's decider, the preparer, and everyone who entered or changed the
    payee's details."""

    decided_by: int
    prepared_by: int | None
    details_touched_by: frozenset[int]


def check_may_prepare(officer_id: int, people: PaymentPeople) -> None:
    """Whoever decided the award cannot prepare its payment. Raises SegregationOfDuties."""
    if officer_id == people.decided_by:
        raise SegregationOfDuties("decided_the_award")


def check_may_authorise(officer_id: int, people: PaymentPeople, confirmation: ConfirmationOfPayee) -> None:
    """A second officer authorises: not whoever decided the award, prepared the payment, or entered or changed the
    payee's details (SegregationOfDuties); and never when the bank said the name does not match (PaymentRefused)."""
    if officer_id == people.decided_by:
        raise SegregationOfDuties("decided_the_award")
    if officer_id == people.prepared_by:
        raise SegregationOfDuties("prepared_the_payment")
    if officer_id in people.details_touched_by:
        raise SegregationOfDuties("entered_the_details")
    if confirmation is ConfirmationOfPayee.NO_MATCH:
        raise PaymentRefused("payee_not_confirmed")
