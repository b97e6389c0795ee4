"""Paying awards: the resident's payee details, and payments prepared, authorised and recorded by finance officers.

Segregation of duties is enforced here, by person, for whoever is acting: whoever decided an award cannot prepare
or authorise its payment, whoever prepared a payment cannot authorise it, and whoever entered or changed the payee's
details cannot authorise a payment to them. An award is paid at most once: the award's row is locked while a
payment is prepared, and the database allows one live payment per award.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from blinker import Namespace

from portal.accounts.models import User
from portal.accounts.news import tell
from portal.applications.models import Application
from portal.awards.models import Award
from portal.common import audit
from portal.common.status import change_award_status, change_payment_status, change_run_status
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.payments import (
    BankDetailsProblem,
    ConfirmationOfPayee,
    PaymentPeople,
    PaymentRefused,
    PaymentStatus,
    RunStatus,
    check_may_authorise,
    check_may_prepare,
    clean_account_number,
    clean_roll_number,
    clean_sort_code,
    format_sort_code,
    mask,
)
from portal.domain.roles import PaymentMethod, Role
from portal.domain.states import AwardStatus
from portal.extensions import db
from portal.panels.models import Decision
from portal.payments.models import PayeeDetailChange, PayeeDetails, Payment, PaymentRun

# Sent inside the unit of work that records an award as paid, with the application's id: what follows payment (the
# invitation to tell a story) listens here, so payments need not know about it.
award_paid = Namespace().signal("award-paid")

BANK_METHODS = (PaymentMethod.BANK_TRANSFER, PaymentMethod.PAID_TO_NAMED_PERSON)
# Payee details can be given or changed until the money has gone.
DETAILS_OPEN = (AwardStatus.ACCEPTED.value, AwardStatus.PAYMENT_PREPARED.value, AwardStatus.PAYMENT_AUTHORISED.value)


@dataclass(frozen=True)
class BankDetails:
    """Bank details as typed; cleaned (and refused with BankDetailsProblem) by the domain's rules."""

    account_name: str
    sort_code: str
    account_number: str
    roll_number: str = ""


@dataclass(frozen=True)
class ShownDetails:
    """Payee details as a page may show them: masked unless `full` (finance only, audited)."""

    method: PaymentMethod
    account_name: str
    sort_code: str
    account_number: str
    roll_number: str
    arrangement: str
    full: bool


def finance_only(officer: User) -> None:
    """Raises PaymentRefused('finance_only') unless the person is a finance officer."""
    if not officer.has_role(Role.FINANCE_OFFICER):
        raise PaymentRefused("finance_only")


def _locked_award(award_id: int) -> Award:
    return db.session.execute(locked(sa.select(Award).where(Award.id == award_id))).scalar_one()


def payee_details_for(award_id: int) -> PayeeDetails | None:
    return db.session.execute(sa.select(PayeeDetails).where(PayeeDetails.award_id == award_id)).scalar_one_or_none()


# The resident says how to be paid ----------------------------------------------------------------------------------


@transactional
def save_payee_details(
    application_id: int,
    person: User,
    method: PaymentMethod,
    *,
    bank: BankDetails | None = None,
    arrangement: str = "",
    agreed_on: date | None = None,
) -> PayeeDetails:
    """The resident (or the community builder who helped, recording the date the resident agreed) says how the
    award is to be paid, from the methods its pot allows.

    A change after a payment was authorised withdraws that authorisation, so a second officer must look again.
    Raises PaymentRefused (who may, which methods, when) or BankDetailsProblem (a detail that cannot be right).
    """
    application = db.session.get(Application, application_id)
    award = db.session.execute(sa.select(Award).where(Award.application_id == application_id)).scalar_one_or_none()
    if application is None or award is None:
        raise PaymentRefused("no_award")
    if person.id == application.applicant_id:
        agreement, agreed_on = "resident", None
    elif person.id == application.assisted_by_id:
        if agreed_on is None:
            raise PaymentRefused("agreement_needed")
        agreement = "spoken"
    else:
        raise PaymentRefused("not_the_applicant")
    award = _locked_award(award.id)
    if award.status not in DETAILS_OPEN:
        raise PaymentRefused("not_open_for_details")
    if method.value not in application.pot.payment_methods:
        raise PaymentRefused("method_not_offered")
    details = payee_details_for(award.id) or PayeeDetails(award_id=award.id, version=0)
    details.method = method.value
    _set_bank_details(details, bank if method in BANK_METHODS else None)
    details.arrangement = arrangement.strip() if method is PaymentMethod.OTHER_ARRANGEMENT else None  # type: ignore[assignment]
    details.agreement, details.agreed_on = agreement, agreed_on
    details.version += 1
    details.confirmation_of_payee = ConfirmationOfPayee.NOT_CHECKED.value
    details.confirmation_checked_by_id = None
    details.updated_at = utcnow()
    db.session.add(details)
    db.session.flush()
    db.session.add(PayeeDetailChange.of(details, person.id))  # this version kept whole, for what is authorised
    audit.record(
        "payee.details_saved",
        actor_id=person.id,
        object_type="award",
        object_id=award.id,
        method=method.value,
        version=details.version,
        agreement=agreement,
    )
    _withdraw_authorisation(award, person)
    return details


