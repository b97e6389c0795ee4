"""The ledger: for each pot, its budget, what is awarded, paid and still to pay, and what is left; a pot's statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.applications.models import Application
from portal.awards.models import MONEY_HOLDING_AWARD_STATUSES, Award
from portal.common.pence import pence_or_nothing, sum_pence
from portal.domain.payments import PaymentState, PaymentStatus, payment_state
from portal.extensions import db
from portal.payments.models import PayeeDetails, Payment
from portal.programme.models import Neighbourhood, Pot


@dataclass(frozen=True)
class PotLedger:
    pot: Pot
    budget_pence: int
    awarded_pence: int  # promised: every award still holding money, paid or not
    paid_pence: int
    to_pay_pence: int  # awarded, not yet paid
    remaining_pence: int  # budget not yet awarded


def ledger() -> list[PotLedger]:
    """Every pot, by neighbourhood, in two queries however many awards and payments there are."""
    awarded = (
        sa.select(Award.pot_id, sum_pence(Award.amount_pence).label("pence"))
        .where(Award.status.in_(MONEY_HOLDING_AWARD_STATUSES))
        .group_by(Award.pot_id)
        .subquery()
    )
    paid = (
        sa.select(Award.pot_id, sum_pence(Payment.amount_pence).label("pence"))
        .join(Award, Award.id == Payment.award_id)
        .where(Payment.status == PaymentStatus.PAID.value)
        .group_by(Award.pot_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Pot, pence_or_nothing(awarded.c.pence), pence_or_nothing(paid.c.pence))
        .join(Neighbourhood, Neighbourhood.id == Pot.neighbourhood_id)
        .outerjoin(awarded, awarded.c.pot_id == Pot.id)
        .outerjoin(paid, paid.c.pot_id == Pot.id)
        .options(selectinload(Pot.neighbourhood))
        .order_by(Neighbourhood.name, Pot.name)
    ).all()
    return [
        PotLedger(
            pot=pot,
            budget_pence=pot.budget_pence,
            awarded_pence=promised,
            paid_pence=spent,
            to_pay_pence=promised - spent,
            remaining_pence=pot.budget_pence - promised,
        )
        for pot, promised, spent in rows
    ]


def ledger_for(pot_id: int) -> PotLedger | None:
    return next((row for row in ledger() if row.pot.id == pot_id), None)


@dataclass(frozen=True)
class StatementLine:
    reference: str
    idea: str
    state: PaymentState  # named by portal.payments.states, the same on the page, the PDF and the CSV
    amount_pence: int
    paid_on: date | None
    finance_reference: str


def statement_lines(pot_id: int) -> list[StatementLine]:
    """Every award made from the pot, where it is on its way to being paid, and its payment if it has been paid, by
    reference, in one query."""
    paid = (
        sa.select(Payment.award_id, Payment.paid_on, Payment.finance_reference)
        .where(Payment.status == PaymentStatus.PAID.value)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            Application.reference,
            Application.idea_name,
            Award.status,
            PayeeDetails.id.is_not(None),
            Award.amount_pence,
            paid.c.paid_on,
            paid.c.finance_reference,
        )
        .join(Application, Application.id == Award.application_id)
        .outerjoin(PayeeDetails, PayeeDetails.award_id == Award.id)
        .outerjoin(paid, paid.c.award_id == Award.id)
        .where(Award.pot_id == pot_id)
        .order_by(Application.reference)
    ).all()
    return [
        StatementLine(
            reference or "",
            idea or "",
            payment_state(status, bool(has_details)),
            amount,
            paid_on,
            finance_reference or "",
        )
        for reference, idea, status, has_details, amount, paid_on, finance_reference in rows
    ]
