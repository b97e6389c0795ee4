"""Exports of an authorised payment run, made by background jobs: the payment schedule (PDF), remittance advices
(one PDF per payee, in the resident's language) and a CSV for the finance system; and a pot's statement (PDF or CSV).

Each job reads what its file needs into plain values in one short transaction (a fixed number of queries however
many payments there are), ends it, draws the file through portal.common.pdf with nothing held open, and records the
result in another short transaction. A run's file is made only while the run still hashes to what was authorised;
it records that hash, shows each payment with the payee details it was authorised with (never the details as they
are now), says which payments failed, and can be downloaded only while the run's authorisation stands. Files are
made from the run's data alone (no clock, no random parts), so exporting a run again gives the same content.

The schedule is laid out one page at a time, each page its own small fixed-layout table with its header row, in one
tagged PDF: much faster than letting WeasyPrint break one long table across pages (benchmarks/payment_pdf.py
measures it).
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject
from sqlalchemy.orm import aliased

from portal.accounts.models import User
from portal.applications.models import Application
from portal.awards.models import Award
from portal.common import audit
from portal.common.email import send_email
from portal.common.jobs import describe, enqueue_after_commit, job
from portal.common.pdf import draw_pdf, layout_pdf, pdf_html, render_pdf, write_document
from portal.common.rendering import rendering_context
from portal.common.sealed import Sealed
from portal.common.spreadsheet import spreadsheet_safe
from portal.common.status import claim_status
from portal.common.time import utcnow
from portal.common.transactions import transactional
from portal.domain.background import FileStatus
from portal.domain.payments import PaymentRefused, PaymentStatus, RunStatus, format_sort_code, mask
from portal.domain.roles import PaymentMethod
from portal.extensions import db
from portal.payments import ledger, runs, services
from portal.payments.models import ExportKind, PayeeDetailChange, PayeeDetails, Payment, PaymentExport, PaymentRun
from portal.payments.states import payment_state_text
from portal.programme.models import Neighbourhood, Pot

ROWS_PER_PAGE = 60
BATCH_PAGES = 20  # a longer schedule is laid out in parts of this many pages, so memory stays bounded

RUN_KINDS = (ExportKind.SCHEDULE, ExportKind.REMITTANCES, ExportKind.CSV)
# The finance files are in English whoever asks (remittance advices are in each resident's language): the same file
# every time, and nothing about the person asking is looked up while it is drawn.
FILE_LANGUAGE = "en"
# A run's files may be downloaded while the run is authorised, or paid as it was authorised.
STANDING = (RunStatus.AUTHORISED.value, RunStatus.CLOSED.value)


class ExportProblem(Exception):
    """The run changed after it was authorised (its hash no longer matches): nothing is exported."""


@transactional
def request_export(run_id: int, officer: User, kind: ExportKind, *, full_details: bool = False) -> PaymentExport:
    """Queue an export of an authorised (or paid) run; a job makes it after commit. Full bank details (always in the
    CSV, which the finance system needs) are a full view of every payee's details, and audited as one.
    Raises PaymentRefused."""
    services.finance_only(officer)
    if kind not in RUN_KINDS:
        raise PaymentRefused("no_such_statement")
    run = db.session.get(PaymentRun, run_id)
    if run is None or run.status == RunStatus.OPEN.value:
        raise PaymentRefused("run_not_authorised")
    full = full_details or kind is ExportKind.CSV
    extension = {"schedule": "pdf", "remittances": "zip", "csv": "csv"}[kind.value]
    suffix = "-full" if full and kind is ExportKind.SCHEDULE else ""
    export = PaymentExport(
        run_id=run.id,
        kind=kind.value,
        full_details=full,
        filename=f"{run.reference.lower()}-{kind.value}{suffix}.{extension}",
        requested_by_id=officer.id,
    )
    db.session.add(export)
    db.session.flush()
    audit.record(
        "payment_run.export_requested",
        actor_id=officer.id,
        object_type="payment_run",
        object_id=run.id,
        kind=kind.value,
        full_details=full,
    )
    if full:
        audit.record("payee.details_exported", actor_id=officer.id, object_type="payment_run", object_id=run.id)
    enqueue_after_commit(make_export, export.id)
    return export


@transactional
def request_pot_export(pot_id: int, officer: User, kind: ExportKind) -> PaymentExport:
    """Queue a pot's statement (PDF or CSV); a job makes it after commit. Raises PaymentRefused."""
    services.finance_only(officer)
    if kind not in (ExportKind.POT_STATEMENT, ExportKind.POT_CSV) or db.session.get(Pot, pot_id) is None:
        raise PaymentRefused("no_such_statement")
    extension = "pdf" if kind is ExportKind.POT_STATEMENT else "csv"
    export = PaymentExport(
        pot_id=pot_id,
        kind=kind.value,
        filename=f"pot-{pot_id}-statement-{utcnow():%Y-%m-%d}.{extension}",
        requested_by_id=officer.id,
    )
    db.session.add(export)
    db.session.flush()
    audit.record("pot.statement_requested", actor_id=officer.id, object_type="pot", object_id=pot_id, kind=kind.value)
    enqueue_after_commit(make_export, export.id)
    return export