def _set_bank_details(details: PayeeDetails, bank: BankDetails | None) -> None:
    if bank is None:
        details.account_name = details.sort_code = details.account_number = details.roll_number = None  # type: ignore[assignment]
        details.account_number_last2 = None
        return
    name = bank.account_name.strip()
    if not name:
        raise BankDetailsProblem("account_name", "missing")
    number = clean_account_number(bank.account_number)
    details.account_name = name  # type: ignore[assignment]
    details.sort_code = clean_sort_code(bank.sort_code)  # type: ignore[assignment]
    details.account_number = number  # type: ignore[assignment]
    details.roll_number = clean_roll_number(bank.roll_number) or None  # type: ignore[assignment]
    details.account_number_last2 = number[-2:]


def _withdraw_authorisation(award: Award, person: User) -> None:
    """New details after authorisation: the payment goes back to prepared, to be authorised again."""
    payment = live_payment(award.id)
    if payment is None or payment.status != PaymentStatus.AUTHORISED.value:
        return
    change_payment_status(payment, PaymentStatus.PREPARED)
    payment.authorised_by_id = None
    payment.authorised_at = None
    change_award_status(award, AwardStatus.PAYMENT_PREPARED)
    audit.record("payment.authorisation_withdrawn", actor_id=person.id, object_type="payment", object_id=payment.id)
    if payment.run is not None:
        reopen_run(payment.run, person)


def reopen_run(run: PaymentRun, actor: User) -> None:
    """Any change to an authorised run withdraws its authorisation: back to open, every authorised payment back to
    prepared. Called inside a unit of work that holds the run's lock (or a payment's)."""
    if run.status != RunStatus.AUTHORISED.value:
        return
    for payment in run.payments:
        if payment.status == PaymentStatus.AUTHORISED.value:
            change_payment_status(payment, PaymentStatus.PREPARED)
            payment.authorised_by_id = None
            payment.authorised_at = None
            change_award_status(payment.award, AwardStatus.PAYMENT_PREPARED)
    change_run_status(run, RunStatus.OPEN)
    run.authorised_by_id = None
    run.authorised_at = None
    run.content_hash = None
    audit.record("payment_run.authorisation_withdrawn", actor_id=actor.id, object_type="payment_run", object_id=run.id)


def show_details(details: PayeeDetails | None) -> ShownDetails | None:
    """Payee details masked: the last two digits of the account number, nothing of the sort code or roll number."""
    if details is None:
        return None
    has_bank = details.account_number_last2 is not None
    return ShownDetails(
        method=details.method_enum,
        account_name=details.account_name.reveal() if details.account_name else "",
        sort_code="••-••-••" if has_bank else "",
        account_number=mask("••••••" + (details.account_number_last2 or "")) if has_bank else "",
        roll_number="••••" if details.roll_number else "",
        arrangement=details.arrangement.reveal() if details.arrangement else "",
        full=False,
    )


