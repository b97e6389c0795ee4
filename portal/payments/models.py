"""How a resident is paid (payee details, encrypted), each change to them, and payments of awards."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.awards.models import Award
from portal.common.constraints import one_of
from portal.common.sealed import EncryptedText, Sealed
from portal.common.time import UTCDateTime, utcnow
from portal.domain.background import FileStatus
from portal.domain.payments import LIVE_PAYMENT_STATUSES, ConfirmationOfPayee, PaymentStatus, RunStatus
from portal.domain.roles import PaymentMethod
from portal.extensions import Model


class PayeeDetails(Model):
    """Who is paid for an award and how, as they are now: one row per award, changed in place; each version is kept
    whole in payee_detail_changes, so a payment is always shown with the version it was authorised with. Names, sort
    codes and account numbers are encrypted; only the last two digits of the account number are kept in the clear,
    for masked display."""

    __tablename__ = "payee_details"
    __table_args__ = (
        one_of("method", PaymentMethod),
        one_of("confirmation_of_payee", ConfirmationOfPayee),
        one_of("agreement", ("resident", "spoken")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("awards.id"), unique=True)
    method: Mapped[str] = mapped_column(sa.String(20))
    # For a bank account (the resident's, or a named person's on a group's behalf).
    account_name: Mapped[Sealed | None] = mapped_column(EncryptedText)
    sort_code: Mapped[Sealed | None] = mapped_column(EncryptedText)
    account_number: Mapped[Sealed | None] = mapped_column(EncryptedText)
    roll_number: Mapped[Sealed | None] = mapped_column(EncryptedText)
    account_number_last2: Mapped[str | None] = mapped_column(sa.String(2))
    # For another way: what the resident asked for, and what finance gave (a voucher, a prepaid card).
    arrangement: Mapped[Sealed | None] = mapped_column(EncryptedText)
    # Who entered them: the resident themselves, or a community builder with the resident's spoken agreement.
    agreement: Mapped[str] = mapped_column(sa.String(10), default="resident")
    agreed_on: Mapped[date | None] = mapped_column(sa.Date)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    confirmation_of_payee: Mapped[str] = mapped_column(sa.String(12), default=ConfirmationOfPayee.NOT_CHECKED.value)
    confirmation_checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the bank details were removed, the payment made long enough ago (the last two digits are kept).
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    award: Mapped[Award] = relationship()

    @property
    def method_enum(self) -> PaymentMethod:
        return PaymentMethod(self.method)


class PayeeDetailChange(Model):
    """Each version of an award's payee details, kept whole (encrypted, as entered) with who entered it: a payment
    records the version it was authorised with, and everything exported about it shows that version and no other.
    Nobody who entered or changed the details may authorise a payment to them."""

    __tablename__ = "payee_detail_changes"
    __table_args__ = (sa.UniqueConstraint("payee_details_id", "version", name="uq_payee_detail_changes_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payee_details_id: Mapped[int] = mapped_column(sa.ForeignKey("payee_details.id"), index=True)
    changed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(sa.Integer)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The details of this version (empty for versions saved before versions were kept whole).
    method: Mapped[str | None] = mapped_column(sa.String(20))
    account_name: Mapped[Sealed | None] = mapped_column(EncryptedText)
    sort_code: Mapped[Sealed | None] = mapped_column(EncryptedText)
    account_number: Mapped[Sealed | None] = mapped_column(EncryptedText)
    roll_number: Mapped[Sealed | None] = mapped_column(EncryptedText)
    account_number_last2: Mapped[str | None] = mapped_column(sa.String(2))
    arrangement: Mapped[Sealed | None] = mapped_column(EncryptedText)

    @classmethod
    def of(cls, details: PayeeDetails, changed_by_id: int) -> PayeeDetailChange:
        """The details' current version, kept whole (the encrypted values are copied as they are)."""
        return cls(
            payee_details_id=details.id,
            changed_by_id=changed_by_id,
            version=details.version,
            method=details.method,
            account_name=details.account_name,
            sort_code=details.sort_code,
            account_number=details.account_number,
            roll_number=details.roll_number,
            account_number_last2=details.account_number_last2,
            arrangement=details.arrangement,
        )


