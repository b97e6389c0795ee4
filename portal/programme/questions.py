"""A pot's own questions (portal/programme/models.py: PotQuestion), kept by programme officers: at most three a pot,
each added, changed or removed. A question an idea has answered is never changed in place: a change retires it and
adds the next version at the same place, and a removal retires it, so every idea keeps the wording it answered."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.common import audit
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.pot_questions import MOST_QUESTIONS, QuestionKind
from portal.extensions import db
from portal.programme.models import Pot, PotQuestion, QuestionAnswer


class QuestionRefused(Exception):
    """A change to a pot's questions that its rules refuse: 'full' (it has MOST_QUESTIONS already)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class QuestionWords:
    """What a programme officer wrote for one question."""

    kind: QuestionKind
    wording: str
    hint: str
    choices: str
    optional: bool
    other_languages: dict[str, dict[str, str]]


@dataclass(frozen=True)
class SavedQuestion:
    question: PotQuestion
    new_version: bool  # ideas had answered the one it replaces


def questions_of(pot_id: int) -> list[PotQuestion]:
    """The pot's questions as they stand now, in order."""
    return list(
        db.session.execute(
            sa.select(PotQuestion)
            .where(PotQuestion.pot_id == pot_id, PotQuestion.retired_at.is_(None))
            .order_by(PotQuestion.position, PotQuestion.id)
        ).scalars()
    )


def get_question(pot_id: int, question_id: int) -> PotQuestion | None:
    """One of the pot's questions as it stands now; None for another pot's, or one since changed or removed."""
    question = db.session.get(PotQuestion, question_id)
    if question is None or question.pot_id != pot_id or question.retired_at is not None:
        return None
    return question


def room_for_more(pot_id: int) -> bool:
    return len(questions_of(pot_id)) < MOST_QUESTIONS


def answer_count(question_id: int) -> int:
    """How many ideas have answered this version of the question."""
    count = sa.select(sa.func.count(QuestionAnswer.id)).where(QuestionAnswer.question_id == question_id)
    return db.session.execute(count).scalar_one()


def _lock_pot(pot_id: int) -> None:
    """Two officers adding a question at once take turns, so a pot never has more than MOST_QUESTIONS."""
    db.session.execute(locked(sa.select(Pot.id).where(Pot.id == pot_id))).scalar_one()


def _write(question: PotQuestion, words: QuestionWords) -> None:
    question.kind = words.kind.value
    question.wording = words.wording
    question.hint = words.hint
    question.choices = words.choices if words.kind is QuestionKind.CHOICE else ""
    question.optional = words.optional
    question.other_languages = words.other_languages


@transactional
def add_question(actor_id: int, pot_id: int, words: QuestionWords) -> PotQuestion:
    """Add a question at the end of the pot's list. Raises QuestionRefused('full')."""
    _lock_pot(pot_id)
    current = questions_of(pot_id)
    if len(current) >= MOST_QUESTIONS:
        raise QuestionRefused("full")
    question = PotQuestion(pot_id=pot_id, position=max((q.position for q in current), default=0) + 1, version=1)
    _write(question, words)
    db.session.add(question)
    db.session.flush()
    audit.record("pot_question.added", actor_id=actor_id, object_type="pot", object_id=pot_id, question=question.id)
    return question


@transactional
def change_question(actor_id: int, pot_id: int, question_id: int, words: QuestionWords) -> SavedQuestion | None:
    """Change a question: in place while no idea has answered it, else as its next version (the old one retired, kept
    for the ideas that answered it). None when it was changed or removed meanwhile."""
    _lock_pot(pot_id)
    question = get_question(pot_id, question_id)
    if question is None:
        return None
    new_version = answer_count(question.id) > 0
    if new_version:
        question.retired_at = utcnow()
        question = PotQuestion(pot_id=pot_id, position=question.position, version=question.version + 1)
        db.session.add(question)
    _write(question, words)
    db.session.flush()
    audit.record(
        "pot_question.new_version" if new_version else "pot_question.changed",
        actor_id=actor_id,
        object_type="pot",
        object_id=pot_id,
        question=question.id,
    )
    return SavedQuestion(question, new_version)


@transactional
def remove_question(actor_id: int, pot_id: int, question_id: int) -> str | None:
    """Take a question off the pot: deleted while unanswered, else retired (kept for the ideas that answered it).
    Its wording, to say what was removed (None if it was already gone)."""
    _lock_pot(pot_id)
    question = get_question(pot_id, question_id)
    if question is None:
        return None
    wording = question.wording
    if answer_count(question.id):
        question.retired_at = utcnow()
    else:
        db.session.delete(question)
    audit.record("pot_question.removed", actor_id=actor_id, object_type="pot", object_id=pot_id, question=question_id)
    return wording
