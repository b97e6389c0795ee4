"""Fault drills (R5): a job worker killed with SIGKILL in the middle of a payment-run export, a commissioner report
and a photo's processing, on PostgreSQL and Redis, as production runs them.

Each drill queues the job with no worker running, locks a table the job reads, starts a worker and waits until it
is stuck on that lock in the middle of the job (the export and the report already claimed), and kills it. While it
is dead nothing half-made can be seen or downloaded. Then a new worker starts: it looks for stalled work as it
starts (common/stalled.py), and the job is made exactly once, the export identical to one made without a fault.
Fails, never skips, without PostgreSQL or Redis.
"""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from portal.common.jobs import FailedJob
from portal.common.transactions import finish_reading
from portal.domain.background import FileStatus
from portal.domain.roles import Role
from portal.domain.stories import PhotoStatus
from portal.extensions import db
from portal.insight import reports
from portal.insight.models import Report
from portal.payments import exports
from portal.payments.models import ExportKind, PaymentExport
from portal.stories import photo_services
from portal.stories.models import StoryPhoto
from tests.conftest import IsolatedRequestsClient, fresh_postgres_database, login_as, make_test_app, migrate_to_head
from tests.factories import make_staff
from tests.integration.common.test_jobs import REDIS_URL, redis_or_fail, wait_for, worker
from tests.integration.insight.helpers import SHAREABLE, published_story
from tests.integration.payments.helpers import authorised_run
from tests.integration.stories.helpers import paid_award, photo_bytes

STALLED_SECONDS = 2


@contextmanager
def drill_portal(tmp_path: Path) -> Iterator[tuple[Flask, dict[str, str]]]:
    """The portal on a fresh PostgreSQL database, queueing jobs in Redis for worker processes; yields the app (in
    an app context) and the settings a worker needs."""
    redis_or_fail()
    queue = f"sparks-drill-{uuid.uuid4().hex[:8]}"
    with fresh_postgres_database("sparks_drill") as url:
        settings = {
            "JOBS_BACKEND": "redis",
            "REDIS_URL": REDIS_URL,
            "JOBS_QUEUE_NAME": queue,
            "STALLED_WORK_SECONDS": str(STALLED_SECONDS),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
        app = make_test_app(url, **{**settings, "STALLED_WORK_SECONDS": STALLED_SECONDS})
        app.test_client_class = IsolatedRequestsClient
        migrate_to_head(app)
        try:
            with app.app_context():
                yield app, {"DATABASE_URL": url, "MAIL_BACKEND": "outbox", **settings}
        finally:
            redis.Redis.from_url(REDIS_URL).delete(
                *[f"huey.{kind}.{queue.replace('-', '')}" for kind in ("redis", "schedule", "results", "counters")]
            )
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@contextmanager
def table_locked(table: str) -> Iterator[sa.Connection]:
    """Hold ACCESS EXCLUSIVE on table from another connection: anything reading it waits until the block ends."""
    engine = sa.create_engine(db.engine.url)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE'))
            yield connection
            connection.rollback()
    finally:
        engine.dispose()


def waiting_on_a_lock() -> int:
    """Connections waiting for a lock now. Asked in a transaction of its own each time: within one transaction,
    PostgreSQL answers pg_stat_activity from the snapshot it took first."""
    finish_reading()
    count = db.session.execute(
        sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
    ).scalar_one()
    finish_reading()
    return int(count)


def kill_mid_job(settings: dict[str, str], log: Path, table: str, queued_work: int = 1) -> None:
    """Start a worker, let it take the queued job and get stuck reading `table`, and SIGKILL it there. This worker
    sweeps for stalled work only after ten minutes, so the job it dies in is the one that was queued."""
    patient = {**settings, "STALLED_WORK_SECONDS": "600"}
    with table_locked(table), worker(patient, log) as first:
        wait_for(lambda: waiting_on_a_lock() >= queued_work, 60, f"the worker to be stuck reading {table}")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL
    # Its connection closes with it: nothing it began is left open in the database.
    wait_for(lambda: not still_connected(), 10, "the killed worker's connection to close")


def still_connected() -> bool:
    finish_reading()
    count = db.session.execute(
        sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"
        )
    ).scalar_one()
    finish_reading()
    return bool(count)


def status_of(model, row_id: int) -> tuple[str, int]:
    db.session.expire_all()
    row = db.session.get(model, row_id)
    finish_reading()
    return row.status, row.requeued


def quiet_for_longer_than_the_sweep_waits() -> None:
    time.sleep(STALLED_SECONDS + 0.5)


def failures() -> list[str]:
    names = list(db.session.scalars(sa.select(FailedJob.job)))
    finish_reading()
    return names


