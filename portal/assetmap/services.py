"""Keeping a neighbourhood's asset map: residents suggest entries and changes; the neighbourhood's community builders
(and programme officers) add, publish, change, retire and restore them, take or decline suggestions, and undo any
change. Every change is kept: who, when, the entry before and after."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import User
from portal.assetmap.models import BuilderPatch, MapConnector, MapEntry, MapEntryChange, MapEntryUse
from portal.common import audit
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.asset_map import FIELDS, Action, EntryStatus, Kind, shown_to_the_public
from portal.domain.roles import Role
from portal.extensions import db
from portal.programme.models import Neighbourhood


class MapRefused(Exception):
    """A change the map's rules refuse: 'not_a_keeper', 'gone' (changed or removed meanwhile), 'not_suggested',
    'not_pending', 'not_undoable' (only the latest change of an entry can be undone)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class EntryWords:
    kind: Kind
    name: str
    description: str
    where_text: str
    when_available: str
    who_to_ask: str
    shown_publicly: bool
    other_languages: dict[str, dict[str, str]]
    latitude: float | None = None  # a point on the map, where given
    longitude: float | None = None


def shown_neighbourhood(slug: str) -> Neighbourhood | None:
    """A neighbourhood shown to residents, by its address."""
    return db.session.execute(
        sa.select(Neighbourhood).where(Neighbourhood.slug == slug, Neighbourhood.is_active.is_(True))
    ).scalar_one_or_none()


def may_keep_map(user: Any, neighbourhood_id: int) -> bool:
    """Programme officers keep every map; a community builder keeps the maps of the neighbourhoods in their patch,
    and a connector a builder named keeps that neighbourhood's."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.PROGRAMME_OFFICER):
        return True
    if is_builder_here(user, neighbourhood_id):
        return True
    named = sa.select(MapConnector).where(
        MapConnector.user_id == user.id, MapConnector.neighbourhood_id == neighbourhood_id
    )
    return db.session.execute(named).first() is not None


def builds_in(user: Any, slug: str) -> bool:
    """The neighbourhood at this address is shown, and this person builds there (or runs the programme)."""
    neighbourhood = shown_neighbourhood(slug)
    return neighbourhood is not None and is_builder_here(user, neighbourhood.id)


def is_builder_here(user: Any, neighbourhood_id: int) -> bool:
    """A programme officer, or a community builder whose patch this neighbourhood is: they name connectors."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.PROGRAMME_OFFICER):
        return True
    if not user.has_role(Role.COMMUNITY_BUILDER):
        return False
    patch = sa.select(BuilderPatch).where(
        BuilderPatch.user_id == user.id, BuilderPatch.neighbourhood_id == neighbourhood_id
    )
    return db.session.execute(patch).first() is not None


def is_public(entry: MapEntry) -> bool:
    return shown_to_the_public(Kind(entry.kind), EntryStatus(entry.status), entry.shown_publicly)


def may_see(user: Any, entry: MapEntry) -> bool:
    """Anyone sees a public entry; its keepers see all; a resident sees what they suggested."""
    if is_public(entry) or may_keep_map(user, entry.neighbourhood_id):
        return True
    return bool(getattr(user, "is_authenticated", False) and entry.suggested_by_id == user.id)


def entries_for(neighbourhood_id: int, *, kind: Kind | None, keeper: bool) -> list[MapEntry]:
    """The map as this reader sees it: the public entries, or (for its keepers) everything not declined, suggestions
    first. In name order within each."""
    query = sa.select(MapEntry).where(MapEntry.neighbourhood_id == neighbourhood_id)
    if kind is not None:
        query = query.where(MapEntry.kind == kind.value)
    if keeper:
        query = query.where(MapEntry.status != EntryStatus.DECLINED.value)
        order = sa.case(
            (MapEntry.status == EntryStatus.SUGGESTED.value, 0), (MapEntry.status == "published", 1), else_=2
        )
        query = query.order_by(order, MapEntry.name)
    else:
        query = query.where(
            MapEntry.status == EntryStatus.PUBLISHED.value,
            sa.or_(MapEntry.kind != Kind.INDIVIDUAL.value, MapEntry.shown_publicly.is_(True)),
        ).order_by(MapEntry.name)
    return list(db.session.execute(query).scalars())


def suggested_by(user: Any, neighbourhood_id: int) -> list[MapEntry]:
    """What this person suggested for the neighbourhood's map that a community builder has not looked at yet."""
    if not getattr(user, "is_authenticated", False):
        return []
    query = sa.select(MapEntry).where(
        MapEntry.neighbourhood_id == neighbourhood_id,
        MapEntry.suggested_by_id == user.id,
        MapEntry.status == EntryStatus.SUGGESTED.value,
    )
    return list(db.session.execute(query.order_by(MapEntry.created_at.desc())).scalars())


