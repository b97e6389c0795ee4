"""Exports of an authorised payment run, made by background jobs: the payment schedule (PDF), remittance advices
(one PDF per payee, in the resident's language) and a CSV for the finance system.

Each export checks the run still hashes to what was authorised, and is made only from the run's data (no clock,
no random parts), so exporting a run again gives the same content. The schedule is laid out one page at a time,
each page its own small fixed-layout table with its header row, in one tagged PDF: much faster than letting
WeasyPrint break one long table across pages (benchmarks/payment_pdf.py measures it).
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject
from weasyprint import HTML

from portal.accounts.models import User
from portal.applications.models import Application
from portal.common import audit
from portal.common.email import rendering_context, send_email
from portal.common.jobs import describe, enqueue_after_commit, job
from portal.common.pdf import no_fetching
from portal.common.spreadsheet import spreadsheet_safe
from portal.common.status import claim_status
from portal.common.time import utcnow
from portal.common.transactions import transactional
from portal.domain.background import FileStatus
from portal.domain.payments import PaymentRefused, RunStatus, format_sort_code, mask
from portal.domain.roles import PaymentMethod
from portal.extensions import db
from portal.payments import ledger, runs, services
from portal.payments.models import ExportKind, Payment, PaymentExport, PaymentRun
from portal.programme.models import Pot

ROWS_PER_PAGE = 60


RUN_KINDS = (ExportKind.SCHEDULE, ExportKind.REMITTANCES, ExportKind.CSV)


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
        pot_id=pot_id, kind=kind.value, filename=f"pot-{pot_id}-statement.{extension}", requested_by_id=officer.id
    )
    db.session.add(export)
    db.session.flush()
    audit.record("pot.statement_requested", actor_id=officer.id, object_type="pot", object_id=pot_id, kind=kind.value)
    enqueue_after_commit(make_export, export.id)
    return export


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
def _finish(export_id: int, content: bytes | None, error: str | None = None) -> None:
    """Running → ready (with the file) or failed (with why). An export this worker no longer holds is left alone."""
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
        finished_at=utcnow(),
    )


@job(retries=2, retry_delay=30)
def make_export(export_id: int) -> None:
    """Make one export (safe to run twice: a finished export is left alone). Progress is saved as it goes, for the
    page that shows it."""
    if not _claim(export_id):
        return
    try:
        export = db.session.get(PaymentExport, export_id)
        assert export is not None
        kind, full = ExportKind(export.kind), export.full_details

        def progress(percent: int) -> None:
            _set_progress(export_id, percent)

        with rendering_context():
            if export.pot_id is not None:
                content = pot_statement(kind, export.pot_id)
            else:
                run = db.session.get(PaymentRun, export.run_id)
                assert run is not None
                if run.content_hash != runs.content_hash(run):
                    raise ExportProblem("the run changed after it was authorised")
                lines = runs.run_lines(run.id)
                db.session.commit()  # nothing held open while the file is made
                content = build(kind, run, lines, full, progress)
    except Exception as error:
        db.session.rollback()
        _finish(export_id, None, describe(error))
        raise
    _finish(export_id, content)


def build(
    kind: ExportKind,
    run: PaymentRun,
    lines: list[runs.RunLine],
    full: bool,
    progress: Callable[[int], None] = lambda percent: None,
) -> bytes:
    """The export's content, from the run's data alone."""
    if kind is ExportKind.SCHEDULE:
        return schedule_pdf(run, lines, full, progress)
    if kind is ExportKind.REMITTANCES:
        return remittances_zip(run, lines, progress)
    return schedule_csv(run, lines)


# What each line shows ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    reference: str
    payee: str
    bank: str
    amount_pence: int
    pot: str


def _shown(line: runs.RunLine, full: bool) -> Shown:
    details = line.details
    method = PaymentMethod(details.method)
    if details.account_number is not None:
        payee = details.account_name.reveal() if details.account_name else ""
        if full:
            sort_code = format_sort_code(details.sort_code.reveal()) if details.sort_code else ""
            number = details.account_number.reveal()
            roll = f" / {details.roll_number.reveal()}" if details.roll_number else ""
            bank = f"{sort_code} {number}{roll}"
        else:
            bank = "••-••-•• " + mask("••••••" + (details.account_number_last2 or ""))
    elif method is PaymentMethod.PAID_TO_HOST_ORGANISATION:
        payee, bank = line.pot.neighbourhood.host_organisation, "Host organisation"
    else:
        arrangement = details.arrangement.reveal() if details.arrangement else ""
        payee, bank = line.application.contact_name or "", f"Another way: {arrangement}".strip()
    return Shown(
        reference=line.application.reference or str(line.application.id),
        payee=payee,
        bank=bank,
        amount_pence=line.payment.amount_pence,
        pot=f"{line.pot.neighbourhood.name}: {line.pot.name}",
    )


def _pot_totals(lines: list[runs.RunLine]) -> list[tuple[str, int, int]]:
    """(pot, number of payments, total pence) for each pot, in the run's order."""
    totals: dict[str, list[int]] = {}
    for line in lines:
        name = f"{line.pot.neighbourhood.name}: {line.pot.name}"
        entry = totals.setdefault(name, [0, 0])
        entry[0] += 1
        entry[1] += line.payment.amount_pence
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


