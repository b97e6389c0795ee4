"""What a payment file needs, read as plain values in one short transaction (a fixed number of queries however many
payments there are): each payment with the payee details it was authorised with, never the details as they are now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal.accounts.models import User
from portal.applications.models import Application
from portal.awards.models import Award
from portal.common.sealed import Sealed
from portal.common.transactions import transactional
from portal.domain.payments import PaymentStatus, RunStatus
from portal.extensions import db
from portal.payments import ledger, runs, work
from portal.payments.models import ExportKind, PayeeDetailChange, PayeeDetails, Payment, PaymentExport, PaymentRun
from portal.programme.models import Neighbourhood, Pot

# A run's files may be downloaded while the run is authorised, or paid as it was authorised.
STANDING = (RunStatus.AUTHORISED.value, RunStatus.CLOSED.value)


class ExportProblem(Exception):
    """The run changed after it was authorised (its hash no longer matches): nothing is exported."""


# What a file needs, as plain values ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payee:
    """The payee details one payment was authorised with, still encrypted. `method` is None when that version was
    saved before versions were kept whole: then nothing of it can be shown."""

    method: str | None
    account_name: Sealed | None
    sort_code: Sealed | None
    account_number: Sealed | None
    roll_number: Sealed | None
    account_number_last2: str | None
    arrangement: Sealed | None


@dataclass(frozen=True)
class Line:
    """One payment of a run, with what its files show of it."""

    payment_id: int
    award_id: int
    amount_pence: int
    method: str
    payee_details_version: int
    status: str
    prepared_by: str
    authorised_by: str
    authorised_at: datetime | None
    paid_on: date | None
    finance_reference: str
    remittance_emailed: bool
    reference: str
    idea: str
    contact_name: str
    language: str
    email: str
    pot: str
    host: str
    payee: Payee

    @property
    def failed(self) -> bool:
        return self.status == PaymentStatus.FAILED.value


@dataclass(frozen=True)
class RunFacts:
    """A run as its files show it: who prepared and authorised it, its stored hash and its payments (cancelled ones
    left out), each pot's together, then by reference."""

    id: int
    reference: str
    status: str
    content_hash: str | None
    created_at: datetime
    authorised_at: datetime | None
    prepared_by: str
    authorised_by: str
    lines: tuple[Line, ...]

    @property
    def hash_now(self) -> str:
        """The hash of the run as it is now, worked out as authorisation did."""
        return runs.hash_of(
            self.reference,
            (
                (line.payment_id, line.award_id, line.amount_pence, line.method, line.payee_details_version)
                for line in self.lines
            ),
        )

    @property
    def failed(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.failed)


@dataclass(frozen=True)
class PotFacts:
    """A pot's ledger and every award made from it."""

    name: str
    budget_pence: int
    awarded_pence: int
    paid_pence: int
    to_pay_pence: int
    remaining_pence: int
    lines: tuple[ledger.StatementLine, ...]
    as_at: datetime  # when the statement was asked for: what it shows is the ledger then


@dataclass(frozen=True)
class Wanted:
    kind: ExportKind
    full: bool
    run: RunFacts | None
    pot: PotFacts | None


def read_run(run_id: int) -> RunFacts:
    """The run and its payments as plain values, each payment with the version of the payee details it was
    authorised with (not the details as they are now), in three queries however many payments there are."""
    run = db.session.get(PaymentRun, run_id)
    if run is None:
        raise ExportProblem("there is no such run")
    rows = _payment_rows(run_id)
    people: set[int | None] = {run.created_by_id, run.authorised_by_id}
    names = work.people_named(people | {r.prepared_by_id for r in rows} | {r.authorised_by_id for r in rows})
    lines = tuple(_line(r, names) for r in rows)
    return RunFacts(
        id=run.id,
        reference=run.reference,
        status=run.status,
        content_hash=run.content_hash,
        created_at=run.created_at,
        authorised_at=run.authorised_at,
        prepared_by=names.get(run.created_by_id, ""),
        authorised_by=names.get(run.authorised_by_id or 0, ""),
        lines=lines,
    )


