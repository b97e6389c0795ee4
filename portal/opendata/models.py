"""What the programme publishes about itself in its open data: set by programme officers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.common.page_cache import shown_on_public_pages
from portal.common.time import UTCDateTime, utcnow
from portal.extensions import Model


class OpenDataSettings(Model):
    """One row: the programme's 360Giving prefix, who funds it, and the codes its grants to individuals carry.
    Nothing is published until the prefix and the funder are set."""

    __tablename__ = "open_data_settings"
    __table_args__ = (sa.CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    prefix: Mapped[str] = mapped_column(sa.String(60), default="")
    funder_name: Mapped[str] = mapped_column(sa.String(200), default="")
    funder_id: Mapped[str] = mapped_column(sa.String(80), default="")
    individual_reason: Mapped[str] = mapped_column(sa.String(8), default="GTIR120")
    # Comma-separated GTIP codes.
    individual_purposes: Mapped[str] = mapped_column(sa.String(80), default="GTIP160")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    @property
    def purposes(self) -> list[str]:
        return [code for code in self.individual_purposes.split(",") if code]

    @property
    def is_ready(self) -> bool:
        return bool(self.prefix and self.funder_name and self.funder_id)


class PublishedGrantPrefix(Model):
    """The 360Giving prefix a grant was first published under, kept when the programme's prefix changes, so a
    published grant's identifiers never change. A grant without a row here is published under the current prefix."""

    __tablename__ = "published_grant_prefixes"

    award_id: Mapped[int] = mapped_column(sa.ForeignKey("awards.id"), primary_key=True)
    prefix: Mapped[str] = mapped_column(sa.String(60))


shown_on_public_pages(OpenDataSettings)
