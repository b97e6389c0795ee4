"""Community builders translate what a resident wrote for a panel that reads another language, and a decision's reason
back into the resident's language. Any community builder may: a translation shows nothing the panel does not see,
and each is kept with who made it (audited)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.applications.models import Application
from portal.applications.services import WRITTEN_ANSWERS
from portal.common import audit
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.roles import Role
from portal.domain.states import ApplicationStatus
from portal.extensions import db
from portal.panels.models import Decision, IdeaTranslation

# What a panel reads of an idea: the answers written in words, but for the resident's name.
TRANSLATABLE = tuple(name for name in WRITTEN_ANSWERS if name != "contact_name")
LANGUAGES = ("en", "cy", "ar")
SENT = (
    ApplicationStatus.SUBMITTED.value,
    ApplicationStatus.IN_REVIEW.value,
    ApplicationStatus.QUESTION_ASKED.value,
    ApplicationStatus.APPROVED.value,
    ApplicationStatus.NOT_YET.value,
)


class TranslationRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _builders_only(person: User) -> None:
    if not person.has_role(Role.COMMUNITY_BUILDER):
        raise TranslationRefused("builders_only")


def ideas_to_translate(limit: int = 50) -> list[Application]:
    """Sent ideas written in Welsh or Arabic, newest first, with their translations and decisions."""
    return list(
        db.session.execute(
            sa.select(Application)
            .where(Application.status.in_(SENT), Application.language != "en")
            .options(selectinload(Application.translations), selectinload(Application.decisions))
            .order_by(Application.submitted_at.desc(), Application.id.desc())
            .limit(limit)
        ).scalars()
    )


def sent_idea(application_id: int) -> Application | None:
    return db.session.execute(
        sa.select(Application).where(Application.id == application_id, Application.status.in_(SENT))
    ).scalar_one_or_none()


def written_answers(application: Application) -> dict[str, str]:
    """What the resident wrote that a panel reads, answer by answer (empty answers left out)."""
    return {name: value for name in TRANSLATABLE if (value := getattr(application, name))}


def translation_into(application: Application, language: str) -> IdeaTranslation | None:
    return next((t for t in application.translations if t.language == language), None)


@transactional
def save_idea_translation(application_id: int, builder: User, language: str, texts: dict[str, Any]) -> None:
    """Keep (or replace) the builder's translation of a sent idea into `language`. Raises TranslationRefused:
    builders_only, not_sent, same_language (the idea is written in it), empty (nothing translated)."""
    _builders_only(builder)
    application = db.session.execute(locked(sa.select(Application).where(Application.id == application_id))).scalar()
    if application is None or application.status not in SENT:
        raise TranslationRefused("not_sent")
    if language == application.language or language not in LANGUAGES:
        raise TranslationRefused("same_language")
    answers = written_answers(application)
    kept = {name: text.strip() for name, text in texts.items() if name in answers and text and text.strip()}
    if not kept:
        raise TranslationRefused("empty")
    row = db.session.execute(
        sa.select(IdeaTranslation).where(
            IdeaTranslation.application_id == application.id, IdeaTranslation.language == language
        )
    ).scalar()
    if row is None:
        row = IdeaTranslation(application_id=application.id, language=language)
        db.session.add(row)
    row.texts, row.made_by_id, row.made_at = kept, builder.id, utcnow()
    db.session.flush()
    audit.record(
        "idea.translated", actor_id=builder.id, object_type="application", object_id=application.id, language=language
    )


def decision_to_translate(decision_id: int) -> Decision | None:
    """A decision on a sent idea written in Welsh or Arabic, whose reason can be translated back."""
    return db.session.execute(
        sa.select(Decision)
        .join(Application, Application.id == Decision.application_id)
        .where(Decision.id == decision_id, Application.language != "en", Application.status.in_(SENT))
    ).scalar_one_or_none()


@transactional
def save_reason_translation(decision_id: int, builder: User, text: str) -> None:
    """Keep the builder's translation of a decision's reason into the idea's language. Raises TranslationRefused:
    builders_only, not_found, empty."""
    _builders_only(builder)
    if decision_to_translate(decision_id) is None:
        raise TranslationRefused("not_found")
    if not text.strip():
        raise TranslationRefused("empty")
    decision = db.session.execute(locked(sa.select(Decision).where(Decision.id == decision_id))).scalar_one()
    decision.reason_translation = text.strip()
    decision.reason_translated_by_id = builder.id
    decision.reason_translated_at = utcnow()
    audit.record("decision.reason_translated", actor_id=builder.id, object_type="decision", object_id=decision.id)
