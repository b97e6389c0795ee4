"""The programme's log of changes to how institutions work that it led to: a sentence, when, the neighbourhood, and
the ideas it came from (by reference). Kept by programme officers; read by officers and viewers with the figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal.accounts.models import User
from portal.applications.models import Application
from portal.common import audit
from portal.common.transactions import transactional
from portal.domain.references import NotAReference, normalise_reference
from portal.extensions import db
from portal.insight.models import InstitutionalChange


@dataclass(frozen=True)
class UnknownReferences(Exception):
    """Some references name no sent idea."""

    references: tuple[str, ...]


def references_from(text: str) -> list[str]:
    """The idea references typed (commas or spaces between them), each in its written form, once."""
    found: list[str] = []
    for part in (text or "").replace(",", " ").split():
        try:
            reference = normalise_reference(part)
        except NotAReference:
            reference = part.upper()[:20]  # not a reference: named back as typed, as one we do not know
        if reference not in found:
            found.append(reference)
    return found


def _unknown(references: list[str]) -> tuple[str, ...]:
    if not references:
        return ()
    known = set(
        db.session.execute(sa.select(Application.reference).where(Application.reference.in_(references))).scalars()
    )
    return tuple(reference for reference in references if reference not in known)


@transactional
def log_change(
    officer: User, *, what_changed: str, happened_on: date, neighbourhood_id: int | None, references: list[str]
) -> InstitutionalChange:
    """Raises UnknownReferences when a reference names no sent idea."""
    if unknown := _unknown(references):
        raise UnknownReferences(unknown)
    change = InstitutionalChange(
        what_changed=what_changed,
        happened_on=happened_on,
        neighbourhood_id=neighbourhood_id,
        idea_references=references,
        logged_by_id=officer.id,
    )
    db.session.add(change)
    db.session.flush()
    audit.record(
        "institutional_change.logged", actor_id=officer.id, object_type="institutional_change", object_id=change.id
    )
    return change


@transactional
def remove_change(officer: User, change_id: int) -> bool:
    change = db.session.get(InstitutionalChange, change_id)
    if change is None:
        return False
    db.session.delete(change)
    audit.record(
        "institutional_change.removed", actor_id=officer.id, object_type="institutional_change", object_id=change_id
    )
    return True


def list_changes() -> list[InstitutionalChange]:
    return list(
        db.session.execute(
            sa.select(InstitutionalChange).order_by(
                InstitutionalChange.happened_on.desc(), InstitutionalChange.id.desc()
            )
        ).scalars()
    )
