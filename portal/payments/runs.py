"""Payment runs: due payments put together by one finance officer and authorised as a whole by another.

A run's authorisation covers exactly what was in it: a hash of its contents is kept when it is authorised and
printed on every export, and any change (a payment added or taken out, a payee's details changed) withdraws the
authorisation, so it must be given again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.applications.models import Application
from portal.awards.models import Award
from portal.common import audit
from portal.common.pence import count_where, sum_pence
from portal.common.status import change_award_status, change_payment_status, change_run_status
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.payments import (
    LIVE_PAYMENT_STATUSES,
    ConfirmationOfPayee,
    PaymentRefused,
    PaymentStatus,
    RunStatus,
    check_may_authorise,
)
from portal.domain.states import AwardStatus
from portal.extensions import db
from portal.payments import services
from portal.payments.models import PayeeDetails, Payment, PaymentRun
from portal.programme.models import Neighbourhood, Pot


class RunRefused(PaymentRefused):
    """Some payments of a run cannot take this step; `problems` lists (application reference, rule) for each."""

    def __init__(self, rule: str, problems: list[tuple[str, str]]) -> None:
        super().__init__(rule)
        self.problems = problems


HashedPayment = tuple[int, int, int, str, int]  # id, award, amount in pence, method, payee details version


def hash_of(reference: str, payments: Iterable[HashedPayment]) -> str:
    """The hash of a run's reference and its payments (cancelled ones left out by the caller), in any order."""
    payload = json.dumps({"run": reference, "payments": sorted(payments)}, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def content_hash(run: PaymentRun) -> str:
    """A hash of what a run pays: its reference and, for each payment, its id, award, amount, method and the version
    of the payee details it pays to. The same run always gives the same hash."""
    return hash_of(
        run.reference,
        (
            (p.id, p.award_id, p.amount_pence, p.method, p.payee_details_version)
            for p in run.payments
            if p.status != PaymentStatus.CANCELLED.value
        ),
    )


def seen_hash(run: PaymentRun, details_versions: dict[int, int]) -> str:
    """A hash of what an officer sees before authorising: each payment still to authorise, with the version of its
    payee details as they stand now (details_versions: award id → version). If the details change while the page is
    open, the hash changes, and the authorisation is refused rather than given to details nobody looked at."""
    return hash_of(
        run.reference,
        (
            (p.id, p.award_id, p.amount_pence, p.method, details_versions.get(p.award_id, 0))
            for p in run.payments
            if p.status == PaymentStatus.PREPARED.value
        ),
    )


def seen_hash_of_lines(run: PaymentRun, lines: list[RunLine]) -> str:
    """seen_hash for a run page, from the lines it shows."""
    return seen_hash(run, {line.award.id: line.details.version for line in lines})


def _locked_run(run_id: int) -> PaymentRun:
    return db.session.execute(locked(sa.select(PaymentRun).where(PaymentRun.id == run_id))).scalar_one()


@transactional
def create_run(officer: User, award_ids: list[int]) -> PaymentRun:
    """Prepare the payment of each chosen award due payment and put them in a new run, all or none.
    Raises RunRefused listing each award that cannot be prepared and why."""
    if not award_ids:
        raise PaymentRefused("nothing_chosen")
    run = PaymentRun(reference="pending", created_by_id=officer.id)
    db.session.add(run)
    db.session.flush()
    run.reference = f"RUN-{utcnow():%Y}-{run.id:04d}"
    _prepare_into(run, officer, award_ids)
    audit.record("payment_run.created", actor_id=officer.id, object_type="payment_run", object_id=run.id)
    return run


def _prepare_into(run: PaymentRun, officer: User, award_ids: list[int]) -> None:
    problems = []
    for award_id in sorted(set(award_ids)):
        try:
            payment = services.prepare_payment(award_id, officer)
        except PaymentRefused as refused:
            problems.append((_reference_of(award_id), refused.rule))
            continue
        payment.run_id = run.id
    if problems:
        raise RunRefused("payments_refused", problems)
    db.session.flush()
    db.session.expire(run, ["payments"])


def _reference_of(award_id: int) -> str:
    return db.session.execute(
        sa.select(Application.reference).join(Award, Award.application_id == Application.id).where(Award.id == award_id)
    ).scalar() or str(award_id)


@transactional
def add_to_run(run_id: int, officer: User, award_ids: list[int]) -> PaymentRun:
    """Prepare more payments into an open or authorised run; an authorised run loses its authorisation."""
    run = _locked_run(run_id)
    if run.status == RunStatus.CLOSED.value:
        raise PaymentRefused("run_closed")
    services.reopen_run(run, officer)
    _prepare_into(run, officer, award_ids)
    audit.record("payment_run.changed", actor_id=officer.id, object_type="payment_run", object_id=run.id)
    return run


@transactional
def take_out_of_run(run_id: int, payment_id: int, officer: User) -> PaymentRun:
    """Take a payment out of a run (it is cancelled, and its award is due again); an authorised run loses its
    authorisation."""
    run = _locked_run(run_id)
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.run_id != run.id or run.status == RunStatus.CLOSED.value:
        raise PaymentRefused("not_in_run")
    if payment.status not in (PaymentStatus.PREPARED.value, PaymentStatus.AUTHORISED.value):
        raise PaymentRefused("payment_ended")  # failed (or paid): it stays in the run, as it was authorised
    services.reopen_run(run, officer)
    services.cancel_payment(payment_id, officer)
    audit.record("payment_run.changed", actor_id=officer.id, object_type="payment_run", object_id=run.id)
    return run


@transactional
def authorise_run(run_id: int, officer: User, *, seen: str | None = None) -> PaymentRun:
    """A second officer authorises every payment of an open run at once, or none: raises RunRefused listing each
    payment they may not authorise (segregation of duties, a confirmation-of-payee "no match").

    `seen` is the seen_hash of the page the officer authorised from: if a payment or a payee's details changed
    since, PaymentRefused("run_changed_meanwhile") is raised and nothing is authorised."""
    services.finance_only(officer)
    run = _locked_run(run_id)
    if run.status != RunStatus.OPEN.value:
        raise PaymentRefused("run_not_open")
    live = [p for p in run.payments if p.status == PaymentStatus.PREPARED.value]
    if not live:
        raise PaymentRefused("run_empty")
    problems = []
    for payment in live:
        award = db.session.execute(locked(sa.select(Award).where(Award.id == payment.award_id))).scalar_one()
        details = services.payee_details_for(award.id)
        if details is None:
            problems.append((_reference_of(award.id), "no_details"))
            continue
        try:
            check_may_authorise(
                officer.id, services.people_of(award, payment), ConfirmationOfPayee(details.confirmation_of_payee)
            )
        except PaymentRefused as refused:
            problems.append((_reference_of(award.id), refused.rule))
    if problems:
        raise RunRefused("payments_refused", problems)
    if seen is not None:
        versions = {}
        for payment in live:
            details = services.payee_details_for(payment.award_id)
            versions[payment.award_id] = details.version if details else 0
        if seen != seen_hash(run, versions):
            raise PaymentRefused("run_changed_meanwhile")
    now = utcnow()
    for payment in live:
        details = services.payee_details_for(payment.award_id)
        assert details is not None
        change_payment_status(payment, PaymentStatus.AUTHORISED)
        payment.authorised_by_id, payment.authorised_at = officer.id, now
        payment.payee_details_version = details.version
        change_award_status(payment.award, AwardStatus.PAYMENT_AUTHORISED)
    change_run_status(run, RunStatus.AUTHORISED)
    run.authorised_by_id, run.authorised_at = officer.id, now
    db.session.flush()
    run.content_hash = content_hash(run)
    audit.record(
        "payment_run.authorised",
        actor_id=officer.id,
        object_type="payment_run",
        object_id=run.id,
        payments=len(live),
        content_hash=run.content_hash,
    )
    return run


@transactional
def record_run_paid(run_id: int, officer: User, *, paid_on: date, finance_reference: str) -> PaymentRun:
    """The finance system paid the run: every authorised payment in it is recorded paid with the date and the
    reference, and the run is closed. Recording it twice changes nothing."""
    services.finance_only(officer)
    run = _locked_run(run_id)
    if run.status == RunStatus.CLOSED.value:
        return run
    if run.status != RunStatus.AUTHORISED.value:
        raise PaymentRefused("run_not_authorised")
    for payment in run.payments:
        if payment.status == PaymentStatus.AUTHORISED.value:
            services.record_paid(payment.id, officer, paid_on=paid_on, finance_reference=finance_reference)
    change_run_status(run, RunStatus.CLOSED)
    audit.record("payment_run.paid", actor_id=officer.id, object_type="payment_run", object_id=run.id)
    return run


# Reading -----------------------------------------------------------------------------------------------------------


MOST_IN_A_RUN = 100  # the due awards offered for one run: a run is checked and authorised by a person


@dataclass(frozen=True)
class RunSummary:
    run: PaymentRun
    payments: int  # paid or on their way: not failed, not taken out
    total_pence: int  # of those payments only
    failed: int  # payments the finance system could not make


def list_runs(limit: int = 50) -> list[RunSummary]:
    """The newest runs with how many payments each holds, their total and how many failed, in one query. A payment
    that failed or was taken out is not in the total: it was never paid from this run."""
    going = Payment.status.in_([s.value for s in LIVE_PAYMENT_STATUSES])
    rows = db.session.execute(
        sa.select(
            PaymentRun,
            count_where(going),
            sum_pence(sa.case((going, Payment.amount_pence), else_=0)),
            count_where(Payment.status == PaymentStatus.FAILED.value),
        )
        .outerjoin(Payment, Payment.run_id == PaymentRun.id)
        .group_by(PaymentRun.id)
        .order_by(PaymentRun.id.desc())
        .limit(limit)
    )
    return [RunSummary(run, payments, total, failed) for run, payments, total, failed in rows]


@dataclass(frozen=True)
class RunLine:
    """One payment of a run, with what an export or page shows of it."""

    payment: Payment
    award: Award
    application: Application
    pot: Pot
    details: PayeeDetails


def run_lines(run_id: int) -> list[RunLine]:
    """The run's payments (cancelled ones left out) with their awards, ideas, pots and payee details, in a fixed
    number of queries, each pot's together (by neighbourhood and pot), then by reference."""
    rows = db.session.execute(
        sa.select(Payment, Award, Application, Pot, PayeeDetails)
        .join(Award, Award.id == Payment.award_id)
        .join(Application, Application.id == Award.application_id)
        .join(Pot, Pot.id == Application.pot_id)
        .join(Neighbourhood, Neighbourhood.id == Pot.neighbourhood_id)
        .join(PayeeDetails, PayeeDetails.award_id == Award.id)
        .where(Payment.run_id == run_id, Payment.status != PaymentStatus.CANCELLED.value)
        .options(selectinload(Pot.neighbourhood))
        .order_by(Neighbourhood.name, Pot.name, Pot.id, Application.reference)
    ).all()
    return [RunLine(*row) for row in rows]


def get_run(run_id: int) -> PaymentRun | None:
    return db.session.get(PaymentRun, run_id)
