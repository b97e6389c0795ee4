"""Other help the programme points people to when a small spark is not for them: kept by programme officers, shown
on the eligibility check's exit page in the reader's language (English, marked so, where there is no version)."""

from __future__ import annotations

import sqlalchemy as sa

from portal.common import audit
from portal.common.transactions import locked, transactional
from portal.extensions import db
from portal.programme.models import OtherHelp

MOST_OTHER_HELP = 10


def other_help() -> list[OtherHelp]:
    return list(db.session.execute(sa.select(OtherHelp).order_by(OtherHelp.id).limit(MOST_OTHER_HELP)).scalars())


def get_other_help(help_id: int) -> OtherHelp | None:
    return db.session.get(OtherHelp, help_id)


def room_for_more() -> bool:
    return db.session.execute(sa.select(sa.func.count(OtherHelp.id))).scalar_one() < MOST_OTHER_HELP


@transactional
def save_other_help(
    actor_id: int,
    help_id: int | None,
    *,
    title: str,
    text: str,
    url: str,
    other_languages: dict[str, dict[str, str]],
) -> OtherHelp:
    """Add a piece of other help (help_id None) or change one."""
    if help_id is None:
        item = OtherHelp()
        db.session.add(item)
    else:
        item = db.session.execute(locked(sa.select(OtherHelp).where(OtherHelp.id == help_id))).scalar_one()
    item.title, item.text, item.url, item.other_languages = title, text, url, other_languages
    db.session.flush()
    audit.record(
        "other_help.added" if help_id is None else "other_help.changed",
        actor_id=actor_id,
        object_type="other_help",
        object_id=item.id,
    )
    return item


@transactional
def remove_other_help(actor_id: int, help_id: int) -> str | None:
    """Remove it; its title, to say what was removed (None if it was already gone)."""
    item = db.session.execute(locked(sa.select(OtherHelp).where(OtherHelp.id == help_id))).scalar()
    if item is None:
        return None
    title = item.title
    db.session.delete(item)
    audit.record("other_help.removed", actor_id=actor_id, object_type="other_help", object_id=help_id)
    return title
