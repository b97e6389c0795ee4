"""Neighbourhoods and their pots of money (amounts in integer pence)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.common.constraints import one_of
from portal.common.page_cache import shown_on_public_pages
from portal.common.time import UTCDateTime, utcnow
from portal.domain.open_data import GeoCodeType
from portal.domain.pot_questions import QuestionKind
from portal.domain.pots import PotLimits
from portal.extensions import Model


class Neighbourhood(Model):
    __tablename__ = "neighbourhoods"
    __table_args__ = (
        one_of("decisions_by", ("chair", "programme_officer")),
        one_of("geo_code_type", ("", *GeoCodeType)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(140), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    host_organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    # How residents reach the neighbourhood's community builder, e.g. "Sam, 0113 496 0000, library on Tuesdays".
    builder_contact: Mapped[str] = mapped_column(sa.Text, default="")
    decision_weeks: Mapped[int] = mapped_column(sa.Integer, default=2)
    # The panel's rules: how many views before a decision, and who records decisions ("chair" or "programme_officer").
    views_needed: Mapped[int] = mapped_column(sa.Integer, default=3)
    decisions_by: Mapped[str] = mapped_column(sa.String(20), default="chair")
    # Where it is, for open data: an ONS ward or local-authority code and its 360Giving geoCodeType.
    geo_code: Mapped[str] = mapped_column(sa.String(12), default="")
    geo_code_type: Mapped[str] = mapped_column(sa.String(8), default="")
    # Welsh and Arabic versions of what residents read, edited beside the English: {"cy": {"description": …}}.
    other_languages: Mapped[dict[str, dict[str, str]]] = mapped_column(sa.JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pots: Mapped[list[Pot]] = relationship(back_populates="neighbourhood", order_by="Pot.name")


class Pot(Model):
    __tablename__ = "pots"
    __table_args__ = (
        sa.CheckConstraint("budget_pence > 0", name="budget_positive"),
        sa.CheckConstraint("max_award_pence > 0 AND max_award_pence <= budget_pence", name="max_award_in_budget"),
        sa.CheckConstraint(
            "fast_track_limit_pence >= 0 AND fast_track_limit_pence <= max_award_pence", name="fast_track_in_max"
        ),
        sa.UniqueConstraint("neighbourhood_id", "name", name="uq_pots_neighbourhood_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("neighbourhoods.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # A sentence or two for residents: what the pot is for and who may ask.
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    budget_pence: Mapped[int] = mapped_column(sa.BigInteger)
    max_award_pence: Mapped[int] = mapped_column(sa.BigInteger)
    fast_track_limit_pence: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    opens_on: Mapped[date | None] = mapped_column(sa.Date)
    closes_on: Mapped[date | None] = mapped_column(sa.Date)
    is_rolling: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    payment_methods: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # The yes/no questions asked before the form (portal/domain/eligibility.py: Check values), at most 3.
    eligibility_checks: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    # Its name and description in Welsh and Arabic, where the programme gave them: {"cy": {"name": …}, "ar": {…}}.
    other_languages: Mapped[dict[str, dict[str, str]]] = mapped_column(sa.JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    neighbourhood: Mapped[Neighbourhood] = relationship(back_populates="pots")
    # The pot's own questions as they stand now (retired versions are kept for the ideas that answered them).
    questions: Mapped[list[PotQuestion]] = relationship(
        primaryjoin="and_(PotQuestion.pot_id == Pot.id, PotQuestion.retired_at.is_(None))",
        order_by="(PotQuestion.position, PotQuestion.id)",
        viewonly=True,
    )

    @property
    def limits(self) -> PotLimits:
        return PotLimits(
            budget_pence=self.budget_pence,
            max_award_pence=self.max_award_pence,
            fast_track_limit_pence=self.fast_track_limit_pence,
            opens_on=self.opens_on,
            closes_on=self.closes_on,
            is_rolling=self.is_rolling,
        )


class TextKind(StrEnum):
    OTHER_HELP = "other_help"
    NOT_YET_REASON = "not_yet_reason"


class ProgrammeText(Model):
    """A short list the programme writes for residents, in English with optional Welsh and Arabic versions beside it:
    other help to point people to when a small spark is not for them (a title, a sentence, a link), or the reasons a
    panel may give for "not yet" (the reason, and what would help)."""

    __tablename__ = "programme_texts"
    __table_args__ = (one_of("kind", TextKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    url: Mapped[str] = mapped_column(sa.String(500), default="")
    # {"cy": {"title": …, "text": …}, "ar": {…}}
    other_languages: Mapped[dict[str, dict[str, str]]] = mapped_column(sa.JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PotQuestion(Model):
    """One of a pot's own questions (at most three), in English with optional Welsh and Arabic versions beside it.
    Once an idea has answered it, it never changes: a change retires it and adds the next version at its place, so
    every idea keeps the wording it answered."""

    __tablename__ = "pot_questions"
    __table_args__ = (one_of("kind", QuestionKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(sa.ForeignKey("pots.id"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    kind: Mapped[str] = mapped_column(sa.String(12))
    wording: Mapped[str] = mapped_column(sa.String(300))
    hint: Mapped[str] = mapped_column(sa.String(500), default="")
    # A choice question's options, one a line (the other languages' lines in the same order).
    choices: Mapped[str] = mapped_column(sa.Text, default="")
    optional: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # {"cy": {"wording": …, "hint": …, "choices": …}, "ar": {…}}
    other_languages: Mapped[dict[str, dict[str, str]]] = mapped_column(sa.JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pot: Mapped[Pot] = relationship()

    @property
    def kind_enum(self) -> QuestionKind:
        return QuestionKind(self.kind)


class QuestionAnswer(Model):
    """An idea's answer to one of its pot's own questions: the text typed, "yes" or "no", or the number of the option
    chosen (1 for the first), so it reads in any language the question was written in. Ideas hold their answers
    (applications.question_answers); the programme reads whether a question has any."""

    __tablename__ = "question_answers"
    __table_args__ = (sa.UniqueConstraint("application_id", "question_id", name="uq_question_answers_application"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("pot_questions.id"), index=True)
    answer: Mapped[str] = mapped_column(sa.Text, default="")

    question: Mapped[PotQuestion] = relationship()


shown_on_public_pages(Neighbourhood)
shown_on_public_pages(Pot)
shown_on_public_pages(ProgrammeText)
