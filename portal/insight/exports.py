"""Spreadsheets for officers: applications, decisions, awards and payments, streamed as CSV however many rows there
are. Each holds personal data only where the role that downloads it may see it (programme officers see who applied;
nobody's bank details are here), every cell is safe to open in a spreadsheet, and each download is audited."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased, selectinload

from portal.accounts.models import User
from portal.applications.models import Application, CostLine
from portal.applications.pot_questions import shown_answers
from portal.awards.models import Award
from portal.common import audit, words
from portal.common.pence import sum_pence
from portal.common.spreadsheet import csv_lines
from portal.common.transactions import transactional
from portal.domain.money import format_pence
from portal.domain.payments import payment_state
from portal.domain.pot_questions import MOST_QUESTIONS
from portal.extensions import db
from portal.panels.models import Decision
from portal.payments.models import PayeeDetails, Payment, PaymentRun
from portal.payments.states import award_payment_text
from portal.programme.models import Neighbourhood, Pot, QuestionAnswer

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


@dataclass(frozen=True)
class Column:
    """One column: its heading (in the reader's language for people; a fixed name for a code or pence column, which
    systems read) and its value for a row."""

    heading: Callable[[], str]
    value: Callable[[Any], Any]


def code(name: str, value: Callable[[Any], Any]) -> Column:
    return Column(lambda: name, value)


def _sheet(columns: list[Column], query: Any) -> Iterator[str]:
    """The spreadsheet: plain-word columns first, then the codes and pence. Headings are read in the request's
    language; rows as they stream (the request context goes with the stream)."""
    return _csv([column.heading() for column in columns], ([c.value(row) for c in columns] for row in _rows(query)))


def _pounds(pence: int | None) -> str:
    return format_pence(pence, always_show_pence=True) if pence is not None else ""


def applications_csv() -> Iterator[str]:
    """Every sent idea (drafts are the resident's own), with who sent it: for programme officers only."""
    asked = (
        sa.select(CostLine.application_id, sum_pence(CostLine.amount_pence).label("pence"))
        .group_by(CostLine.application_id)
        .subquery()
    )
    query = (
        sa.select(Application, Pot.name, Neighbourhood.name, User.email, asked.c.pence, Award.status)
        .join(Pot, Pot.id == Application.pot_id)
        .join(Neighbourhood, Neighbourhood.id == Pot.neighbourhood_id)
        .join(User, User.id == Application.applicant_id)
        .outerjoin(asked, asked.c.application_id == Application.id)
        .outerjoin(Award, Award.application_id == Application.id)
        .where(Application.submitted_at.is_not(None))
        .order_by(Application.id)
        .options(selectinload(Application.question_answers).joinedload(QuestionAnswer.question))
    )

    def state(row: Any) -> str:
        return "paid" if row[5] == "paid" else row[0].status

    return _sheet(
        [
            Column(lambda: _("Reference"), lambda row: row[0].reference),
            Column(lambda: _("Neighbourhood"), lambda row: row[2]),
            Column(lambda: _("Pot"), lambda row: row[1]),
            Column(lambda: _("Status"), lambda row: words.said(words.IDEA_STATUS, state(row))),
            Column(lambda: _("Who is applying"), lambda row: words.said(words.WHO_IS_APPLYING, row[0].applicant_type)),
            Column(lambda: _("Group name"), lambda row: row[0].group_name or ""),
            Column(lambda: _("Idea"), lambda row: row[0].idea_name or ""),
            Column(lambda: _("Asked for"), lambda row: _pounds(row[4] or 0)),
            Column(lambda: _("Sent on"), lambda row: _day(row[0].submitted_at)),
            Column(
                lambda: _("Entered with a community builder"), lambda row: words.yes_no(bool(row[0].assisted_by_id))
            ),
            Column(lambda: _("Written in"), lambda row: words.said(words.LANGUAGE, row[0].language)),
            *_own_question_columns(),
            Column(lambda: _("Contact name"), lambda row: row[0].contact_name or ""),
            Column(lambda: _("Email"), lambda row: row[3]),
            code("status_code", state),
            code("who_is_applying_code", lambda row: row[0].applicant_type or ""),
            code("asked_for_pence", lambda row: row[4] or 0),
            code("language_code", lambda row: row[0].language),
        ],
        query,
    )


def _own_question_columns() -> list[Column]:
    """The pot's own questions an idea answered, and its answers: a pair of columns for each of the most a pot has."""

    def nth(application: Application, number: int) -> Any:
        given = shown_answers(application)
        return given[number - 1] if number <= len(given) else None

    def pair(number: int) -> list[Column]:
        return [
            Column(
                lambda: _("Pot question %(number)s", number=number),
                lambda row: str(shown.wording) if (shown := nth(row[0], number)) else "",
            ),
            Column(
                lambda: _("Answer %(number)s", number=number),
                lambda row: shown.answer if (shown := nth(row[0], number)) else "",
            ),
        ]

    return [column for number in range(1, MOST_QUESTIONS + 1) for column in pair(number)]


def decisions_csv() -> Iterator[str]:
    """Every decision and question, with the reason the resident was given."""
    query = (
        sa.select(Decision, Application.reference, Neighbourhood.name)
        .join(Application, Application.id == Decision.application_id)
        .join(Pot, Pot.id == Application.pot_id)
        .join(Neighbourhood, Neighbourhood.id == Pot.neighbourhood_id)
        .order_by(Decision.id)
    )
    return _sheet(
        [
            Column(lambda: _("Reference"), lambda row: row[1]),
            Column(lambda: _("Neighbourhood"), lambda row: row[2]),
            Column(lambda: _("Decided on"), lambda row: _day(row[0].decided_at)),
            Column(lambda: _("Decision"), lambda row: words.said(words.DECISION, row[0].kind)),
            Column(lambda: _("Amount"), lambda row: _pounds(row[0].amount_pence)),
            Column(lambda: _("On the fast track"), lambda row: words.yes_no(row[0].fast_track)),
            Column(lambda: _("Reason"), lambda row: row[0].reason),
            code("decision_code", lambda row: row[0].kind),
            code("amount_pence", lambda row: row[0].amount_pence if row[0].amount_pence is not None else ""),
        ],
        query,
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
    return _sheet(
        [
            Column(lambda: _("Reference"), lambda row: row[1]),
            Column(lambda: _("Neighbourhood"), lambda row: row[3]),
            Column(lambda: _("Pot"), lambda row: row[2]),
            Column(lambda: _("Amount"), lambda row: _pounds(row[0].amount_pence)),
            Column(lambda: _("Status"), lambda row: award_payment_text(row[0].status, bool(row[5]))),
            Column(lambda: _("Decided on"), lambda row: _day(row[4])),
            Column(lambda: _("Accepted on"), lambda row: _day(row[0].accepted_at)),
            code("status_code", lambda row: payment_state(row[0].status, bool(row[5])).value),
            code("amount_pence", lambda row: row[0].amount_pence),
        ],
        query,
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
    return _sheet(
        [
            Column(lambda: _("Reference"), lambda row: row[1]),
            Column(lambda: _("Payment run"), lambda row: row[2] or ""),
            Column(lambda: _("Amount"), lambda row: _pounds(row[0].amount_pence)),
            Column(lambda: _("How"), lambda row: words.said(words.PAYMENT_METHOD, row[0].method)),
            Column(lambda: _("Status"), lambda row: words.said(words.PAYMENT_STATUS, row[0].status)),
            Column(lambda: _("Account ending"), lambda row: row[3] or ""),
            Column(lambda: _("Prepared by"), lambda row: row[4] or ""),
            Column(lambda: _("Paid on"), lambda row: row[0].paid_on.isoformat() if row[0].paid_on else ""),
            Column(lambda: _("Finance reference"), lambda row: row[0].finance_reference or ""),
            code("amount_pence", lambda row: row[0].amount_pence),
            code("method_code", lambda row: row[0].method),
            code("status_code", lambda row: row[0].status),
        ],
        query,
    )