@transactional
def reveal_details(award_id: int, officer: User) -> ShownDetails:
    """The payee's bank details in full, for a finance officer paying the award; each view is audited.
    Raises PaymentRefused for anyone else or an award without details."""
    finance_only(officer)
    details = payee_details_for(award_id)
    if details is None:
        raise PaymentRefused("no_details")
    audit.record("payee.details_viewed", actor_id=officer.id, object_type="award", object_id=award_id)
    return ShownDetails(
        method=details.method_enum,
        account_name=details.account_name.reveal() if details.account_name else "",
        sort_code=format_sort_code(details.sort_code.reveal()) if details.sort_code else "",
        account_number=details.account_number.reveal() if details.account_number else "",
        roll_number=details.roll_number.reveal() if details.roll_number else "",
        arrangement=details.arrangement.reveal() if details.arrangement else "",
        full=True,
    )


@transactional
def record_confirmation_of_payee(award_id: int, officer: User, result: ConfirmationOfPayee) -> None:
    """What the bank said about the name on the account; "no match" stops authorisation until the details change."""
    finance_only(officer)
    award = _locked_award(award_id)
    details = payee_details_for(award.id)
    if details is None or details.account_number_last2 is None:
        raise PaymentRefused("no_bank_details")
    details.confirmation_of_payee = result.value
    details.confirmation_checked_by_id = officer.id
    audit.record(
        "payee.confirmation_recorded", actor_id=officer.id, object_type="award", object_id=award.id, result=result.value
    )


# Finance prepares, authorises and records payments ------------------------------------------------------------------


def live_payment(award_id: int) -> Payment | None:
    return db.session.execute(
        sa.select(Payment).where(
            Payment.award_id == award_id,
            Payment.status.in_(
                [PaymentStatus.PREPARED.value, PaymentStatus.AUTHORISED.value, PaymentStatus.PAID.value]
            ),
        )
    ).scalar_one_or_none()


def people_of(award: Award, payment: Payment | None) -> PaymentPeople:
    """Who has touched this payment: the award's decider, its preparer, and everyone who entered or changed the
    payee's details."""
    decided_by = db.session.execute(
        sa.select(Decision.decided_by_id).where(Decision.id == award.decision_id)
    ).scalar_one()
    touched = db.session.execute(
        sa.select(PayeeDetailChange.changed_by_id)
        .join(PayeeDetails, PayeeDetails.id == PayeeDetailChange.payee_details_id)
        .where(PayeeDetails.award_id == award.id)
    ).scalars()
    return PaymentPeople(
        decided_by=decided_by,
        prepared_by=payment.prepared_by_id if payment else None,
        details_touched_by=frozenset(touched),
    )


@transactional
def prepare_payment(award_id: int, officer: User) -> Payment:
    """Prepare the payment of an accepted award with payee details: the amount is the award's, the method and payee
    the resident's. The award's row is locked, so of many attempts at once exactly one prepares it; a double click
    finds it prepared already. Raises PaymentRefused or SegregationOfDuties."""
    finance_only(officer)
    award = _locked_award(award_id)
    if award.status != AwardStatus.ACCEPTED.value:
        raise PaymentRefused("not_due")
    details = payee_details_for(award.id)
    if details is None:
        raise PaymentRefused("no_details")
    check_may_prepare(officer.id, people_of(award, None))
    payment = Payment(
        award_id=award.id,
        amount_pence=award.amount_pence,
        method=details.method,
        payee_details_version=details.version,
        prepared_by_id=officer.id,
    )
    db.session.add(payment)
    db.session.flush()
    change_award_status(award, AwardStatus.PAYMENT_PREPARED)
    audit.record(
        "payment.prepared",
        actor_id=officer.id,
        object_type="payment",
        object_id=payment.id,
        award_id=award.id,
        amount_pence=payment.amount_pence,
    )
    return payment


def _locked_payment(payment_id: int) -> tuple[Payment, Award]:
    payment = db.session.execute(locked(sa.select(Payment).where(Payment.id == payment_id))).scalar_one()
    return payment, _locked_award(payment.award_id)


