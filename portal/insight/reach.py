"""The optional "about you" answers: kept apart from every idea and person (no link to either, not even a time finer
than the month), chosen by the programme, and reported only in aggregate: in releases made once at least 10 new
answers have come in (a timetabled job checks each night), numbers under 10 suppressed and every number rounded to
the nearest 5. A viewer never sees live counts, so reloading the page around one resident's answers shows nothing."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.accounts.models import User
from portal.common.jobs import job
from portal.common.time import UTCDateTime, utcnow
from portal.common.transactions import finish_reading, transactional
from portal.domain.reach import AGE_BANDS, QUESTIONS, published, published_total, release_due
from portal.extensions import Model, db


class AboutYou(Model):
    """One person's answers. A random id (not a sequence, which would follow the order ideas were sent) and the
    month only."""

    __tablename__ = "about_you_answers"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    month: Mapped[str] = mapped_column(sa.String(7))  # YYYY-MM
    age_band: Mapped[str | None] = mapped_column(sa.String(10))
    disability: Mapped[str | None] = mapped_column(sa.String(10))
    ethnic_group: Mapped[str | None] = mapped_column(sa.String(10))
    sex: Mapped[str | None] = mapped_column(sa.String(10))
    carer: Mapped[str | None] = mapped_column(sa.String(10))


class ReachSettings(Model):
    """Which equality questions the programme asks (the age band is always asked)."""

    __tablename__ = "reach_settings"
    __table_args__ = (sa.CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    questions: Mapped[str] = mapped_column(sa.String(120), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReachRelease(Model):
    """The counts as they stood when a batch was released: all a viewer is ever shown (suppressed and rounded)."""

    __tablename__ = "reach_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    released_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answers: Mapped[int] = mapped_column(sa.Integer)  # how many had answered then (never shown as it is)
    counts: Mapped[dict[str, dict[str, int]]] = mapped_column(sa.JSON)  # question → answer → how many


def chosen_questions() -> list[str]:
    settings = db.session.get(ReachSettings, 1)
    return [q for q in (settings.questions.split(",") if settings else []) if q in QUESTIONS]


@transactional
def choose_questions(questions: list[str]) -> None:
    settings = db.session.get(ReachSettings, 1) or ReachSettings(id=1)
    settings.questions = ",".join(q for q in QUESTIONS if q in questions)
    db.session.add(settings)


@transactional
def save_answers(answers: dict[str, str | None], person: Any = None) -> bool:
    """Keep one person's answers, once: their account only says that they answered (so they are not counted twice),
    and nothing says who gave which answers or about which idea. False if they had answered already."""
    if person is not None:
        marked = db.session.execute(
            sa.update(User)
            .where(User.id == person.id, User.answered_about_you.is_(False))
            .values(answered_about_you=True)
            .execution_options(synchronize_session=False)
        )
        if not marked.rowcount:  # type: ignore[attr-defined]
            return False
    allowed = {"age_band": AGE_BANDS, **{q: QUESTIONS[q] for q in chosen_questions()}}
    kept = {name: value for name, value in answers.items() if name in allowed and value in allowed[name]}
    if kept:
        db.session.add(AboutYou(month=utcnow().strftime("%Y-%m"), **kept))
    return True


def _count_everything() -> tuple[int, dict[str, dict[str, int]]]:
    """How many answered, and every question's answers counted (all questions, asked now or not): one query."""
    everyone = sa.select(sa.literal("*").label("question"), sa.literal("*").label("answer"), sa.func.count())
    counted = sa.union_all(
        everyone.select_from(AboutYou),
        *(
            sa.select(sa.literal(name), getattr(AboutYou, name), sa.func.count())
            .where(getattr(AboutYou, name).is_not(None))
            .group_by(getattr(AboutYou, name))
            for name in ("age_band", *QUESTIONS)
        ),
    )
    counts: dict[str, dict[str, int]] = {}
    total = 0
    for question, answer, number in db.session.execute(counted):
        if question == "*":
            total = int(number)
        else:
            counts.setdefault(question, {})[answer] = int(number)
    return total, counts


def release_figures() -> ReachRelease | None:
    """Release the counts as they stand now, if at least 10 answers came in since the last release; None if not.

    The counts are read first and that reading transaction ended; the release is then written in a transaction that
    starts by writing (so on SQLite a job never has to turn a read into a write while a request writes) and is undone
    if, by then, another release left fewer than 10 new answers."""
    total, counts = _count_everything()
    finish_reading()
    try:
        return _record_release(total, counts)
    except _NotDue:
        return None


class _NotDue(Exception):
    pass


@transactional
def _record_release(total: int, counts: dict[str, dict[str, int]]) -> ReachRelease:
    release = ReachRelease(answers=total, counts=counts)
    db.session.add(release)
    db.session.flush()
    last = db.session.scalar(
        sa.select(ReachRelease.answers).where(ReachRelease.id < release.id).order_by(ReachRelease.id.desc()).limit(1)
    )
    if not release_due(total, last):
        raise _NotDue
    return release


@job(retries=2, retry_delay=600, schedule={"hour": "4", "minute": "20"})
def release_reach_figures() -> bool:
    """Each night, at a time that has nothing to do with when anyone answered: release new figures if a batch is in.
    Safe to run twice: a second run finds no new batch."""
    return release_figures() is not None


def summary() -> tuple[datetime | None, int | None, dict[str, dict[str, int | None]]]:
    """What a viewer may see: when the figures were released, how many had answered then and each question's
    answers counted (numbers under 10 hidden as None, the rest rounded to the nearest 5), all from the latest
    release, never from live counts. (None, None, {}) before the first release."""
    release = db.session.scalar(sa.select(ReachRelease).order_by(ReachRelease.id.desc()).limit(1))
    if release is None:
        return None, None, {}
    asked = ["age_band", *chosen_questions()]
    answers = {
        name: published(
            {
                answer: release.counts.get(name, {}).get(answer, 0)
                for answer in (AGE_BANDS if name == "age_band" else QUESTIONS[name])
            }
        )
        for name in asked
    }
    return release.released_at, published_total(release.answers), answers
