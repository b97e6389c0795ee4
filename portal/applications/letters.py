"""Letters for residents we can reach neither by email nor by text: the decision (an award offer when it is yes) and
the payment. Each is written in the caller's unit of work when the news happens, listed for the community builder
who entered the idea and for programme officers, and drawn as a PDF (A4, the idea's language, the address in an
envelope window's place) when someone downloads it to print."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.applications.models import Application, Letter
from portal.common import audit
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.roles import Role
from portal.extensions import db


def queue_letter(application: Application, kind: str, decision_id: int | None = None) -> Letter:
    """In the caller's unit of work: a letter to print for this idea's resident."""
    letter = Letter(application_id=application.id, kind=kind, decision_id=decision_id)
    db.session.add(letter)
    db.session.flush()
    audit.record("letter.queued", object_type="letter", object_id=letter.id, kind=kind)
    return letter


def _mine(person: User) -> sa.ColumnElement[bool]:
    """Programme officers see every letter; a community builder those for ideas they entered."""
    if person.has_role(Role.PROGRAMME_OFFICER):
        return sa.true()
    return Application.assisted_by_id == person.id


def letters_for(person: User) -> list[Letter]:
    """Letters this person may print, those still to hand over first, newest first."""
    return list(
        db.session.execute(
            sa.select(Letter)
            .join(Application, Application.id == Letter.application_id)
            .where(_mine(person))
            .options(selectinload(Letter.application).selectinload(Application.pot))
            .order_by(Letter.handed_over_at.is_not(None), Letter.created_at.desc(), Letter.id.desc())
            .limit(200)
        ).scalars()
    )


def letter_for(person: User, letter_id: int, application_id: int | None = None) -> Letter | None:
    """The letter, if this person may print it (and it is for that idea, when one is named)."""
    query = (
        sa.select(Letter)
        .join(Application, Application.id == Letter.application_id)
        .where(Letter.id == letter_id, _mine(person), Application.status != "draft")
    )
    if application_id is not None:
        query = query.where(Letter.application_id == application_id)
    return db.session.execute(query).scalar_one_or_none()


@transactional
def mark_handed_over(person: User, letter_id: int) -> bool:
    """Record that the letter was posted or handed over; False if it is not this person's to print."""
    if letter_for(person, letter_id) is None:
        return False
    letter = db.session.execute(locked(sa.select(Letter).where(Letter.id == letter_id))).scalar_one()
    if letter.handed_over_at is None:
        letter.handed_over_at, letter.handed_over_by_id = utcnow(), person.id
        audit.record("letter.handed_over", actor_id=person.id, object_type="letter", object_id=letter.id)
    return True


@dataclass(frozen=True)
class LetterFacts:
    """What a letter shows, as plain values: drawn after the reading transaction has ended."""

    kind: str
    language: str
    reference: str
    name: str
    address: str
    idea_name: str
    neighbourhood: str
    builder_contact: str
    written_on: datetime
    decision_kind: str | None
    amount_pence: int | None
    reason: str
    reason_translation: str


def facts_of(letter: Letter) -> LetterFacts:
    application = letter.application
    resident = application.applicant
    decision = letter.decision
    award = application.award
    amount = decision.amount_pence if decision is not None else (award.amount_pence if award is not None else None)
    neighbourhood = application.pot.neighbourhood
    return LetterFacts(
        kind=letter.kind,
        language=application.language,
        reference=application.reference or "",
        name=application.contact_name or resident.name or "",
        address=resident.postal_address.reveal() if resident.postal_address else "",
        idea_name=application.idea_name or "",
        neighbourhood=neighbourhood.name,
        builder_contact=neighbourhood.builder_contact or "",
        written_on=letter.created_at,
        decision_kind=decision.kind if decision is not None else None,
        amount_pence=amount,
        reason=decision.reason if decision is not None else "",
        reason_translation=(decision.reason_translation or "") if decision is not None else "",
    )
