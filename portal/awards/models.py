"""An award: money promised to one idea from its pot, with the decision that made it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.common.constraints import one_of
from portal.common.page_cache import shown_on_public_pages
from portal.common.time import UTCDateTime, utcnow
from portal.domain.states import AwardStatus
from portal.extensions import Model

# Awards that still hold money in their pot; declined or cancelled ones give it back.
MONEY_HOLDING_AWARD_STATUSES = tuple(
    s.value for s in AwardStatus if s not in (AwardStatus.DECLINED, AwardStatus.CANCELLED)
)


class Award(Model):
    """Money promised to an idea from its pot. One per application, ever: the database refuses a second."""

    __tablename__ = "awards"
    __table_args__ = (
        sa.CheckConstraint("amount_pence > 0", name="amount_positive"),
        one_of("status", AwardStatus),
        # The finance officer's lists: awards in one status, oldest acceptance first; accepted awards with and
        # without the payee's details apart, and counted from the index alone.
        sa.Index("ix_awards_status_accepted_at", "status", "accepted_at", "id"),
        sa.Index("ix_awards_work", "status", "has_payee_details", "accepted_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), unique=True)
    pot_id: Mapped[int] = mapped_column(sa.ForeignKey("pots.id"), index=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"))
    amount_pence: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[str] = mapped_column(sa.String(20), default=AwardStatus.OFFERED.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Whether the payee's details have been given: set when they are stored (portal/payments/models.py), so the
    # finance lists need not join every open award to its details.
    has_payee_details: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())

    # Read by name, typed Any: the panel's decision behind the award, and the payee's details once given (awards never
    # import panels, which write them, or payments, which pay them).
    decision: Mapped[Any] = relationship("Decision", viewonly=True)
    payee_details: Mapped[Any] = relationship("PayeeDetails", uselist=False, viewonly=True)


shown_on_public_pages(Award)
