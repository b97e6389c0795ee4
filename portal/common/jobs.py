"""Background jobs through Huey: Redis in production, a SQLite file for `make run`, run at once in tests.

A job is a plain function marked with @job and named by its dotted path; features define their own. Jobs are queued
only after the database commits (`enqueue_after_commit`), retried with a growing delay, and must be safe to run twice.
A job that fails on its last try is written to `failed_jobs` (`flask jobs failures` lists them).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy.orm import Mapped, mapped_column

from portal.common.time import UTCDateTime, utcnow
from portal.common.transactions import after_commit, transactional
from portal.extensions import Model, db

log = logging.getLogger(__name__)

QUEUE_NAME = "small-sparks"


class FailedJob(Model):
    """A job that failed on its last try, with the reason; arguments are ids, never personal data."""

    __tablename__ = "failed_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(120), index=True)
    arguments: Mapped[str] = mapped_column(sa.Text, default="[]")
    attempts: Mapped[int] = mapped_column(sa.Integer)
    error: Mapped[str] = mapped_column(sa.Text)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable[..., Any]
    retries: int
    retry_delay: int
    retry_backoff: float
    schedule: Callable[[datetime], bool] | None
    at_start: bool = False


REGISTRY: dict[str, JobSpec] = {}


def job(
    *,
    retries: int = 5,
    retry_delay: int = 10,
    retry_backoff: float = 3.0,
    schedule: dict[str, str] | None = None,
    at_start: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a function as a background job: retried `retries` times, first after retry_delay seconds, then each
    wait retry_backoff times the last. `schedule` (crontab fields such as {"hour": "3", "minute": "15"}) makes it
    run on a timetable (in UTC); `at_start` also queues it whenever a worker starts (a job taking argument-less,
    such as a sweep for work a stopped worker left half-done)."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        name = f"{func.__module__}.{func.__name__}"
        REGISTRY[name] = JobSpec(
            name, func, retries, retry_delay, retry_backoff, crontab(**schedule) if schedule else None, at_start
        )
        func.job_name = name  # type: ignore[attr-defined]
        return func

    return decorator


def _make_huey(config: dict[str, Any], instance_path: str) -> Huey:
    backend = config.get("JOBS_BACKEND") or ("redis" if config.get("REDIS_URL") else "sqlite")
    name = config.get("JOBS_QUEUE_NAME", QUEUE_NAME)
    common = {"results": False, "utc": True}
    if backend == "immediate":
        return MemoryHuey(name, immediate=True, **common)
    if backend == "redis":
        return RedisHuey(name, url=config["REDIS_URL"], **common)
    if backend == "sqlite":
        path = config.get("JOBS_SQLITE_PATH") or str(Path(instance_path) / "jobs.db")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=path, **common)
    raise RuntimeError(f"JOBS_BACKEND must be immediate, sqlite or redis, not {backend!r}")


class Jobs:
    """The app's queue: one Huey instance with every registered job bound to this app."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.huey = _make_huey(app.config, app.instance_path)
        self.tasks: dict[str, Any] = {}
        for spec in REGISTRY.values():
            self.tasks[spec.name] = self._register(spec)

    def _register(self, spec: JobSpec) -> Any:
        app = self.app

        def run(*args: Any, task: Any = None) -> Any:
            with _context_of(app):
                try:
                    return spec.func(*args)
                except Exception as error:
                    if task is None or task.retries == 0:
                        _record_failure(spec, args, error)
                    raise

        run.__module__ = spec.func.__module__  # the queue names the job by its own module and function
        options = {
            "retries": spec.retries,
            "retry_delay": spec.retry_delay,
            "retry_backoff": spec.retry_backoff,
            "context": True,
            "name": spec.func.__name__,
        }
        if spec.schedule is not None:
            return self.huey.periodic_task(spec.schedule, **options)(run)
        return self.huey.task(**options)(run)

    def enqueue(self, name: str, *args: Any) -> None:
        """Queue a job now. Prefer enqueue_after_commit: a job must never see data that may yet be rolled back."""
        self.tasks[name](*args)

    def queue_start_jobs(self) -> list[str]:
        """Queue every job marked at_start (a worker calls this as it starts); returns their names."""
        names = [spec.name for spec in REGISTRY.values() if spec.at_start]
        for name in names:
            self.enqueue(name)
        return names

    def worker(self, workers: int = 2, periodic: bool = True) -> Any:
        # Poll an idle SQLite queue at least every second (Redis wakes the worker at once), so mail is not late.
        return self.huey.create_consumer(workers=workers, worker_type="thread", periodic=periodic, max_delay=1.0)


def _context_of(app: Flask) -> AbstractContextManager[Any]:
    # Run at once (tests, a request), a job shares the caller's app context; in a worker it gets its own.
    if has_app_context() and current_app._get_current_object() is app:  # type: ignore[attr-defined]
        return nullcontext()
    return app.app_context()


_EMAIL = re.compile(r"[^\s<>@'\"]+@[^\s<>@'\"]+")
_PHONE = re.compile(r"\+?\d[\d ()-]{7,}\d")  # a phone number, however it is spaced


def describe(error: BaseException) -> str:
    """An error's kind and message, with any email address or phone number taken out, short enough to list."""
    text = _EMAIL.sub("[email address]", f"{type(error).__name__}: {error}")
    return _PHONE.sub(_phone_taken_out, text)[:500]


def _phone_taken_out(found: re.Match[str]) -> str:
    # At least 9 numbers: a date (2026-12-02) or a port is not a phone number.
    return "[phone number]" if sum(c.isdigit() for c in found.group()) >= 9 else found.group()


def _record_failure(spec: JobSpec, args: tuple[Any, ...], error: BaseException) -> None:
    log.error("job %s failed after %s tries: %s", spec.name, spec.retries + 1, type(error).__name__)
    try:
        db.session.rollback()
        db.session.add(
            FailedJob(
                job=spec.name,
                arguments=json.dumps(list(args), default=str),
                attempts=spec.retries + 1,
                error=describe(error),
            )
        )
        db.session.commit()
    except Exception:  # the database itself may be what failed; the log line above still tells
        log.exception("could not record the failure of job %s", spec.name)
        db.session.rollback()


def jobs() -> Jobs:
    return current_app.extensions["jobs"]  # type: ignore[no-any-return]


def enqueue_after_commit(func: Callable[..., Any], *args: Any) -> None:
    """Queue func(*args) as a job once the current unit of work commits; nothing is queued if it rolls back."""
    name = func.job_name  # type: ignore[attr-defined]
    queue = jobs()
    after_commit(lambda: queue.enqueue(name, *args))


def init_jobs(app: Flask) -> None:
    """Each module with jobs registers them (@job) when imported; the app shell (portal/web.py) imports every such
    module before calling this, so a worker process knows every job. Common imports no feature."""
    app.extensions["jobs"] = Jobs(app)


def list_failures(limit: int = 50) -> list[FailedJob]:
    return list(db.session.execute(sa.select(FailedJob).order_by(FailedJob.id.desc()).limit(limit)).scalars())


@transactional
def forget_failure(failure_id: int) -> None:
    db.session.execute(sa.delete(FailedJob).where(FailedJob.id == failure_id))