BATCH_PAGES = 20  # a longer schedule is laid out in parts of this many pages, so memory stays bounded


def schedule_pdf(
    run: PaymentRun, lines: list[runs.RunLine], full: bool, progress: Callable[[int], None] = lambda p: None
) -> bytes:
    """The payment schedule: a first page with the run, its pots and totals, who prepared and authorised it and the
    run's hash; then the payments, pot by pot, a table with its header row on every page, "Page X of Y" on each.

    Up to BATCH_PAGES pages of payments it is one tagged PDF. A longer run is laid out BATCH_PAGES pages at a time
    and the parts joined (untagged: the parts' structure trees cannot be joined), so a 5,000-payment run peaks
    well under 500 MB (benchmarks/payment_pdf.py).
    """
    shown = [_shown(line, full) for line in lines]
    pages = list(enumerate(_pages(shown), start=2))
    people: set[int | None] = {run.created_by_id, run.authorised_by_id}
    common = {
        "run": run,
        "full": full,
        "count": len(pages) + 1,
        "names": services.people_named(people | {line.payment.prepared_by_id for line in lines}),
        "totals": _pot_totals(lines),
        "total_pence": sum(row.amount_pence for row in shown),
        "payments": len(shown),
    }
    progress(5)
    if len(pages) <= BATCH_PAGES:
        html = render_template("pdf/schedule.html", pages=pages, with_summary=True, **common)
        document = HTML(string=html, url_fetcher=no_fetching).render()
        progress(70)
        return document.write_pdf(pdf_variant="pdf/ua-1", full_fonts=True)
    writer = PdfWriter()
    for start in range(0, len(pages), BATCH_PAGES):
        html = render_template(
            "pdf/schedule.html", pages=pages[start : start + BATCH_PAGES], with_summary=start == 0, **common
        )
        part = HTML(string=html, url_fetcher=no_fetching).write_pdf(full_fonts=True)
        writer.append(PdfReader(io.BytesIO(part)))
        progress(5 + round(90 * min(start + BATCH_PAGES, len(pages)) / len(pages)))
    writer.add_metadata({"/Title": _("Payment schedule %(reference)s", reference=run.reference)})
    writer._root_object[NameObject("/Lang")] = TextStringObject("en")  # noqa: SLF001 - pypdf has no setter
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


# Remittance advices --------------------------------------------------------------------------------------------------


def remittance_pdf(run: PaymentRun, line: runs.RunLine) -> bytes:
    """One payee's remittance advice, in plain words and in the resident's language."""
    with force_locale(line.application.language):
        html = render_template(
            "pdf/remittance.html",
            run=run,
            line=line,
            shown=_shown(line, full=False),
            language=line.application.language,
        )
    return HTML(string=html, url_fetcher=no_fetching).write_pdf(pdf_variant="pdf/ua-1")


@transactional
def email_remittances(run_id: int, officer: User) -> None:
    """Queue an email to each payee of an authorised run, with their remittance advice attached, in their
    language. Residents without an email address are left out (their community builder passes the printed one on).
    Raises PaymentRefused."""
    services.finance_only(officer)
    run = db.session.get(PaymentRun, run_id)
    if run is None or run.status == RunStatus.OPEN.value:
        raise PaymentRefused("run_not_authorised")
    audit.record("payment_run.remittances_emailed", actor_id=officer.id, object_type="payment_run", object_id=run.id)
    enqueue_after_commit(send_remittances, run.id)


@job(retries=3, retry_delay=60)
def send_remittances(run_id: int) -> int:
    """Email each payee's remittance advice once (a payment records when its advice was emailed, claimed
    compare-and-set, so running this twice sends nothing twice). The PDF is made before the short transaction
    that claims the payment and queues the email. Returns how many were queued."""
    run = db.session.get(PaymentRun, run_id)
    assert run is not None
    lines = [line for line in runs.run_lines(run_id) if line.application.applicant.email]
    db.session.commit()
    sent = 0
    with rendering_context():
        for line in lines:
            if line.payment.remittance_emailed_at is not None:
                continue
            pdf = remittance_pdf(run, line)
            sent += _queue_remittance(run, line.payment.id, line.application.id, pdf)
    return sent