# The job: claim, read, end the transaction, draw, record --------------------------------------------------------


@transactional
def _claim(export_id: int) -> bool:
    return claim_status(
        PaymentExport, export_id, (FileStatus.QUEUED, FileStatus.FAILED), FileStatus.RUNNING, progress=0, error=None
    )


@transactional
def _set_progress(export_id: int, percent: int) -> None:
    db.session.execute(
        sa.update(PaymentExport)
        .where(PaymentExport.id == export_id, PaymentExport.status == FileStatus.RUNNING.value)
        .values(progress=percent)
        .execution_options(synchronize_session=False)
    )


@transactional
def _finish(export_id: int, content: bytes | None, error: str | None = None, run_hash: str | None = None) -> None:
    """Running → ready (with the file, and the run hash it was made from) or failed (with why). An export this worker
    no longer holds is left alone."""
    if content is None:
        claim_status(PaymentExport, export_id, FileStatus.RUNNING, FileStatus.FAILED, error=error, finished_at=utcnow())
        return
    claim_status(
        PaymentExport,
        export_id,
        FileStatus.RUNNING,
        FileStatus.READY,
        progress=100,
        content=content,
        content_sha256=hashlib.sha256(content).hexdigest(),
        run_hash=run_hash,
        finished_at=utcnow(),
    )


class Progress:
    """Progress saved at fixed points as the file is drawn, each in its own short transaction: the same number of
    writes for 3 payments as for 5,000."""

    POINTS = (20, 40, 60, 80)

    def __init__(self, export_id: int | None = None) -> None:
        self.export_id = export_id
        self.reached = 0

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        while self.reached < len(self.POINTS) and percent >= self.POINTS[self.reached]:
            if self.export_id is not None:
                _set_progress(self.export_id, self.POINTS[self.reached])
            self.reached += 1


