"""Background work a stopped worker left half-done, found and queued again.

A worker killed mid-job (SIGKILL, out of memory, its machine lost) leaves its file "running" for ever, and a queue
emptied meanwhile (Redis restarted: it keeps nothing on disk) loses jobs that were "queued". Each row of background
work records when a worker was last handed it or showed it was working on it (`worked_at`: the claim and every
progress point); a sweep, run by every worker as it starts and then on a timetable, queues again whatever has shown
no sign of life for STALLED_WORK_SECONDS. That is safe even for work that was only slow: each job claims its row
compare-and-set, so whichever run finishes first is the one kept, and a file is made ready exactly once. Work
queued again MAX_REQUEUES times (a file that kills its worker each time) is left for a person to look at.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.common.jobs import enqueue_after_commit
from portal.common.status import set_status_where
from portal.common.time import utcnow
from portal.common.transactions import transactional
from portal.domain.background import FileStatus
from portal.extensions import db

log = logging.getLogger(__name__)

MAX_REQUEUES = 3


def stalled_before() -> datetime:
    """Work with no sign of life since this moment is taken to be abandoned."""
    return utcnow() - timedelta(seconds=current_app.config["STALLED_WORK_SECONDS"])


def _last_sign_of_life(model: Any, since: Any) -> Any:
    return sa.func.coalesce(model.worked_at, since)


@transactional
def requeue_stalled(
    model: Any,
    job: Callable[..., Any],
    *,
    abandoned: tuple[StrEnum, StrEnum] | None,
    waiting: StrEnum,
    since: Any,
) -> list[int]:
    """Queue job(id) again for every row of model that has shown no sign of life for STALLED_WORK_SECONDS: those in
    abandoned[0] move back to abandoned[1] (compare-and-set, so a worker that finishes meanwhile wins), and those
    still `waiting` are queued again as they are. `since` is the column that dates a row no worker has touched yet.
    Returns the ids queued again."""
    cutoff, now = stalled_before(), utcnow()
    stale = [_last_sign_of_life(model, since) < cutoff, model.requeued < MAX_REQUEUES]
    statuses = [waiting.value] + ([abandoned[0].value] if abandoned else [])
    ids = list(db.session.scalars(sa.select(model.id).where(model.status.in_(statuses), *stale).order_by(model.id)))
    if not ids:
        return []
    touched = {"worked_at": now, "requeued": model.requeued + 1}
    if abandoned:
        set_status_where(model, [model.id.in_(ids), *stale], abandoned[0], abandoned[1], **touched)
    db.session.execute(
        sa.update(model)
        .where(model.id.in_(ids), model.status == waiting.value, *stale)
        .values(**touched)
        .execution_options(synchronize_session=False)
    )
    for row_id in ids:
        enqueue_after_commit(job, row_id)
    log.warning("queued again %s %s that no worker finished: %s", len(ids), model.__tablename__, ids)
    return ids


def requeue_stalled_files(model: Any, job: Callable[..., Any]) -> int:
    """requeue_stalled for a file made by a job (an export, a report): running files a worker abandoned go back to
    queued, and queued ones whose job was lost are queued again. Returns how many."""
    return len(
        requeue_stalled(
            model,
            job,
            abandoned=(FileStatus.RUNNING, FileStatus.QUEUED),
            waiting=FileStatus.QUEUED,
            since=model.requested_at,
        )
    )
