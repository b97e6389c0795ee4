"""How a resident is paid (payee details, encrypted), each change to them, and payments of awards."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.awards.models import Award
from portal.common.constraints import one_of
from portal.common.sealed import EncryptedText, Sealed
from portal.common.time import UTCDateTime, utcnow
from portal.domain.payments import LIVE_PAYMENT_STATUSES, ConfirmationOfPayee, PaymentStatus
from portal.domain.roles import PaymentMethod
from portal.extensions import Model


class PayeeDetails(Model):
    """Who is paid for an award and how: one row per award, changed in place (each change is kept in
    payee_detail_changes). Names, sort codes and account numbers are encrypted; only the last two digits of the
    account number are kept in the clear, for masked display."""

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

    award: Mapped[Award] = relationship()

    @property
    def method_enum(self) -> PaymentMethod:
        return PaymentMethod(self.method)


class PayeeDetailChange(Model):
    """Each time payee details were entered or changed, and by whom: nobody who did may authorise a payment to
    them."""

    __tablename__ = "payee_detail_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    payee_details_id: Mapped[int] = mapped_column(sa.ForeignKey("payee_details.id"), index=True)
    changed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(sa.Integer)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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

    award: Mapped[Award] = relationship()

    @property
    def status_enum(self) -> PaymentStatus:
        return PaymentStatus(self.status)