@pytest.mark.postgres
def test_an_export_whose_worker_is_killed_mid_way_is_made_once_and_matches_an_uninterrupted_one(tmp_path):
    with drill_portal(tmp_path) as (app, settings):
        run, _, officer_a, officer_b = authorised_run(3)
        export_id = exports.request_export(run.id, officer_a, ExportKind.SCHEDULE).id  # queued; no worker yet
        kill_mid_job(settings, tmp_path / "first.log", "payments")
        assert status_of(PaymentExport, export_id) == (FileStatus.RUNNING.value, 0)  # claimed, then abandoned
        # Nothing half-made is offered: the download answers that the file is not ready, with no file.
        client = app.test_client()
        login_as(client, officer_a)
        download = client.get(f"/finance/runs/{run.id}/exports/{export_id}/download")
        assert download.status_code == 302 and not download.data.startswith(b"%PDF")
        assert download.location.endswith(f"/finance/runs/{run.id}/exports/{export_id}")  # "being made", not sign-in
        quiet_for_longer_than_the_sweep_waits()
        with worker(settings, tmp_path / "second.log"):
            wait_for(lambda: status_of(PaymentExport, export_id)[0] == "ready", 60, "the export to be made again")
            uninterrupted_id = exports.request_export(run.id, officer_b, ExportKind.SCHEDULE).id
            wait_for(lambda: status_of(PaymentExport, uninterrupted_id)[0] == "ready", 60, "a second export")
        made, uninterrupted = db.session.get(PaymentExport, export_id), db.session.get(PaymentExport, uninterrupted_id)
        assert made.requeued == 1 and uninterrupted.requeued == 0
        assert made.content_sha256 == uninterrupted.content_sha256 and made.content == uninterrupted.content
        finish_reading()
        login_as(client, officer_a)
        downloaded = client.get(f"/finance/runs/{run.id}/exports/{export_id}/download")
        assert downloaded.data == made.content, (downloaded.status_code, downloaded.get_data(as_text=True)[-3000:])
        assert failures() == []
        assert exports.recover_stalled_exports() == 0  # nothing left to do: made once


@pytest.mark.postgres
def test_a_report_whose_worker_is_killed_mid_way_is_made_once(tmp_path):
    with drill_portal(tmp_path) as (app, settings):
        published_story(photos=0)
        viewer, _ = make_staff(Role.VIEWER)
        report_id = reports.request_report(
            viewer, period="all", starts_on=None, ends_on=None, neighbourhood_ids=[], language="en"
        ).id
        kill_mid_job(settings, tmp_path / "first.log", "stories")
        assert status_of(Report, report_id) == (FileStatus.RUNNING.value, 0)
        client = app.test_client()
        login_as(client, viewer)
        download = client.get(f"/insight/reports/{report_id}/download")
        assert download.status_code == 302 and not download.data.startswith(b"%PDF")
        assert download.location.endswith(f"/insight/reports/{report_id}")  # its "being made" page, not sign-in
        quiet_for_longer_than_the_sweep_waits()
        with worker(settings, tmp_path / "second.log"):
            wait_for(lambda: status_of(Report, report_id)[0] == "ready", 60, "the report to be made again")
        assert status_of(Report, report_id) == (FileStatus.READY.value, 1)
        login_as(client, viewer)
        finished = client.get(f"/insight/reports/{report_id}/download")
        assert finished.status_code == 200 and finished.data.startswith(b"%PDF")
        assert failures() == []
        assert reports.recover_stalled_reports() == 0


@pytest.mark.postgres
def test_a_photo_whose_worker_is_killed_mid_way_is_processed_once(tmp_path):
    with drill_portal(tmp_path) as (app, settings):
        case = paid_award()
        finish_reading()
        photo = photo_services.add_photo(case.application.id, case.resident, photo_bytes(), SHAREABLE)
        kill_mid_job(settings, tmp_path / "first.log", "story_photos")
        assert status_of(StoryPhoto, photo.id) == (PhotoStatus.PROCESSING.value, 0)
        client = app.test_client()
        for size in ("large", "small"):  # no half-made version is ever served
            assert client.get(f"/story-photos/{photo.id}/{size}").status_code == 404
        quiet_for_longer_than_the_sweep_waits()
        with worker(settings, tmp_path / "second.log"):
            wait_for(lambda: status_of(StoryPhoto, photo.id)[0] == "ready", 60, "the photo to be processed again")
        assert status_of(StoryPhoto, photo.id) == (PhotoStatus.READY.value, 1)
        processed = db.session.get(StoryPhoto, photo.id)
        assert processed.large_key and processed.small_key and processed.original_key is None
        finish_reading()
        stored = sorted(Path(settings["UPLOAD_FOLDER"]).rglob("*.jpg"))
        assert len(stored) == 2, stored  # one large and one small: made once, the upload removed
        assert failures() == []
        assert photo_services.recover_stalled_photos() == 0