@transactional
def authorise_payment(payment_id: int, officer: User, *, details_version: int | None = None) -> Payment:
    """A second finance officer authorises a prepared payment. Raises SegregationOfDuties (decided the award,
    prepared the payment, entered or changed the details), PaymentRefused (the bank said the name does not match,
    or it is not waiting for authorisation, or, given the details_version the officer's page showed, the payee's
    details changed since: nobody authorises details they did not see)."""
    finance_only(officer)
    payment, award = _locked_payment(payment_id)
    if payment.status != PaymentStatus.PREPARED.value:
        raise PaymentRefused("not_waiting_for_authorisation")
    details = payee_details_for(award.id)
    if details is None:
        raise PaymentRefused("no_details")
    check_may_authorise(officer.id, people_of(award, payment), ConfirmationOfPayee(details.confirmation_of_payee))
    if details_version is not None and details_version != details.version:
        raise PaymentRefused("details_changed_meanwhile")
    change_payment_status(payment, PaymentStatus.AUTHORISED)
    payment.authorised_by_id = officer.id
    payment.authorised_at = utcnow()
    payment.payee_details_version = details.version
    change_award_status(award, AwardStatus.PAYMENT_AUTHORISED)
    audit.record("payment.authorised", actor_id=officer.id, object_type="payment", object_id=payment.id)
    return payment


@transactional
def record_paid(payment_id: int, officer: User, *, paid_on: date, finance_reference: str) -> Payment:
    """The finance system paid it: the date and its reference are recorded, and the award is paid. Recording it
    twice changes nothing."""
    finance_only(officer)
    payment, award = _locked_payment(payment_id)
    if payment.status == PaymentStatus.PAID.value:
        return payment
    if payment.status != PaymentStatus.AUTHORISED.value:
        raise PaymentRefused("not_authorised")
    change_payment_status(payment, PaymentStatus.PAID)
    payment.paid_on = paid_on
    payment.finance_reference = finance_reference.strip()
    payment.recorded_by_id = officer.id
    payment.ended_at = utcnow()
    change_award_status(award, AwardStatus.PAID)
    audit.record("payment.paid", actor_id=officer.id, object_type="payment", object_id=payment.id)
    award_paid.send(award, application_id=award.application_id)
    return payment


@transactional
def record_failed(payment_id: int, officer: User, *, reason: str) -> Payment:
    """The finance system could not pay it: the reason is recorded and the award is due again."""
    finance_only(officer)
    payment, award = _locked_payment(payment_id)
    if payment.status != PaymentStatus.AUTHORISED.value:
        raise PaymentRefused("not_authorised")
    change_payment_status(payment, PaymentStatus.FAILED)
    payment.failed_reason = reason.strip()
    payment.recorded_by_id = officer.id
    payment.ended_at = utcnow()
    change_award_status(award, AwardStatus.ACCEPTED)
    audit.record("payment.failed", actor_id=officer.id, object_type="payment", object_id=payment.id)
    _tell_the_resident_it_failed(award, payment)
    return payment


def _tell_the_resident_it_failed(award: Award, payment: Payment) -> None:
    """Queue an email, in the resident's language, saying the money did not go and where to check their details; it
    is sent after the commit. A resident without email hears from their community builder, who sees it on the page."""
    application = db.session.get(Application, award.application_id)
    if application is not None:
        fields = {"application": application, "award": award, "payment": payment}
        tell(application.applicant, "payments/failed", language=application.language, **fields)


def last_failed_payment(award_id: int) -> Payment | None:
    """The award's newest payment, if it failed: the resident is told, until a new payment is made."""
    newest = db.session.execute(
        sa.select(Payment).where(Payment.award_id == award_id).order_by(Payment.id.desc()).limit(1)
    ).scalar_one_or_none()
    return newest if newest is not None and newest.status == PaymentStatus.FAILED.value else None


@transactional
def cancel_payment(payment_id: int, officer: User) -> Payment:
    """Take back a payment that has not been paid; the award is due again."""
    finance_only(officer)
    payment, award = _locked_payment(payment_id)
    change_payment_status(payment, PaymentStatus.CANCELLED)
    payment.recorded_by_id = officer.id
    payment.ended_at = utcnow()
    change_award_status(award, AwardStatus.ACCEPTED)
    audit.record("payment.cancelled", actor_id=officer.id, object_type="payment", object_id=payment.id)
    return payment
