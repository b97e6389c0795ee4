"""Finding, listing and downloading the files made: a run's file is downloaded only while the run's authorisation
stands and no payment in it has failed since the file was made (each refusal audited)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.accounts.models import User
from portal.common import audit
from portal.common.transactions import transactional
from portal.domain.background import FileStatus
from portal.domain.payments import PaymentRefused, PaymentStatus
from portal.extensions import db
from portal.payments import runs, services
from portal.payments.export_facts import STANDING
from portal.payments.models import PaymentExport, PaymentRun

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