class PaymentRun(Model):
    """Payments put together to go through the finance system at once, authorised as a whole by a second officer."""

    __tablename__ = "payment_runs"
    __table_args__ = (one_of("status", RunStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    status: Mapped[str] = mapped_column(sa.String(12), default=RunStatus.OPEN.value)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    authorised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    authorised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A hash of what was authorised (each payment's id, amount, payee details version), printed on every export.
    content_hash: Mapped[str | None] = mapped_column(sa.String(64))

    payments: Mapped[list[Payment]] = relationship(back_populates="run", order_by="Payment.id")

    @property
    def status_enum(self) -> RunStatus:
        return RunStatus(self.status)

    @property
    def total_pence(self) -> int:
        return sum(payment.amount_pence for payment in self.payments)


class Payment(Model):
    """Money leaving the council for one award. The database allows one live payment (prepared, authorised or paid)
    per award, so an award can never be paid twice; a failed or cancelled one makes way for the next."""

    __tablename__ = "payments"
    __table_args__ = (
        one_of("status", PaymentStatus),
        sa.CheckConstraint("amount_pence > 0", name="amount_positive"),
        sa.Index(
            "uq_payments_one_live_per_award",
            "award_id",
            unique=True,
            postgresql_where=sa.text(f"status IN {tuple(s.value for s in LIVE_PAYMENT_STATUSES)}"),
            sqlite_where=sa.text(f"status IN {tuple(s.value for s in LIVE_PAYMENT_STATUSES)}"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("awards.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment_runs.id"), index=True)
    amount_pence: Mapped[int] = mapped_column(sa.BigInteger)
    method: Mapped[str] = mapped_column(sa.String(20))
    payee_details_version: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(12), default=PaymentStatus.PREPARED.value)
    prepared_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    authorised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    authorised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    finance_reference: Mapped[str | None] = mapped_column(sa.String(60))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    failed_reason: Mapped[str | None] = mapped_column(sa.Text)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remittance_emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    award: Mapped[Award] = relationship()
    run: Mapped[PaymentRun | None] = relationship(back_populates="payments")

    @property
    def status_enum(self) -> PaymentStatus:
        return PaymentStatus(self.status)


class ExportKind(StrEnum):
    SCHEDULE = "schedule"  # the payment schedule PDF
    REMITTANCES = "remittances"  # one remittance advice PDF per payee, in a zip for printing
    CSV = "csv"  # for the finance system
    POT_STATEMENT = "pot_statement"  # a pot's statement PDF: budget, awarded, paid, and each award
    POT_CSV = "pot_csv"  # the same as CSV


class PaymentExport(Model):
    """A file made by a background job from a payment run or a pot's ledger, kept so it can be downloaded (and made
    again, the same)."""

    __tablename__ = "payment_exports"
    __table_args__ = (
        one_of("kind", ExportKind),
        one_of("status", FileStatus),
        sa.CheckConstraint("(run_id IS NULL) <> (pot_id IS NULL)", name="run_or_pot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment_runs.id"), index=True)
    pot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pots.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    full_details: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    status: Mapped[str] = mapped_column(sa.String(10), default=FileStatus.QUEUED.value)
    progress: Mapped[int] = mapped_column(sa.Integer, default=0)  # 0 to 100
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    content_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    filename: Mapped[str] = mapped_column(sa.String(120))
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # The hash of the run this file was made from: it may be downloaded only while the run is authorised (or paid)
    # with that same hash.
    run_hash: Mapped[str | None] = mapped_column(sa.String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(sa.Text)
    # When a worker was last handed it or showed it was working on it, and how often it was queued again after a
    # worker stopped mid-way (portal/common/stalled.py).
    worked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requeued: Mapped[int] = mapped_column(sa.SmallInteger, default=0, server_default="0")

    run: Mapped[PaymentRun | None] = relationship()


@sa.event.listens_for(PayeeDetails, "after_insert")
def _award_has_payee_details(mapper: Any, connection: Any, details: PayeeDetails) -> None:
    """The award knows its payee's details are given, in the same transaction, however the details were stored."""
    connection.execute(sa.update(Award).where(Award.id == details.award_id).values(has_payee_details=True))
