"""Commissioner reports: PDFs made by a background job, kept to be downloaded."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.common.constraints import one_of
from portal.common.time import UTCDateTime, utcnow
from portal.domain.background import FileStatus
from portal.extensions import Model


class Report(Model):
    __tablename__ = "reports"
    __table_args__ = (one_of("status", FileStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(30))
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    neighbourhood_ids: Mapped[str] = mapped_column(sa.String(400), default="")  # comma-separated; empty: all
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    status: Mapped[str] = mapped_column(sa.String(10), default=FileStatus.QUEUED.value)
    progress: Mapped[int] = mapped_column(sa.Integer, default=0)  # 0 to 100
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    filename: Mapped[str] = mapped_column(sa.String(120))
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(sa.Text)
    # Taken down (its file deleted) because a story or photo it held may no longer be shared; a new report, made
    # without it, names this one in replaces_id.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(sa.String(30))
    # When a worker was last handed it or showed it was working on it, and how often it was queued again after a
    # worker stopped mid-way (portal/common/stalled.py).
    worked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requeued: Mapped[int] = mapped_column(sa.SmallInteger, default=0, server_default="0")
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reports.id"), index=True)

    @property
    def neighbourhoods(self) -> tuple[int, ...]:
        return tuple(int(n) for n in self.neighbourhood_ids.split(",") if n)


class ReportStory(Model):
    """A story a made report holds, and which of its photos, so the report can be taken down and made again when the
    resident withdraws consent. The story's id is kept without a foreign key: a story deleted outright must still
    be found here."""

    __tablename__ = "report_stories"

    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    story_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, index=True)
    photo_ids: Mapped[str] = mapped_column(sa.String(100), default="")  # comma-separated

    @property
    def photos(self) -> tuple[int, ...]:
        return tuple(int(n) for n in self.photo_ids.split(",") if n)


class InstitutionalChange(Model):
    """A change to how an institution works that the programme led to ("the library now opens on Saturdays for the
    seed swap"), logged by a programme officer with the neighbourhood and the ideas it came from."""

    __tablename__ = "institutional_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    what_changed: Mapped[str] = mapped_column(sa.Text)
    neighbourhood_id: Mapped[int | None] = mapped_column(sa.ForeignKey("neighbourhoods.id"), index=True)
    # The references of the ideas it came from, as the officer gave them (checked to be sent ideas).
    idea_references: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    happened_on: Mapped[date] = mapped_column(sa.Date)
    logged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
