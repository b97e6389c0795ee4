"""An application for a small spark, its cost lines, and its place in the life of a small spark."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.common.constraints import one_of
from portal.common.time import UTCDateTime, utcnow
from portal.domain.states import ApplicationStatus
from portal.extensions import Model
from portal.programme.models import Pot, QuestionAnswer


class Application(Model):
    __tablename__ = "applications"
    __table_args__ = (
        sa.Index("ix_applications_pot_status_submitted", "pot_id", "status", "submitted_at"),
        one_of("status", ApplicationStatus),
        one_of("consent_method", ("email", "spoken", "text")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(sa.String(12), unique=True)
    pot_id: Mapped[int] = mapped_column(sa.ForeignKey("pots.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    assisted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=ApplicationStatus.DRAFT.value)
    language: Mapped[str] = mapped_column(sa.String(8), default="en")

    applicant_type: Mapped[str | None] = mapped_column(sa.String(20))
    group_name: Mapped[str | None] = mapped_column(sa.String(200))
    idea_name: Mapped[str | None] = mapped_column(sa.String(200))
    idea_description: Mapped[str | None] = mapped_column(sa.Text)
    brings_together: Mapped[str | None] = mapped_column(sa.Text)
    helps_area: Mapped[str | None] = mapped_column(sa.Text)
    bring_head: Mapped[str | None] = mapped_column(sa.Text)
    bring_hands: Mapped[str | None] = mapped_column(sa.Text)
    bring_heart: Mapped[str | None] = mapped_column(sa.Text)
    help_from_others: Mapped[str | None] = mapped_column(sa.Text)
    when_text: Mapped[str | None] = mapped_column(sa.String(100))
    where_text: Mapped[str | None] = mapped_column(sa.String(200))
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_method: Mapped[str | None] = mapped_column(sa.String(10))
    contact_phone_encrypted: Mapped[str | None] = mapped_column(sa.Text)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Assisted applications: how the resident agreed it is their idea ("email" link, or "spoken" to the builder).
    consent_method: Mapped[str | None] = mapped_column(sa.String(10))
    consent_given_on: Mapped[date | None] = mapped_column(sa.Date)
    resident_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The eligibility checks the resident answered "not sure" to before starting (Check values): a note for the panel.
    eligibility_unsure: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    # The idea a resident tried again from, after a "not yet" (a copy of it, sent afresh).
    copied_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="SET NULL"), index=True
    )
    # When the contact details were removed (a retention rule, or the resident asked to be erased).
    personal_details_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pot: Mapped[Pot] = relationship()
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id])
    assisted_by: Mapped[User | None] = relationship(foreign_keys=[assisted_by_id])
    cost_lines: Mapped[list[CostLine]] = relationship(
        back_populates="application", order_by="CostLine.id", cascade="all, delete-orphan"
    )
    # Answers to the pot's own questions (each to the version of the question the resident saw).
    question_answers: Mapped[list[QuestionAnswer]] = relationship(
        order_by="QuestionAnswer.id", cascade="all, delete-orphan"
    )
    # Rows of the features built on ideas (panels decide them, awards fund them, stories tell of them), read through
    # relationships by name: applications never import those features, so these are typed Any here.
    decisions: Mapped[list[Any]] = relationship(
        "Decision", order_by="(Decision.decided_at, Decision.id)", viewonly=True
    )
    award: Mapped[Any] = relationship("Award", uselist=False, viewonly=True)  # an Award, or None
    # Community builders' translations of it for the panel (IdeaTranslation rows).
    translations: Mapped[list[Any]] = relationship(
        "IdeaTranslation", order_by="IdeaTranslation.language", viewonly=True
    )
    # The outcome story, once the resident starts one (stories refer to ideas; ideas only read them).
    story: Mapped[Any] = relationship("Story", uselist=False, viewonly=True)  # a Story, or None

    @property
    def latest_decision(self) -> Any:
        return self.decisions[-1] if self.decisions else None

    @property
    def total_pence(self) -> int:
        return sum(line.amount_pence for line in self.cost_lines)

    @property
    def is_assisted(self) -> bool:
        return self.assisted_by_id is not None

    @property
    def status_enum(self) -> ApplicationStatus:
        return ApplicationStatus(self.status)


class CostLine(Model):
    __tablename__ = "cost_lines"
    __table_args__ = (sa.CheckConstraint("amount_pence > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    item: Mapped[str] = mapped_column(sa.String(200))
    amount_pence: Mapped[int] = mapped_column(sa.BigInteger)

    application: Mapped[Application] = relationship(back_populates="cost_lines")


class Letter(Model):
    """News for a resident we can reach neither by email nor by text (a community builder entered their idea): a
    printable letter, listed for the builder and programme officers to post or hand over, drawn when downloaded."""

    __tablename__ = "letters"
    __table_args__ = (one_of("kind", ("decision", "paid")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12))
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handed_over_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    application: Mapped[Application] = relationship()
    decision: Mapped[Any] = relationship("Decision", viewonly=True)  # a Decision, for a decision's letter


class JourneyMark(Model):
    """Working notes on a draft's way through the question pages (which pages it has seen, and continued from), so
    each page is counted once an idea; removed with the draft, and when it is sent. Never reported: JourneyCount is."""

    __tablename__ = "journey_marks"

    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    page: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    continued: Mapped[bool] = mapped_column(sa.Boolean, default=False)


class JourneyCount(Model):
    """Where residents give up: for a pot, a month and a question page, how many ideas opened the page, how many went
    on from it, and how many never sent were last seen on it. No person, no idea, nothing finer than the month."""

    __tablename__ = "journey_counts"
    __table_args__ = (sa.UniqueConstraint("pot_id", "month", "page", name="uq_journey_counts_pot_month_page"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(sa.ForeignKey("pots.id"), index=True)
    month: Mapped[str] = mapped_column(sa.String(7))  # "2026-12"
    page: Mapped[str] = mapped_column(sa.String(40))
    started: Mapped[int] = mapped_column(sa.Integer, default=0)
    continued: Mapped[int] = mapped_column(sa.Integer, default=0)
    left_here: Mapped[int] = mapped_column(sa.Integer, default=0)
