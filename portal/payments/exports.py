"""Exports of payment runs and pot statements, made by background jobs. Each job reads what its file needs into
plain values in one short transaction (export_facts.py), ends it, draws the file (documents.py) with nothing held
open, and records the result in another short transaction. A run's file is made only while the run still hashes to
what was authorised, and records that hash. Remittance advices are also emailed, one job per run."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.accounts.models import User
from portal.common import audit
from portal.common.email import send_email
from portal.common.jobs import describe, enqueue_after_commit, job
from portal.common.rendering import rendering_context
from portal.common.stalled import requeue_stalled_files
from portal.common.status import claim_status
from portal.common.time import utcnow
from portal.common.transactions import transactional
from portal.domain.background import FileStatus
from portal.domain.payments import PaymentRefused, PaymentStatus, RunStatus
from portal.extensions import db
from portal.payments import services
from portal.payments.documents import FILE_LANGUAGE, draw, remittance_pdf, zip_name
from portal.payments.export_facts import Line, RunFacts, authorised_run, read_export
from portal.payments.models import ExportKind, Payment, PaymentExport, PaymentRun
from portal.programme.models import Pot

RUN_KINDS = (ExportKind.SCHEDULE, ExportKind.REMITTANCES, ExportKind.CSV)


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
        PaymentExport,
        export_id,
        (FileStatus.QUEUED, FileStatus.FAILED),
        FileStatus.RUNNING,
        progress=0,
        error=None,
        worked_at=utcnow(),
    )


@transactional
def _set_progress(export_id: int, percent: int) -> None:
    db.session.execute(
        sa.update(PaymentExport)
        .where(PaymentExport.id == export_id, PaymentExport.status == FileStatus.RUNNING.value)
        .values(progress=percent, worked_at=utcnow())
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


@job(retries=1, retry_delay=60, schedule={"minute": "*/5"}, at_start=True)
def recover_stalled_exports() -> int:
    """Queue again every export a stopped worker left half-made, or whose job the queue lost (common/stalled.py)."""
    return requeue_stalled_files(PaymentExport, make_export)


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
    return authorised_run(run_id)


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
    send_email(line.email, subject, body, attachment=pdf, attachment_name=zip_name(line))
    return 1