def usable_entries(neighbourhood_id: int) -> list[MapEntry]:
    """What an idea can say it will use: the neighbourhood's public entries that are not people's gifts (a gift is
    asked for through its builder, never picked by a stranger)."""
    return [e for e in entries_for(neighbourhood_id, kind=None, keeper=False) if e.kind != Kind.INDIVIDUAL.value]


def uses_of(application_id: int) -> list[MapEntry]:
    return list(
        db.session.execute(
            sa.select(MapEntry)
            .join(MapEntryUse, MapEntryUse.entry_id == MapEntry.id)
            .where(MapEntryUse.application_id == application_id)
            .order_by(MapEntry.name)
        ).scalars()
    )


def set_uses(application_id: int, neighbourhood_id: int, entry_ids: list[int]) -> None:
    """What the idea will use from the map (only its neighbourhood's usable entries). In the caller's transaction,
    which holds the idea's lock."""
    usable = {entry.id for entry in usable_entries(neighbourhood_id)}
    db.session.execute(sa.delete(MapEntryUse).where(MapEntryUse.application_id == application_id))
    for entry_id in sorted(set(entry_ids) & usable):
        db.session.add(MapEntryUse(application_id=application_id, entry_id=entry_id))


def get_entry(neighbourhood_id: int, entry_id: int) -> MapEntry | None:
    entry = db.session.get(MapEntry, entry_id)
    return entry if entry is not None and entry.neighbourhood_id == neighbourhood_id else None


def waiting_changes(entry: MapEntry) -> list[MapEntryChange]:
    return [change for change in entry.changes if change.pending]


# Changes a keeper made that can be put back (an entry's first change has nothing before it; a suggestion is not
# a change until a keeper takes it).
UNDOABLE = {Action.PUBLISHED, Action.CHANGED, Action.CHANGE_TAKEN, Action.DECLINED, Action.RETIRED, Action.RESTORED}


def undoable(entry: MapEntry) -> MapEntryChange | None:
    """The entry's latest change a keeper made, if it can be undone: none once that change is undone or is one that
    cannot be (an entry's first), so "Undo" is only ever offered when it will work."""
    made = [c for c in entry.changes if not c.pending and Action(c.action) is not Action.CHANGE_SUGGESTED]
    made = [c for c in made if Action(c.action) is not Action.CHANGE_DECLINED]
    if not made:
        return None
    latest = made[-1]
    if latest.undone_at is not None or Action(latest.action) not in UNDOABLE or not latest.before:
        return None
    return latest


def _fields(entry: MapEntry) -> dict[str, Any]:
    return {**{name: getattr(entry, name) for name in FIELDS}, "other_languages": dict(entry.other_languages or {})}


