"""What panel members declare and say about an idea, and the decisions recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.common.constraints import one_of
from portal.common.time import UTCDateTime, utcnow
from portal.domain.decisions import DecisionKind, ViewKind
from portal.extensions import Model
from portal.programme.models import ProgrammeText


class Interest(Model):
    """A panel member's declaration on one idea: no interest, or an interest with a short note."""

    __tablename__ = "interests"
    __table_args__ = (sa.UniqueConstraint("application_id", "user_id", name="uq_interests_application_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    has_interest: Mapped[bool] = mapped_column(sa.Boolean)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PanelView(Model):
    """A panel member's view on one idea, changeable until the idea is decided."""

    __tablename__ = "panel_views"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "user_id", name="uq_panel_views_application_user"),
        one_of("view", ViewKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    view: Mapped[str] = mapped_column(sa.String(12))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Decision(Model):
    """A decision recorded on an idea; an idea may have several over time (a question, then a yes)."""

    __tablename__ = "decisions"
    __table_args__ = (
        one_of("kind", DecisionKind),
        # The panel's decided ideas, newest decision first.
        sa.Index("ix_decisions_decided_at", "decided_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    amount_pence: Mapped[int | None] = mapped_column(sa.BigInteger)
    condition: Mapped[str] = mapped_column(sa.Text, default="")
    reason: Mapped[str] = mapped_column(sa.Text)
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    fast_track: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # For a question: the resident's answer, which puts the idea back in the queue.
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The reason in the idea's language, when a community builder translated it back for the resident.
    reason_translation: Mapped[str | None] = mapped_column(sa.Text)
    reason_translated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason_translated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # For a "not yet": the programme's reason the panel chose (with what would help), beside its own words.
    not_yet_reason_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme_texts.id", ondelete="SET NULL"))

    not_yet_reason: Mapped[ProgrammeText | None] = relationship(viewonly=True)


class IdeaTranslation(Model):
    """A community builder's translation of what a resident wrote, for a panel that reads another language; shown
    beside the original, marked as a translation, with who made it."""

    __tablename__ = "idea_translations"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "language", name="uq_idea_translations_application_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(sa.String(8))  # the language it is translated into
    texts: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)  # answer's name → its translation
    made_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    made_by: Mapped[Any] = relationship("User", viewonly=True)
