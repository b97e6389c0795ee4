"""A community builder's patch: every idea in one of their neighbourhoods by stage, including drafts that stalled
(nobody has changed them for STALLED_AFTER) and "not yet" ideas that could come back (nobody has tried again yet),
so the builder knows whom to go and see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from portal.applications.models import Application
from portal.common.time import utcnow
from portal.domain.states import ApplicationStatus as S
from portal.extensions import db
from portal.programme.models import Pot

STALLED_AFTER = timedelta(days=14)
SHOWN_A_STAGE = 50  # the newest of each stage; the count says how many more

WITH_THE_PANEL = (S.SUBMITTED.value, S.IN_REVIEW.value, S.QUESTION_ASKED.value)
ENDED = (S.WITHDRAWN.value, S.EXPIRED.value)


@dataclass
class Stage:
    slug: str  # stalled, writing, with_panel, could_come_back, funded, ended
    count: int = 0
    ideas: list[Application] = field(default_factory=list)


def _in_place(neighbourhood_id: int) -> sa.Select[tuple[Application]]:
    return (
        sa.select(Application)
        .join(Pot, Pot.id == Application.pot_id)
        .where(Pot.neighbourhood_id == neighbourhood_id)
        .options(selectinload(Application.applicant))
    )


def _tried_again() -> sa.Exists:
    copy = aliased(Application)
    return sa.exists().where(copy.copied_from_id == Application.id)


def _stage_filters() -> dict[str, sa.ColumnElement[bool]]:
    stalled_before = utcnow() - STALLED_AFTER
    return {
        "stalled": sa.and_(Application.status == S.DRAFT.value, Application.updated_at < stalled_before),
        "writing": sa.and_(Application.status == S.DRAFT.value, Application.updated_at >= stalled_before),
        "with_panel": Application.status.in_(WITH_THE_PANEL),
        "could_come_back": sa.and_(Application.status == S.NOT_YET.value, ~_tried_again()),
        "funded": Application.status == S.APPROVED.value,
        "ended": sa.or_(Application.status.in_(ENDED), sa.and_(Application.status == S.NOT_YET.value, _tried_again())),
    }


def ideas_in_patch(neighbourhood_id: int) -> list[Stage]:
    """Each stage with how many ideas are in it and the newest SHOWN_A_STAGE of them (ended ones only counted)."""
    stages = []
    for slug, where in _stage_filters().items():
        query = _in_place(neighbourhood_id).where(where)
        count = db.session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
        stage = Stage(slug, count)
        if count and slug != "ended":
            newest = query.order_by(Application.updated_at.desc(), Application.id.desc()).limit(SHOWN_A_STAGE)
            stage.ideas = list(db.session.execute(newest).scalars())
        stages.append(stage)
    return stages
