"""Spreadsheets for officers: applications, decisions, awards and payments, streamed as CSV however many rows there
are. Each holds personal data only where the role that downloads it may see it (programme officers see who applied;
nobody's bank details are here), every cell is safe to open in a spreadsheet, and each download is audited."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal.accounts.models import User
from portal.applications.models import Application, CostLine
from portal.awards.models import Award
from portal.common import audit
from portal.common.pence import sum_pence
from portal.common.spreadsheet import csv_lines
from portal.common.transactions import transactional
from portal.extensions import db
from portal.panels.models import Decision
from portal.payments.models import PayeeDetails, Payment, PaymentRun
from portal.payments.states import award_payment_text
from portal.programme.models import Neighbourhood, Pot

BATCH = 1000


def _rows(query: Any) -> Iterator[Any]:
    result = db.session.execute(query.execution_options(yield_per=BATCH))
    try:
        yield from result
    finally:
        result.close()


def _csv(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    return csv_lines(header, rows, byte_order_mark=True)


def _day(moment: Any) -> str:
    return moment.date().isoformat() if moment else ""


@transactional
def note_download(person: User, kind: str) -> None:
    audit.record("export.downloaded", actor_id=person.id, object_type="export", object_id=kind)


def applications_csv() -> Iterator[str]:
    """Every sent idea (drafts are the resident's own), with who sent it: for programme officers only."""
    asked = (
        sa.select(CostLine.application_id, sum_pence(CostLine.amount_pence).label("pence"))
        .group_by(CostLine.application_id)
        .subquery()
    )
    query = (
        sa.select(Application, Pot.name, Neighbourhood.name, User.email, asked.c.pence)
        .join(Pot, Pot.id == Application.pot_id)
        .join(Neighbourhood, Neighbourhood.id == Pot.neighbourhood_id)
        .join(User, User.id == Application.applicant_id)
        .outerjoin(asked, asked.c.application_id == Application.id)
        .where(Application.submitted_at.is_not(None))
        .order_by(Application.id)
    )
    header = [
        "reference",
        "neighbourhood",
        "pot",
        "status",
        "who_is_applying",
        "group_name",
        "idea_name",
        "asked_for_pence",
        "sent_on",
        "entered_with_a_community_builder",
        "language",
        "contact_name",
        "email",
    ]
    return _csv(
        header,
        (
            [
                a.reference,
                place,
                pot,
                a.status,
                a.applicant_type or "",
                a.group_name or "",
                a.idea_name or "",
                pence or 0,
                _day(a.submitted_at),
                "yes" if a.assisted_by_id else "no",
                a.language,
                a.contact_name or "",
                email,
            ]
            for a, pot, place, email, pence in _rows(query)
        ),
    )


def decisions_csv() -> Iterator[str]:
    """Every decision and question, with the reason the resident was given."""
    query = (
        sa.select(Decision, Application.reference, Neighbourhood.name)
        .join(Application, Application.id == Decision.application_id)
        .join(Pot, Pot.id == Application.pot_id)
        .join(Neighbourhood, Neighbourhood.id == Pot.neighbourhood_id)
        .order_by(Decision.id)
    )
    header = ["reference", "neighbourhood", "decided_on", "decision", "amount_pence", "fast_track", "reason"]
    return _csv(
        header,
        (
            [
                ref,
                place,
                _day(d.decided_at),
                d.kind,
                d.amount_pence if d.amount_pence is not None else "",
                "yes" if d.fast_track else "no",
                d.reason,
            ]
            for d, ref, place in _rows(query)
        ),
    )


def awards_csv() -> Iterator[str]:
    """Every award with its pot and where it is on the way to being paid (named as the finance pages name it)."""
    query = (
        sa.select(
            Award,
            Application.reference,
            Pot.name,
            Neighbourhood.name,
            Decision.decided_at,
            PayeeDetails.id.is_not(None),
        )
        .join(Application, Application.id == Award.application_id)
        .join(Pot, Pot.id == Award.pot_id)
        .join(Neighbourhood, Neighbourhood.id == Pot.neighbourhood_id)
        .join(Decision, Decision.id == Award.decision_id)
        .outerjoin(PayeeDetails, PayeeDetails.award_id == Award.id)
        .order_by(Award.id)
    )
    header = ["reference", "neighbourhood", "pot", "amount_pence", "status", "decided_on", "accepted_on"]
    return _csv(
        header,
        (
            [
                ref,
                place,
                pot,
                award.amount_pence,
                award_payment_text(award.status, bool(has_details)),
                _day(decided),
                _day(award.accepted_at),
            ]
            for award, ref, pot, place, decided, has_details in _rows(query)
        ),
    )


def payments_csv() -> Iterator[str]:
    """Every payment, for finance officers: how and when it was paid, with the account number masked (the full
    details are in each run's audited export)."""
    preparer = aliased(User)
    query = (
        sa.select(
            Payment, Application.reference, PaymentRun.reference, PayeeDetails.account_number_last2, preparer.name
        )
        .join(Award, Award.id == Payment.award_id)
        .join(Application, Application.id == Award.application_id)
        .outerjoin(PaymentRun, PaymentRun.id == Payment.run_id)
        .outerjoin(PayeeDetails, PayeeDetails.award_id == Award.id)
        .join(preparer, preparer.id == Payment.prepared_by_id)
        .order_by(Payment.id)
    )
    header = [
        "reference",
        "run",
        "amount_pence",
        "method",
        "status",
        "account_ending",
        "prepared_by",
        "paid_on",
        "finance_reference",
    ]
    return _csv(
        header,
        (
            [
                ref,
                run or "",
                p.amount_pence,
                p.method,
                p.status,
                last2 or "",
                prepared_by or "",
                p.paid_on.isoformat() if p.paid_on else "",
                p.finance_reference or "",
            ]
            for p, ref, run, last2, prepared_by in _rows(query)
        ),
    )