def _payment_rows(run_id: int) -> Sequence[Any]:
    """One row per payment in the run (cancelled ones left out), with its idea, pot, payee and the payee details
    version it was authorised with, in the schedule's order: neighbourhood, pot, reference."""
    applicant = aliased(User)
    return db.session.execute(
        sa.select(
            Payment.id.label("payment_id"),
            Payment.award_id,
            Payment.amount_pence,
            Payment.method,
            Payment.payee_details_version,
            Payment.status,
            Payment.prepared_by_id,
            Payment.authorised_by_id,
            Payment.authorised_at,
            Payment.paid_on,
            Payment.finance_reference,
            Payment.remittance_emailed_at,
            Application.id.label("application_id"),
            Application.reference,
            Application.idea_name,
            Application.contact_name,
            Application.language,
            applicant.email,
            Pot.name.label("pot_name"),
            Neighbourhood.name.label("neighbourhood_name"),
            Neighbourhood.host_organisation,
            PayeeDetailChange.method.label("details_method"),
            PayeeDetailChange.account_name,
            PayeeDetailChange.sort_code,
            PayeeDetailChange.account_number,
            PayeeDetailChange.roll_number,
            PayeeDetailChange.account_number_last2,
            PayeeDetailChange.arrangement,
        )
        .join(Award, Award.id == Payment.award_id)
        .join(Application, Application.id == Award.application_id)
        .join(applicant, applicant.id == Application.applicant_id)
        .join(Pot, Pot.id == Application.pot_id)
        .join(Neighbourhood, Neighbourhood.id == Pot.neighbourhood_id)
        .outerjoin(PayeeDetails, PayeeDetails.award_id == Award.id)
        .outerjoin(
            PayeeDetailChange,
            sa.and_(
                PayeeDetailChange.payee_details_id == PayeeDetails.id,
                PayeeDetailChange.version == Payment.payee_details_version,
            ),
        )
        .where(Payment.run_id == run_id, Payment.status != PaymentStatus.CANCELLED.value)
        .order_by(Neighbourhood.name, Pot.name, Pot.id, Application.reference)
    ).all()


def _line(r: Any, names: dict[int, str]) -> Line:
    """One payment's row as the files show it."""
    return Line(
        payment_id=r.payment_id,
        award_id=r.award_id,
        amount_pence=r.amount_pence,
        method=r.method,
        payee_details_version=r.payee_details_version,
        status=r.status,
        prepared_by=names.get(r.prepared_by_id, ""),
        authorised_by=names.get(r.authorised_by_id or 0, ""),
        authorised_at=r.authorised_at,
        paid_on=r.paid_on,
        finance_reference=r.finance_reference or "",
        remittance_emailed=r.remittance_emailed_at is not None,
        reference=r.reference or str(r.application_id),
        idea=r.idea_name or "",
        contact_name=r.contact_name or "",
        language=r.language,
        email=r.email or "",
        pot=f"{r.neighbourhood_name}: {r.pot_name}",
        host=r.host_organisation or "",
        payee=Payee(
            method=r.details_method,
            account_name=r.account_name,
            sort_code=r.sort_code,
            account_number=r.account_number,
            roll_number=r.roll_number,
            account_number_last2=r.account_number_last2,
            arrangement=r.arrangement,
        ),
    )


def authorised_run(run_id: int) -> RunFacts:
    """The run, if its authorisation stands and it still hashes to what was authorised; raises ExportProblem."""
    facts = read_run(run_id)
    if facts.status not in STANDING or facts.content_hash is None or facts.content_hash != facts.hash_now:
        raise ExportProblem("the run changed after it was authorised")
    return facts


def read_pot(pot_id: int, as_at: datetime) -> PotFacts:
    """A pot's ledger and statement lines as plain values, in a fixed number of queries."""
    row = ledger.ledger_for(pot_id)
    if row is None:
        raise ExportProblem("there is no such pot")
    return PotFacts(
        name=f"{row.pot.neighbourhood.name}: {row.pot.name}",
        budget_pence=row.budget_pence,
        awarded_pence=row.awarded_pence,
        paid_pence=row.paid_pence,
        to_pay_pence=row.to_pay_pence,
        remaining_pence=row.remaining_pence,
        lines=tuple(ledger.statement_lines(pot_id)),
        as_at=as_at,
    )


@transactional
def read_export(export_id: int) -> Wanted:
    """Everything an export needs, as plain values; returning ends the transaction, so the file is drawn with
    nothing held open. Raises ExportProblem when the run no longer hashes to what was authorised."""
    export = db.session.get(PaymentExport, export_id)
    if export is None:
        raise ExportProblem("there is no such export")
    kind = ExportKind(export.kind)
    if export.pot_id is not None:
        return Wanted(kind, False, None, read_pot(export.pot_id, export.requested_at))
    assert export.run_id is not None
    return Wanted(kind, export.full_details, authorised_run(export.run_id), None)
