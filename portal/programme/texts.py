"""The short lists the programme writes for residents (portal/programme/models.py: ProgrammeText): other help shown
when a small spark is not for someone, and the reasons a panel may give for "not yet". Kept by programme officers;
shown in the reader's language (English, marked so, where there is no version)."""

from __future__ import annotations

import sqlalchemy as sa

from portal.common import audit
from portal.common.transactions import locked, transactional
from portal.extensions import db
from portal.programme.models import ProgrammeText, TextKind

MOST_OF_A_KIND = 10


def texts_of(kind: TextKind) -> list[ProgrammeText]:
    return list(
        db.session.execute(
            sa.select(ProgrammeText)
            .where(ProgrammeText.kind == kind.value)
            .order_by(ProgrammeText.id)
            .limit(MOST_OF_A_KIND)
        ).scalars()
    )


def other_help() -> list[ProgrammeText]:
    return texts_of(TextKind.OTHER_HELP)


def get_text(kind: TextKind, text_id: int) -> ProgrammeText | None:
    text = db.session.get(ProgrammeText, text_id)
    return text if text is not None and text.kind == kind.value else None


def room_for_more(kind: TextKind) -> bool:
    count = sa.select(sa.func.count(ProgrammeText.id)).where(ProgrammeText.kind == kind.value)
    return db.session.execute(count).scalar_one() < MOST_OF_A_KIND


@transactional
def save_text(
    actor_id: int,
    kind: TextKind,
    text_id: int | None,
    *,
    title: str,
    text: str,
    url: str,
    other_languages: dict[str, dict[str, str]],
) -> ProgrammeText:
    """Add one (text_id None) or change one."""
    if text_id is None:
        item = ProgrammeText(kind=kind.value)
        db.session.add(item)
    else:
        item = db.session.execute(
            locked(sa.select(ProgrammeText).where(ProgrammeText.id == text_id, ProgrammeText.kind == kind.value))
        ).scalar_one()
    item.title, item.text, item.url, item.other_languages = title, text, url, other_languages
    db.session.flush()
    audit.record(
        f"{kind.value}.added" if text_id is None else f"{kind.value}.changed",
        actor_id=actor_id,
        object_type=kind.value,
        object_id=item.id,
    )
    return item


@transactional
def remove_text(actor_id: int, kind: TextKind, text_id: int) -> str | None:
    """Remove it; its title, to say what was removed (None if it was already gone)."""
    item = db.session.execute(
        locked(sa.select(ProgrammeText).where(ProgrammeText.id == text_id, ProgrammeText.kind == kind.value))
    ).scalar()
    if item is None:
        return None
    title = item.title
    db.session.delete(item)
    audit.record(f"{kind.value}.removed", actor_id=actor_id, object_type=kind.value, object_id=text_id)
    return title
