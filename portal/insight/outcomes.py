"""The programme's three outcomes and their indicators, each number beside the stories, places or changes it comes
from ("every story has a number and every number has a story"):

1. People and communities better connected: groups formed around an interest (and still going at six and twelve
   months), ideas whose help came from the neighbourhood's map, introductions both residents accepted.
2. Changes initiated and sustained by local people: small sparks still going at six and twelve months, and what each
   neighbourhood's map holds — things added, things ideas made, things ideas used.
3. Changes to how institutions work: the programme's log.

Examples are only ever what the public may already read: published public stories, entries shown on the public map,
and the programme's own log. Introductions are a count and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from portal.applications.models import Application
from portal.assetmap.models import Introduction, MapEntry, MapEntryUse
from portal.domain.asset_map import EntryStatus, IntroductionStatus, Kind
from portal.domain.states import ApplicationStatus
from portal.domain.stories import PUBLIC_CONSENTS, STILL_GOING_MONTHS, StillGoing, StoryStatus, YesNoNotSure
from portal.extensions import db
from portal.insight.models import InstitutionalChange
from portal.insight.services import Filters
from portal.programme.models import Neighbourhood, Pot
from portal.stories.models import StillGoingCheck, Story

EXAMPLES = 3
SENT = [s.value for s in ApplicationStatus if s not in (ApplicationStatus.DRAFT, ApplicationStatus.EXPIRED)]


@dataclass(frozen=True)
class Going:
    """Of the sparks asked "Is it still going?" after `months`: how many answered, and said yes or that it turned
    into something else."""

    months: int
    asked: int
    answered: int
    going: int


@dataclass(frozen=True)
class Place:
    name: str
    on_the_map: int
    made_by_ideas: int
    used_by_ideas: int


@dataclass(frozen=True)
class Outcomes:
    groups_formed: int = 0
    group_stories: tuple[str, ...] = ()
    groups_going: tuple[Going, ...] = ()
    ideas_using_the_map: int = 0
    most_used: tuple[tuple[str, int], ...] = ()
    introductions_asked: int = 0
    introductions_accepted: int = 0
    sparks_going: tuple[Going, ...] = ()
    places: tuple[Place, ...] = field(default_factory=tuple)
    made_by_ideas: tuple[str, ...] = ()
    changes_logged: int = 0
    changes: tuple[str, ...] = ()


def _in_places(query: sa.Select, filters: Filters, column: Any) -> sa.Select:
    ids = filters.neighbourhood_ids or ((filters.neighbourhood_id,) if filters.neighbourhood_id else ())
    return query.where(column.in_(ids)) if ids else query


def _groups(filters: Filters) -> sa.Select:
    """Stories whose resident says a group formed, from sent ideas in the places and period."""
    query = (
        sa.select(Story.id)
        .join(Application, Application.id == Story.application_id)
        .join(Pot, Pot.id == Application.pot_id)
        .where(Story.group_formed == YesNoNotSure.YES.value, Story.status != StoryStatus.DRAFT.value)
        .where(*filters.between(Story.sent_at))
    )
    return _in_places(query, filters, Pot.neighbourhood_id)


def _going(filters: Filters, *, groups: bool) -> tuple[Going, ...]:
    found = []
    for months in STILL_GOING_MONTHS:
        query = (
            sa.select(
                sa.func.count(),
                sa.func.count(StillGoingCheck.answer),
                sa.func.count().filter(StillGoingCheck.answer.in_([StillGoing.YES.value, StillGoing.CHANGED.value])),
            )
            .select_from(StillGoingCheck)
            .join(Application, Application.id == StillGoingCheck.application_id)
            .join(Pot, Pot.id == Application.pot_id)
            .where(StillGoingCheck.months == months, *filters.between(StillGoingCheck.asked_at))
        )
        if groups:
            query = query.join(Story, Story.application_id == Application.id).where(
                Story.group_formed == YesNoNotSure.YES.value
            )
        asked, answered, going = db.session.execute(_in_places(query, filters, Pot.neighbourhood_id)).one()
        found.append(Going(months, asked, answered, going))
    return tuple(found)


def _public_stories(ids: sa.Select) -> tuple[str, ...]:
    query = (
        sa.select(Story)
        .where(Story.id.in_(ids), Story.status == StoryStatus.PUBLISHED.value)
        .where(Story.consent.in_([c.value for c in PUBLIC_CONSENTS]))
        .order_by(Story.published_at.desc())
        .limit(EXAMPLES)
    )
    return tuple(story.shown_title for story in db.session.scalars(query))


def _shown(query: sa.Select) -> sa.Select:
    """Only entries the public map shows (a person's gift only when they said so)."""
    return query.where(
        MapEntry.status == EntryStatus.PUBLISHED.value,
        sa.or_(MapEntry.kind != Kind.INDIVIDUAL.value, MapEntry.shown_publicly.is_(True)),
    )


def _map_use(filters: Filters) -> tuple[int, tuple[tuple[str, int], ...]]:
    ideas = (
        sa.select(sa.func.count(sa.distinct(MapEntryUse.application_id)))
        .join(Application, Application.id == MapEntryUse.application_id)
        .join(Pot, Pot.id == Application.pot_id)
        .where(Application.status.in_(SENT), *filters.between(Application.submitted_at))
    )
    count = db.session.execute(_in_places(ideas, filters, Pot.neighbourhood_id)).scalar_one()
    uses = sa.func.count(MapEntryUse.application_id)
    most = _shown(
        sa.select(MapEntry.name, uses)
        .join(MapEntryUse, MapEntryUse.entry_id == MapEntry.id)
        .join(Application, Application.id == MapEntryUse.application_id)
        .where(Application.status.in_(SENT), *filters.between(Application.submitted_at))
    )
    most = _in_places(most, filters, MapEntry.neighbourhood_id).group_by(MapEntry.id, MapEntry.name)
    rows = db.session.execute(most.order_by(uses.desc(), MapEntry.name).limit(EXAMPLES)).tuples()
    return count, tuple((name, n) for name, n in rows)


def _places(filters: Filters) -> tuple[Place, ...]:
    published = sa.and_(MapEntry.status == EntryStatus.PUBLISHED.value, *filters.between(MapEntry.created_at))
    used = sa.select(MapEntryUse.entry_id)
    query = (
        sa.select(
            Neighbourhood.name,
            sa.func.count(MapEntry.id).filter(published),
            sa.func.count(MapEntry.id).filter(published, MapEntry.from_application_id.is_not(None)),
            sa.func.count(MapEntry.id).filter(MapEntry.id.in_(used), *filters.between(MapEntry.created_at)),
        )
        .join(MapEntry, MapEntry.neighbourhood_id == Neighbourhood.id)
        .group_by(Neighbourhood.id, Neighbourhood.name)
        .order_by(Neighbourhood.name)
    )
    rows = db.session.execute(_in_places(query, filters, Neighbourhood.id)).tuples()
    return tuple(Place(*row) for row in rows)


def _introductions(filters: Filters) -> tuple[int, int]:
    query = sa.select(
        sa.func.count(), sa.func.count().filter(Introduction.status == IntroductionStatus.ACCEPTED.value)
    ).where(*filters.between(Introduction.created_at))
    asked, accepted = db.session.execute(_in_places(query, filters, Introduction.neighbourhood_id)).one()
    return asked, accepted


def _changes(filters: Filters) -> tuple[int, tuple[str, ...]]:
    query = sa.select(InstitutionalChange).where(*filters.days(InstitutionalChange.happened_on))
    query = _in_places(query, filters, InstitutionalChange.neighbourhood_id)
    count = db.session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    newest = query.order_by(InstitutionalChange.happened_on.desc(), InstitutionalChange.id.desc()).limit(EXAMPLES)
    return count, tuple(change.what_changed for change in db.session.scalars(newest))


def build(filters: Filters) -> Outcomes:
    groups = _groups(filters)
    used, most_used = _map_use(filters)
    asked, accepted = _introductions(filters)
    made = _in_places(_shown(sa.select(MapEntry.name)), filters, MapEntry.neighbourhood_id).where(
        MapEntry.from_application_id.is_not(None), *filters.between(MapEntry.created_at)
    )
    changes_logged, changes = _changes(filters)
    return Outcomes(
        groups_formed=db.session.execute(sa.select(sa.func.count()).select_from(groups.subquery())).scalar_one(),
        group_stories=_public_stories(groups),
        groups_going=_going(filters, groups=True),
        ideas_using_the_map=used,
        most_used=most_used,
        introductions_asked=asked,
        introductions_accepted=accepted,
        sparks_going=_going(filters, groups=False),
        places=_places(filters),
        made_by_ideas=tuple(db.session.scalars(made.order_by(MapEntry.created_at.desc()).limit(EXAMPLES))),
        changes_logged=changes_logged,
        changes=changes,
    )
