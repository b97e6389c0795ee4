"""A neighbourhood's asset map ("What's here" to residents): its entries, every change to them, and the community
builders whose patch each neighbourhood is."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.common.constraints import one_of
from portal.common.page_cache import shown_on_public_pages
from portal.common.time import UTCDateTime, utcnow
from portal.domain.asset_map import Action, EntryStatus, IntroductionStatus, Kind
from portal.extensions import Model
from portal.programme.models import Neighbourhood


class MapEntry(Model):
    """One thing a neighbourhood has: a person's gift, a group, an organisation, a business, something cultural, or a
    place. Where, when and who to ask, in English with optional Welsh and Arabic beside it."""

    __tablename__ = "map_entries"
    __table_args__ = (
        one_of("kind", Kind),
        one_of("status", EntryStatus),
        sa.Index("ix_map_entries_neighbourhood_status_kind", "neighbourhood_id", "status", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("neighbourhoods.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    where_text: Mapped[str] = mapped_column(sa.String(200), default="")
    # A point on the map, where given (degrees, WGS 84, as map apps give them).
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    when_available: Mapped[str] = mapped_column(sa.String(200), default="")
    who_to_ask: Mapped[str] = mapped_column(sa.String(200), default="")
    # An individual's gift is public only when the person has said so (other kinds ignore it).
    shown_publicly: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    status: Mapped[str] = mapped_column(sa.String(12), default=EntryStatus.SUGGESTED.value)
    suggested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The funded idea that made it (a new group, a planted patch), when its resident added it from their story.
    from_application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="SET NULL"), index=True
    )
    # {"cy": {"name": …, "description": …}, "ar": {…}}
    other_languages: Mapped[dict[str, dict[str, str]]] = mapped_column(sa.JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    neighbourhood: Mapped[Neighbourhood] = relationship()

    @property
    def point(self) -> str:
        """The point as the page gives it to the map script: "latitude,longitude", or "" where none is given."""
        return "" if self.latitude is None or self.longitude is None else f"{self.latitude},{self.longitude}"

    changes: Mapped[list[MapEntryChange]] = relationship(
        back_populates="entry", order_by="MapEntryChange.id", cascade="all, delete-orphan"
    )


class MapEntryChange(Model):
    """One change to an entry: who, when, what it did, and the entry's fields before and after, so it can be undone.
    A change a resident suggested waits (`pending`) until a builder takes or declines it."""

    __tablename__ = "map_entry_changes"
    __table_args__ = (one_of("action", Action),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("map_entries.id", ondelete="CASCADE"), index=True)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(sa.String(20))
    before: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    pending: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    entry: Mapped[MapEntry] = relationship(back_populates="changes")
    changed_by: Mapped[Any] = relationship("User", viewonly=True)


class BuilderPatch(Model):
    """A community builder works in this neighbourhood: they keep its map (and, later, see its ideas)."""

    __tablename__ = "builder_patches"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        sa.ForeignKey("neighbourhoods.id", ondelete="CASCADE"), primary_key=True
    )


class MapEntryUse(Model):
    """An idea will use something on its neighbourhood's map (the room, the tools), chosen on "Will anyone else
    help?"; the programme counts the ideas whose help came from the map."""

    __tablename__ = "map_entry_uses"

    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("map_entries.id", ondelete="CASCADE"), primary_key=True)

    entry: Mapped[MapEntry] = relationship()


class MapConnector(Model):
    """A resident a community builder names as a connector for a neighbourhood: they keep its map as builders do."""

    __tablename__ = "map_connectors"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        sa.ForeignKey("neighbourhoods.id", ondelete="CASCADE"), primary_key=True
    )
    named_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    named_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[Any] = relationship("User", foreign_keys=[user_id], viewonly=True)


class ResidentProfile(Model):
    """What a resident offers their neighbours (what they know, can do and care about, and a few interests), kept
    only while they choose to: private, seen by their neighbourhood's community builders, who may introduce them
    to a neighbour with a shared interest."""

    __tablename__ = "resident_profiles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("neighbourhoods.id"), index=True)
    knows: Mapped[str] = mapped_column(sa.Text, default="")
    can_do: Mapped[str] = mapped_column(sa.Text, default="")
    cares_about: Mapped[str] = mapped_column(sa.Text, default="")
    interests: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[Any] = relationship("User", viewonly=True)


shown_on_public_pages(MapEntry)


class Introduction(Model):
    """A community builder asks two residents with a shared interest whether they would like to meet. Each answers
    through their own single-use link (only hashes are kept); neither is named to the other until both say yes.
    Kept to be counted: the interest is cleared once both have answered, and no message is stored."""

    __tablename__ = "introductions"
    __table_args__ = (
        one_of("status", IntroductionStatus),
        one_of("first_answer", ("yes", "no")),
        one_of("second_answer", ("yes", "no")),
        sa.Index("ix_introductions_neighbourhood_status", "neighbourhood_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("neighbourhoods.id"))
    made_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    first_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    interest: Mapped[str] = mapped_column(sa.String(40), default="")
    first_token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    second_token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    first_answer: Mapped[str | None] = mapped_column(sa.String(3))
    second_answer: Mapped[str | None] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(10), default=IntroductionStatus.ASKED.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    first: Mapped[Any] = relationship("User", foreign_keys=[first_id], viewonly=True)
    second: Mapped[Any] = relationship("User", foreign_keys=[second_id], viewonly=True)