@job(retries=2, retry_delay=30)
def make_export(export_id: int) -> None:
    """Make one export (safe to run twice: a finished export is left alone). What it needs is read and the
    transaction ended before anything is drawn; progress is saved as it goes, for the page that shows it."""
    if not _claim(export_id):
        return
    try:
        wanted = read_export(export_id)
        with rendering_context(), force_locale(FILE_LANGUAGE):
            content = draw(wanted, Progress(export_id))
    except Exception as error:
        db.session.rollback()
        _finish(export_id, None, describe(error))
        raise
    _finish(export_id, content, run_hash=wanted.run.content_hash if wanted.run else None)


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
    applicant = aliased(User)
    rows = db.session.execute(
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
    people: set[int | None] = {run.created_by_id, run.authorised_by_id}
    names = services.people_named(people | {r.prepared_by_id for r in rows} | {r.authorised_by_id for r in rows})
    lines = tuple(
        Line(
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
        for r in rows
    )
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


def _authorised_run(run_id: int) -> RunFacts:
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
    return Wanted(kind, export.full_details, _authorised_run(export.run_id), None)


def draw(wanted: Wanted, progress: Callable[[int, int], None] = lambda done, total: None) -> bytes:
    """The export's content, from the values read: call with no transaction open."""
    if wanted.pot is not None:
        return pot_statement(wanted.kind, wanted.pot)
    assert wanted.run is not None
    return build(wanted.kind, wanted.run, wanted.full, progress)


def build(
    kind: ExportKind,
    run: RunFacts,
    full: bool,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> bytes:
    """A run's export, from the run's data alone."""
    if kind is ExportKind.SCHEDULE:
        return schedule_pdf(run, full, progress)
    if kind is ExportKind.REMITTANCES:
        return remittances_zip(run, progress)
    return schedule_csv(run)


# What each line shows ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    reference: str
    payee: str
    bank: str
    amount_pence: int
    pot: str
    failed: bool = False
    how: str = ""  # how it is paid, in plain words for the payee (a remittance advice)


def _shown(line: Line, full: bool) -> Shown:
    """A payment with the payee details it was authorised with: masked unless `full`."""
    details = line.payee
    if details.method is None:
        payee, bank = "", _("The details this payment was authorised with were not kept")
        how = bank
    elif details.account_number is not None:
        payee = details.account_name.reveal() if details.account_name else ""
        if full:
            sort_code = format_sort_code(details.sort_code.reveal()) if details.sort_code else ""
            number = details.account_number.reveal()
            roll = f" / {details.roll_number.reveal()}" if details.roll_number else ""
            bank = f"{sort_code} {number}{roll}"
        else:
            bank = "••-••-•• " + mask("••••••" + (details.account_number_last2 or ""))
        how = _("By bank transfer, to the account ending %(digits)s", digits=details.account_number_last2 or "")
    elif PaymentMethod(details.method) is PaymentMethod.PAID_TO_HOST_ORGANISATION:
        payee, bank = line.host, _("Host organisation")
        how = _("To your host organisation, %(host)s", host=line.host)
    else:
        arrangement = details.arrangement.reveal() if details.arrangement else ""
        payee, bank = line.contact_name, _("Another way: %(arrangement)s", arrangement=arrangement).strip()
        how = bank
    return Shown(
        reference=line.reference,
        payee=payee,
        bank=bank,
        amount_pence=line.amount_pence,
        pot=line.pot,
        failed=line.failed,
        how=how,
    )


def _pot_totals(lines: tuple[Line, ...]) -> list[tuple[str, int, int]]:
    """(pot, number of payments, total pence) for each pot, in the run's order."""
    totals: dict[str, list[int]] = {}
    for line in lines:
        entry = totals.setdefault(line.pot, [0, 0])
        entry[0] += 1
        entry[1] += line.amount_pence
    return [(name, count, pence) for name, (count, pence) in totals.items()]


# The payment schedule ------------------------------------------------------------------------------------------------


def _pages(shown: list[Shown]) -> Iterator[tuple[str, list[Shown], int | None]]:
    """Pages of at most ROWS_PER_PAGE rows, a pot never sharing a page with another; the last page of a pot carries
    its total."""
    index = 0
    while index < len(shown):
        pot = shown[index].pot
        end = index
        while end < len(shown) and shown[end].pot == pot:
            end += 1
        rows = shown[index:end]
        total = sum(row.amount_pence for row in rows)
        for start in range(0, len(rows), ROWS_PER_PAGE):
            chunk = rows[start : start + ROWS_PER_PAGE]
            yield pot, chunk, total if start + ROWS_PER_PAGE >= len(rows) else None
        index = end


def schedule_pdf(run: RunFacts, full: bool, progress: Callable[[int, int], None] = lambda done, total: None) -> bytes:
    """The payment schedule: a first page with the run, its pots and totals, who prepared and authorised it, the
    run's hash and any payment that failed; then the payments, pot by pot, a table with its header row on every
    page, "Page X of Y" on each.

    Up to BATCH_PAGES pages of payments it is one tagged PDF. A longer run is laid out BATCH_PAGES pages at a time
    and the parts joined (untagged: the parts' structure trees cannot be joined), so a 5,000-payment run peaks
    well under 500 MB (benchmarks/payment_pdf.py). Fonts are subset, so a short schedule weighs a few kilobytes.
    """
    shown = [_shown(line, full) for line in run.lines]
    pages = list(enumerate(_pages(shown), start=2))
    failed = [row for row in shown if row.failed]
    common: dict[str, Any] = {
        "run": run,
        "full": full,
        "count": len(pages) + 1,
        "totals": _pot_totals(run.lines),
        "total_pence": sum(row.amount_pence for row in shown),
        "payments": len(shown),
        "failed": failed,
        "failed_pence": sum(row.amount_pence for row in failed),
    }
    if len(pages) <= BATCH_PAGES:
        document = layout_pdf(pdf_html("pdf/schedule.html", pages=pages, with_summary=True, **common))
        progress(1, 2)
        pdf = write_document(document)
        progress(2, 2)
        return pdf
    writer = PdfWriter()
    for start in range(0, len(pages), BATCH_PAGES):
        html = pdf_html(
            "pdf/schedule.html", pages=pages[start : start + BATCH_PAGES], with_summary=start == 0, **common
        )
        writer.append(PdfReader(io.BytesIO(draw_pdf(html, tagged=False))))
        progress(min(start + BATCH_PAGES, len(pages)), len(pages))
    writer.add_metadata({"/Title": _("Payment schedule %(reference)s", reference=run.reference)})
    writer._root_object[NameObject("/Lang")] = TextStringObject("en")  # noqa: SLF001 - pypdf has no setter
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


# Remittance advices --------------------------------------------------------------------------------------------------


def remittance_pdf(run_reference: str, line: Line) -> bytes:
    """One payee's remittance advice, in plain words and in the resident's language, with the details the payment
    was authorised with (masked)."""
    with force_locale(line.language):
        shown = _shown(line, full=False)
    return render_pdf(
        "pdf/remittance.html", language=line.language, run_reference=run_reference, line=line, shown=shown
    )


def _zip_name(line: Line) -> str:
    return f"remittance-{line.reference}.pdf"


_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # every file dated the same, so the same run gives the same zip


def remittances_zip(run: RunFacts, progress: Callable[[int, int], None] = lambda done, total: None) -> bytes:
    """A remittance advice for each payee still being paid or paid; a payment that failed has none (its resident is
    paid again through a new payment, with its own advice)."""
    lines = [line for line in run.lines if not line.failed]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, line in enumerate(lines, start=1):
            archive.writestr(zipfile.ZipInfo(_zip_name(line), date_time=_ZIP_TIME), remittance_pdf(run.reference, line))
            progress(number, len(lines))
    progress(1, 1)
    return buffer.getvalue()


@transactional
def email_remittances(run_id: int, officer: User) -> None:
    """Queue an email to each payee of an authorised run, with their remittance advice attached, in their
    language. Residents without an email address are left out (their community builder passes the printed one on),
    and so are payments that failed. Raises PaymentRefused."""
    services.finance_only(officer)
    run = db.session.get(PaymentRun, run_id)
    if run is None or run.status == RunStatus.OPEN.value:
        raise PaymentRefused("run_not_authorised")
    audit.record("payment_run.remittances_emailed", actor_id=officer.id, object_type="payment_run", object_id=run.id)
    enqueue_after_commit(send_remittances, run.id)


@transactional
def _read_authorised_run(run_id: int) -> RunFacts:
    return _authorised_run(run_id)


@job(retries=3, retry_delay=60)
def send_remittances(run_id: int) -> int:
    """Email each payee's remittance advice once (a payment records when its advice was emailed, claimed
    compare-and-set, so running this twice sends nothing twice). The run is read and the transaction ended before
    any PDF is drawn; each email is then queued in its own short transaction. Returns how many were queued.
    Raises ExportProblem when the run's authorisation no longer stands."""
    run = _read_authorised_run(run_id)
    due = [line for line in run.lines if line.email and not line.remittance_emailed and not line.failed]
    sent = 0
    with rendering_context():
        for line in due:
            sent += _queue_remittance(run.reference, line, remittance_pdf(run.reference, line))
    return sent


@transactional
def _queue_remittance(run_reference: str, line: Line, pdf: bytes) -> int:
    claimed = db.session.execute(
        sa.update(Payment)
        .where(Payment.id == line.payment_id, Payment.remittance_emailed_at.is_(None))
        .values(remittance_emailed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return 0
    with force_locale(line.language):
        paid = line.status == PaymentStatus.PAID.value
        subject = _("Your small spark has been paid") if paid else _("Your small spark is being paid")
        body = render_template("payments/email/remittance.txt", line=line, run_reference=run_reference)
    send_email(line.email, subject, body, attachment=pdf, attachment_name=_zip_name(line))
    return 1


# CSV for the finance system ------------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "run_reference",
    "payment_id",
    "reference",
    "pot",
    "payee_name",
    "method",
    "sort_code",
    "account_number",
    "roll_number",
    "amount",
    "amount_pence",
    "prepared_by",
    "authorised_by",
    "authorised_at",
    "status",
    "paid_on",
    "finance_reference",
]


def schedule_csv(run: RunFacts) -> bytes:
    """One row per payment, the columns CSV_COLUMNS (documented in the README), every cell spreadsheet-safe; bank
    details are the version each payment was authorised with, and a payment that failed says `failed`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in run.lines:
        details = line.payee
        shown = _shown(line, full=True)
        writer.writerow(
            spreadsheet_safe(cell)
            for cell in (
                run.reference,
                line.payment_id,
                shown.reference,
                shown.pot,
                shown.payee,
                details.method or line.method,
                details.sort_code.reveal() if details.sort_code else "",
                details.account_number.reveal() if details.account_number else "",
                details.roll_number.reveal() if details.roll_number else "",
                f"{line.amount_pence // 100}.{line.amount_pence % 100:02d}",
                line.amount_pence,
                line.prepared_by,
                line.authorised_by,
                line.authorised_at.isoformat(timespec="seconds") if line.authorised_at else "",
                line.status,
                line.paid_on.isoformat() if line.paid_on else "",
                line.finance_reference,
            )
        )
    return buffer.getvalue().encode("utf-8-sig")


# A pot's statement ------------------------------------------------------------------------------------------------

POT_CSV_COLUMNS = ["pot", "reference", "idea", "award_status", "amount", "amount_pence", "paid_on", "finance_reference"]


def pot_statement(kind: ExportKind, pot: PotFacts) -> bytes:
    """A pot's statement: its ledger (budget, awarded, paid, still to pay, left) and every award made from it, each
    named by where it is on its way to being paid, as the finance pages name it."""
    if kind is ExportKind.POT_CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(POT_CSV_COLUMNS)
        for line in pot.lines:
            cells = (
                pot.name,
                line.reference,
                line.idea,
                payment_state_text(line.state),
                f"{line.amount_pence // 100}.{line.amount_pence % 100:02d}",
                line.amount_pence,
                line.paid_on.isoformat() if line.paid_on else "",
                line.finance_reference,
            )
            writer.writerow(spreadsheet_safe(cell) for cell in cells)
        return buffer.getvalue().encode("utf-8-sig")
    return render_pdf("pdf/pot_statement.html", pot=pot)


# Finding, listing and downloading files -----------------------------------------------------------------------------


def get_export(run_id: int, export_id: int) -> PaymentExport | None:
    export = db.session.get(PaymentExport, export_id)
    return export if export is not None and export.run_id == run_id else None


def get_pot_export(pot_id: int, export_id: int) -> PaymentExport | None:
    export = db.session.get(PaymentExport, export_id)
    return export if export is not None and export.pot_id == pot_id else None


def exports_of(run_id: int) -> list[PaymentExport]:
    return list(
        db.session.execute(
            sa.select(PaymentExport).where(PaymentExport.run_id == run_id).order_by(PaymentExport.id.desc())
        ).scalars()
    )


def made_from_standing_authorisation(export: PaymentExport, run: PaymentRun) -> bool:
    """Whether a run's file was made from the authorisation that stands now: the run is authorised (or paid as it
    was authorised) and its hash is the one the file records."""
    return run.status in STANDING and run.content_hash is not None and export.run_hash == run.content_hash


def failed_since(export: PaymentExport, run: PaymentRun) -> bool:
    """A run's file asked for before one of its payments was recorded failed: the file shows that payment as one to
    make, so it is not downloaded again; a file made now marks the failure."""
    return export.run_id == run.id and any(
        payment.status == PaymentStatus.FAILED.value
        and payment.ended_at is not None
        and payment.ended_at >= export.requested_at
        for payment in run.payments
    )


def file_withdrawn(export: PaymentExport, run: PaymentRun) -> bool:
    """A made file of the run whose authorisation has since been withdrawn: it can no longer be downloaded."""
    return export.status == FileStatus.READY.value and not made_from_standing_authorisation(export, run)


def failed_references(lines: list[runs.RunLine]) -> list[str]:
    """The references of a run's payments that failed: every file of the run is marked with them."""
    return [
        line.application.reference or str(line.application.id)
        for line in lines
        if line.payment.status == PaymentStatus.FAILED.value
    ]


@dataclass(frozen=True)
class RunFile:
    export: PaymentExport
    withdrawn: bool
    failed_since: bool


def run_files(run: PaymentRun) -> list[RunFile]:
    """A run's files, newest first, each marked if it was made from an authorisation since withdrawn."""
    return [RunFile(made, file_withdrawn(made, run), failed_since(made, run)) for made in exports_of(run.id)]


@dataclass(frozen=True)
class Downloaded:
    content: bytes | None
    refused: str | None = None  # why the file may not be downloaded


@transactional
def download(export: PaymentExport, officer: User) -> Downloaded:
    """The export's file, for a finance officer; downloading full bank details is audited each time. A run's file is
    refused (and the refusal audited) unless it was made from the authorisation that stands now and the run still
    hashes to it. Raises PaymentRefused when the file is not ready or the person is not a finance officer."""
    services.finance_only(officer)
    if export.status != FileStatus.READY.value or export.content is None:
        raise PaymentRefused("export_not_ready")
    if export.run_id is not None:
        run = db.session.get(PaymentRun, export.run_id)
        assert run is not None
        refused = None
        if not made_from_standing_authorisation(export, run) or runs.content_hash(run) != run.content_hash:
            refused = "authorisation_withdrawn"
        elif failed_since(export, run):
            refused = "payment_failed_since"
        if refused is not None:
            audit.record(
                "payment_export.download_refused",
                actor_id=officer.id,
                object_type="payment_export",
                object_id=export.id,
                run_id=run.id,
                reason=refused,
            )
            return Downloaded(None, refused)
    if export.full_details:
        audit.record("payee.details_downloaded", actor_id=officer.id, object_type="payment_export", object_id=export.id)
    return Downloaded(export.content)
