"""Data kept only as long as needed: the programme's retention rules, and the copies of everything the portal holds
about a resident that they ask to download."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.common.constraints import one_of
from portal.common.time import UTCDateTime, utcnow
from portal.domain.background import FileStatus
from portal.domain.retention import DEFAULTS
from portal.extensions import Model


class RetentionRules(Model):
    """How long the programme keeps each kind of personal data, in months (one row; defaults in the README and in
    portal/domain/retention.py). Drafts follow DRAFT_KEEP_DAYS."""

    __tablename__ = "retention_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    not_funded_months: Mapped[int] = mapped_column(sa.Integer, default=DEFAULTS.not_funded_months)
    bank_details_months: Mapped[int] = mapped_column(sa.Integer, default=DEFAULTS.bank_details_months)
    private_story_months: Mapped[int] = mapped_column(sa.Integer, default=DEFAULTS.private_story_months)
    sign_in_months: Mapped[int] = mapped_column(sa.Integer, default=DEFAULTS.sign_in_months)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class DataCopy(Model):
    """Everything the portal holds about one resident, made by a background job when they ask (a JSON file and a
    readable PDF, bank details masked), kept for them to download for a few days."""

    __tablename__ = "data_copies"
    __table_args__ = (one_of("status", FileStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    status: Mapped[str] = mapped_column(sa.String(10), default=FileStatus.QUEUED.value)
    progress: Mapped[int] = mapped_column(sa.Integer, default=0)
    json_content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    pdf_content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(sa.Text)
    worked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requeued: Mapped[int] = mapped_column(sa.SmallInteger, default=0, server_default="0")