@transactional
def _queue_remittance(run: PaymentRun, payment_id: int, application_id: int, pdf: bytes) -> int:
    claimed = db.session.execute(
        sa.update(Payment)
        .where(Payment.id == payment_id, Payment.remittance_emailed_at.is_(None))
        .values(remittance_emailed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return 0
    application = db.session.get(Application, application_id)
    assert application is not None and application.applicant.email
    payment = db.session.get(Payment, payment_id)
    assert payment is not None
    with force_locale(application.language):
        subject = (
            _("Your small spark has been paid") if payment.status == "paid" else _("Your small spark is being paid")
        )
        body = render_template("payments/email/remittance.txt", application=application, payment=payment, run=run)
    send_email(
        application.applicant.email,
        subject,
        body,
        attachment=pdf,
        attachment_name=f"remittance-{application.reference}.pdf",
    )
    return 1


_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # every file dated the same, so the same run gives the same zip


def remittances_zip(
    run: PaymentRun, lines: list[runs.RunLine], progress: Callable[[int], None] = lambda p: None
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, line in enumerate(lines, start=1):
            name = f"remittance-{line.application.reference or line.application.id}.pdf"
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), remittance_pdf(run, line))
            if number % 20 == 0:
                progress(min(95, round(95 * number / len(lines))))
    return buffer.getvalue()


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


def schedule_csv(run: PaymentRun, lines: list[runs.RunLine]) -> bytes:
    """One row per payment, the columns CSV_COLUMNS (documented in the README), every cell spreadsheet-safe."""
    people: set[int | None] = {run.authorised_by_id}
    names = services.people_named(people | {line.payment.prepared_by_id for line in lines})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in lines:
        details, payment = line.details, line.payment
        shown = _shown(line, full=True)
        writer.writerow(
            spreadsheet_safe(cell)
            for cell in (
                run.reference,
                payment.id,
                shown.reference,
                shown.pot,
                shown.payee,
                details.method,
                details.sort_code.reveal() if details.sort_code else "",
                details.account_number.reveal() if details.account_number else "",
                details.roll_number.reveal() if details.roll_number else "",
                f"{payment.amount_pence // 100}.{payment.amount_pence % 100:02d}",
                payment.amount_pence,
                names.get(payment.prepared_by_id, ""),
                names.get(payment.authorised_by_id or 0, ""),
                payment.authorised_at.isoformat(timespec="seconds") if payment.authorised_at else "",
                payment.status,
                payment.paid_on.isoformat() if payment.paid_on else "",
                payment.finance_reference or "",
            )
        )
    return buffer.getvalue().encode("utf-8-sig")


# A pot's statement ------------------------------------------------------------------------------------------------

POT_CSV_COLUMNS = ["pot", "reference", "idea", "award_status", "amount", "amount_pence", "paid_on", "finance_reference"]


def pot_statement(kind: ExportKind, pot_id: int) -> bytes:
    """A pot's statement: its ledger (budget, awarded, paid, still to pay, left) and every award made from it."""
    row = ledger.ledger_for(pot_id)
    assert row is not None
    lines = ledger.statement_lines(pot_id)
    name = f"{row.pot.neighbourhood.name}: {row.pot.name}"
    if kind is ExportKind.POT_CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(POT_CSV_COLUMNS)
        for line in lines:
            cells = (
                name,
                line.reference,
                line.idea,
                line.award_status,
                f"{line.amount_pence // 100}.{line.amount_pence % 100:02d}",
                line.amount_pence,
                line.paid_on.isoformat() if line.paid_on else "",
                line.finance_reference,
            )
            writer.writerow(spreadsheet_safe(cell) for cell in cells)
        return buffer.getvalue().encode("utf-8-sig")
    html = render_template("pdf/pot_statement.html", row=row, name=name, lines=lines)
    return HTML(string=html, url_fetcher=no_fetching).write_pdf(pdf_variant="pdf/ua-1")


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


@transactional
def download(export: PaymentExport, officer: User) -> bytes:
    """The export's file, for a finance officer; downloading full bank details is audited each time."""
    services.finance_only(officer)
    if export.status != FileStatus.READY.value or export.content is None:
        raise PaymentRefused("export_not_ready")
    if export.full_details:
        audit.record("payee.details_downloaded", actor_id=officer.id, object_type="payment_export", object_id=export.id)
    return export.content
