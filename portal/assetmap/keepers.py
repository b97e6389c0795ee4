"""Who keeps a neighbourhood's map besides its programme officers: the community builders whose patch it is (a
programme officer says who works where), and the connectors a builder names."""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import User, UserRole
from portal.assetmap.models import BuilderPatch, MapConnector, MapEntry, MapEntryChange
from portal.assetmap.services import MapRefused, is_builder_here
from portal.common import audit
from portal.common.transactions import transactional
from portal.domain.asset_map import EntryStatus
from portal.domain.roles import Role
from portal.extensions import db
from portal.programme.models import Neighbourhood


def connectors_of(neighbourhood_id: int) -> list[MapConnector]:
    return list(
        db.session.execute(
            sa.select(MapConnector)
            .where(MapConnector.neighbourhood_id == neighbourhood_id)
            .order_by(MapConnector.named_at)
        ).scalars()
    )


@transactional
def name_connector(builder: User, neighbourhood_id: int, resident: User) -> bool:
    """A builder names a resident a connector for the neighbourhood (False if they already are). Raises MapRefused:
    'not_a_keeper' for someone not building there, 'not_a_resident' for a staff account."""
    if not is_builder_here(builder, neighbourhood_id):
        raise MapRefused("not_a_keeper")
    if resident.is_staff or not resident.has_role(Role.RESIDENT):
        raise MapRefused("not_a_resident")
    if db.session.get(MapConnector, (resident.id, neighbourhood_id)) is not None:
        return False
    db.session.add(MapConnector(user_id=resident.id, neighbourhood_id=neighbourhood_id, named_by_id=builder.id))
    audit.record(
        "map_connector.named",
        actor_id=builder.id,
        object_type="neighbourhood",
        object_id=neighbourhood_id,
        connector=resident.id,
    )
    return True


@transactional
def unname_connector(builder: User, neighbourhood_id: int, resident_id: int) -> None:
    if not is_builder_here(builder, neighbourhood_id):
        raise MapRefused("not_a_keeper")
    found = db.session.get(MapConnector, (resident_id, neighbourhood_id))
    if found is not None:
        db.session.delete(found)
        audit.record(
            "map_connector.removed",
            actor_id=builder.id,
            object_type="neighbourhood",
            object_id=neighbourhood_id,
            connector=resident_id,
        )


# The builders' patches ----------------------------------------------------------------------------------------------


def builders_of(neighbourhood_id: int) -> list[User]:
    return list(
        db.session.execute(
            sa.select(User)
            .join(BuilderPatch, BuilderPatch.user_id == User.id)
            .where(BuilderPatch.neighbourhood_id == neighbourhood_id)
            .order_by(User.name)
        ).scalars()
    )


def patch_maps(user: User) -> list[tuple[Neighbourhood, int]]:
    """The neighbourhoods in a builder's patch, each with how many suggestions (new entries and changes) wait."""
    found = []
    for neighbourhood_id in patch_of(user):
        neighbourhood = db.session.get(Neighbourhood, neighbourhood_id)
        if neighbourhood is None or not neighbourhood.is_active:
            continue
        new = sa.select(sa.func.count(MapEntry.id)).where(
            MapEntry.neighbourhood_id == neighbourhood_id, MapEntry.status == EntryStatus.SUGGESTED.value
        )
        changes = (
            sa.select(sa.func.count(MapEntryChange.id))
            .join(MapEntry, MapEntry.id == MapEntryChange.entry_id)
            .where(MapEntry.neighbourhood_id == neighbourhood_id, MapEntryChange.pending.is_(True))
        )
        found.append((neighbourhood, db.session.execute(new).scalar_one() + db.session.execute(changes).scalar_one()))
    return sorted(found, key=lambda pair: pair[0].name)


def patch_of(user: User) -> list[int]:
    return list(
        db.session.execute(sa.select(BuilderPatch.neighbourhood_id).where(BuilderPatch.user_id == user.id)).scalars()
    )


def community_builders() -> list[User]:
    return list(
        db.session.execute(
            sa.select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.COMMUNITY_BUILDER.value, User.is_active_account.is_(True))
            .order_by(User.name)
        ).scalars()
    )


@transactional
def set_builders(officer: User, neighbourhood_id: int, builder_ids: list[int]) -> tuple[int, int]:
    """A programme officer says which community builders work in a neighbourhood. Returns (added, removed)."""
    builders = {builder.id for builder in community_builders()}
    wanted = set(builder_ids) & builders
    now = set(
        db.session.execute(sa.select(BuilderPatch.user_id).where(BuilderPatch.neighbourhood_id == neighbourhood_id))
        .scalars()
        .all()
    )
    for builder_id in wanted - now:
        db.session.add(BuilderPatch(user_id=builder_id, neighbourhood_id=neighbourhood_id))
    for builder_id in now - wanted:
        db.session.execute(
            sa.delete(BuilderPatch).where(
                BuilderPatch.user_id == builder_id, BuilderPatch.neighbourhood_id == neighbourhood_id
            )
        )
    added, removed = len(wanted - now), len(now - wanted)
    if added or removed:
        audit.record(
            "builder_patch.changed",
            actor_id=officer.id,
            object_type="neighbourhood",
            object_id=neighbourhood_id,
            added=added,
            removed=removed,
        )
    return added, removed