def _apply(entry: MapEntry, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.updated_at = utcnow()


def _words(words: EntryWords) -> dict[str, Any]:
    fields = asdict(words)
    fields["kind"] = words.kind.value
    return fields


def _record(entry: MapEntry, user: User, action: Action, before: dict[str, Any], *, pending: bool = False) -> None:
    after = _fields(entry) if not pending else before
    entry.changes.append(
        MapEntryChange(changed_by_id=user.id, action=action.value, before=before, after=after, pending=pending)
    )
    db.session.flush()
    audit.record(f"map_entry.{action.value}", actor_id=user.id, object_type="map_entry", object_id=entry.id)


def _locked_entry(neighbourhood_id: int, entry_id: int) -> MapEntry:
    entry = db.session.execute(
        locked(sa.select(MapEntry).where(MapEntry.id == entry_id, MapEntry.neighbourhood_id == neighbourhood_id))
    ).scalar()
    if entry is None:
        raise MapRefused("gone")
    return entry


def _keeper(user: User, neighbourhood_id: int) -> None:
    if not may_keep_map(user, neighbourhood_id):
        raise MapRefused("not_a_keeper")


# Ideas are read by table name: the map stands below the ideas that use it, and never imports them.
_IDEAS = sa.table("applications", sa.column("id"), sa.column("applicant_id"), sa.column("pot_id"), sa.column("status"))
_POTS = sa.table("pots", sa.column("id"), sa.column("neighbourhood_id"))
_AWARDS = sa.table("awards", sa.column("application_id"), sa.column("status"))


def made_by_their_idea(user: Any, neighbourhood_id: int, application_id: int | None) -> int | None:
    """The idea, if it is this resident's paid idea in this neighbourhood (what it made may be added from its story)."""
    if application_id is None or not getattr(user, "is_authenticated", False):
        return None
    found = db.session.execute(
        sa.select(_IDEAS.c.id)
        .join(_POTS, _POTS.c.id == _IDEAS.c.pot_id)
        .join(_AWARDS, _AWARDS.c.application_id == _IDEAS.c.id)
        .where(
            _IDEAS.c.id == application_id,
            _IDEAS.c.applicant_id == user.id,
            _POTS.c.neighbourhood_id == neighbourhood_id,
            _AWARDS.c.status == "paid",
        )
    ).scalar()
    return int(found) if found is not None else None


@transactional
def add_entry(user: User, neighbourhood_id: int, words: EntryWords, from_application_id: int | None = None) -> MapEntry:
    """A keeper's entry is published at once; a resident's waits as a suggestion for a keeper. `from_application_id`
    names the resident's paid idea that made it (checked by the caller with made_by_their_idea)."""
    keeper = may_keep_map(user, neighbourhood_id)
    entry = MapEntry(
        neighbourhood_id=neighbourhood_id,
        from_application_id=from_application_id,
        status=(EntryStatus.PUBLISHED if keeper else EntryStatus.SUGGESTED).value,
        suggested_by_id=None if keeper else user.id,
        **_words(words),
    )
    db.session.add(entry)
    db.session.flush()
    _record(entry, user, Action.ADDED if keeper else Action.SUGGESTED, {})
    return entry


@transactional
def change_entry(user: User, neighbourhood_id: int, entry_id: int, words: EntryWords) -> bool:
    """A keeper's change applies at once (True); a resident's waits as a suggested change (False)."""
    entry = _locked_entry(neighbourhood_id, entry_id)
    before = _fields(entry)
    if may_keep_map(user, neighbourhood_id):
        _apply(entry, _words(words))
        _record(entry, user, Action.CHANGED, before)
        return True
    # A resident's form has no Welsh or Arabic fields: their change keeps those versions, and who may see it.
    proposed = {
        **before,
        **_words(words),
        "status": entry.status,
        "shown_publicly": entry.shown_publicly,
        "other_languages": before["other_languages"],
    }
    entry.changes.append(
        MapEntryChange(
            changed_by_id=user.id, action=Action.CHANGE_SUGGESTED.value, before=before, after=proposed, pending=True
        )
    )
    db.session.flush()
    audit.record("map_entry.change_suggested", actor_id=user.id, object_type="map_entry", object_id=entry.id)
    return False


_MOVES = {
    Action.PUBLISHED: ((EntryStatus.SUGGESTED,), EntryStatus.PUBLISHED),
    Action.DECLINED: ((EntryStatus.SUGGESTED,), EntryStatus.DECLINED),
    Action.RETIRED: ((EntryStatus.PUBLISHED,), EntryStatus.RETIRED),
    Action.RESTORED: ((EntryStatus.RETIRED,), EntryStatus.PUBLISHED),
}


@transactional
def move_entry(user: User, neighbourhood_id: int, entry_id: int, action: Action) -> MapEntry:
    """Publish or decline a suggestion; retire or restore a published entry. Raises MapRefused."""
    _keeper(user, neighbourhood_id)
    entry = _locked_entry(neighbourhood_id, entry_id)
    allowed, target = _MOVES[action]
    if EntryStatus(entry.status) not in allowed:
        raise MapRefused("gone")
    before = _fields(entry)
    _apply(entry, {"status": target.value})
    _record(entry, user, action, before)
    return entry


@transactional
def settle_suggested_change(user: User, neighbourhood_id: int, change_id: int, *, take: bool) -> MapEntry:
    """Take a resident's suggested change (the entry becomes what they proposed) or decline it. The suggestion stays
    in the history as they made it; the keeper's answer is a change of its own (who, when)."""
    _keeper(user, neighbourhood_id)
    change = db.session.get(MapEntryChange, change_id)
    if change is None or not change.pending:
        raise MapRefused("not_pending")
    entry = _locked_entry(neighbourhood_id, change.entry_id)
    change.pending = False
    before = _fields(entry)
    if take:
        _apply(
            entry, {name: value for name, value in change.after.items() if name in FIELDS or name == "other_languages"}
        )
    _record(entry, user, Action.CHANGE_TAKEN if take else Action.CHANGE_DECLINED, before)
    return entry


@transactional
def undo_change(user: User, neighbourhood_id: int, change_id: int) -> MapEntry:
    """Put an entry back as it was before its latest change. Raises MapRefused('not_undoable') for any other."""
    _keeper(user, neighbourhood_id)
    change = db.session.get(MapEntryChange, change_id)
    if change is None:
        raise MapRefused("not_undoable")
    entry = _locked_entry(neighbourhood_id, change.entry_id)
    if undoable(entry) is not change or not change.before:
        raise MapRefused("not_undoable")
    before = _fields(entry)
    _apply(entry, change.before)
    change.undone_at = utcnow()
    _record(entry, user, Action.UNDONE, before)
    return entry
