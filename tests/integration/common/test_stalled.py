"""Work a stopped worker left half-done is queued again (portal/common/stalled.py): the sweeps for exports, reports
and photos, in the harness (jobs run at once). The same with a real worker killed mid-job, on PostgreSQL and Redis,
is in test_kill_drills.py."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.common.jobs import REGISTRY
from portal.common.stalled import MAX_REQUEUES
from portal.common.time import utcnow
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
from tests.factories import make_staff
from tests.integration.insight.helpers import SHAREABLE
from tests.integration.payments.helpers import authorised_run
from tests.integration.stories.helpers import paid_award, photo_bytes

LONG_AGO = timedelta(hours=1)


def left_by_a_killed_worker(run, officer, *, status=FileStatus.RUNNING, quiet_for=LONG_AGO, requeued=0):
    """An export as a worker killed mid-way leaves it: claimed (running), no file, no sign of life since."""
    export = PaymentExport(
        run_id=run.id,
        kind=ExportKind.SCHEDULE.value,
        filename="left-behind.pdf",
        requested_by_id=officer.id,
        status=status.value,
        progress=20,
        requested_at=utcnow() - quiet_for,
        worked_at=utcnow() - quiet_for,
        requeued=requeued,
    )
    db.session.add(export)
    db.session.commit()
    return export.id


def test_an_export_its_worker_abandoned_is_made_again_once_and_matches_an_uninterrupted_one(db_session):
    run, _, a, b = authorised_run(2)
    stalled = left_by_a_killed_worker(run, a)
    assert exports.recover_stalled_exports() == 1  # queued again: the job runs at once here
    made = db.session.get(PaymentExport, stalled)
    db.session.refresh(made)
    assert made.status == FileStatus.READY.value and made.requeued == 1
    uninterrupted = exports.request_export(run.id, b, ExportKind.SCHEDULE)
    db.session.refresh(uninterrupted)
    assert made.content_sha256 == uninterrupted.content_sha256 and made.content == uninterrupted.content
    assert exports.recover_stalled_exports() == 0  # ready now: nothing more to do


def test_an_export_still_showing_signs_of_life_is_left_to_its_worker(db_session):
    run, _, a, _ = authorised_run(1)
    working = left_by_a_killed_worker(run, a, quiet_for=timedelta(seconds=30))
    assert exports.recover_stalled_exports() == 0
    assert db.session.get(PaymentExport, working).status == FileStatus.RUNNING.value


def test_a_queued_export_whose_job_the_queue_lost_is_queued_again(db_session):
    run, _, a, _ = authorised_run(1)
    lost = left_by_a_killed_worker(run, a, status=FileStatus.QUEUED)
    assert exports.recover_stalled_exports() == 1
    assert db.session.get(PaymentExport, lost).status == FileStatus.READY.value


def test_an_export_that_stopped_its_worker_three_times_is_left_for_a_person(db_session):
    run, _, a, _ = authorised_run(1)
    poison = left_by_a_killed_worker(run, a, requeued=MAX_REQUEUES)
    assert exports.recover_stalled_exports() == 0
    assert db.session.get(PaymentExport, poison).status == FileStatus.RUNNING.value


def test_a_report_its_worker_abandoned_is_made_again(db_session):
    viewer, _ = make_staff(Role.VIEWER)
    report = reports.request_report(
        viewer, period="all", starts_on=None, ends_on=None, neighbourhood_ids=[], language="en"
    )
    db.session.execute(
        sa.update(Report)
        .where(Report.id == report.id)
        .values(status=FileStatus.RUNNING.value, content=None, worked_at=utcnow() - LONG_AGO)
    )
    db.session.commit()
    assert reports.recover_stalled_reports() == 1
    db.session.refresh(report)
    assert report.status == FileStatus.READY.value and report.content.startswith(b"%PDF")


def test_a_photo_whose_processing_was_lost_is_processed(db_session, monkeypatch):
    case = paid_award()
    queued = []
    monkeypatch.setattr(photo_services, "enqueue_after_commit", lambda job, *args: queued.append(args))
    finish_reading()
    photo = photo_services.add_photo(case.application.id, case.resident, photo_bytes(), SHAREABLE)
    assert queued == [(photo.id,)]  # its job was queued... and lost with the worker
    monkeypatch.undo()
    assert photo_services.recover_stalled_photos() == 0  # just sent: not stalled yet
    db.session.execute(sa.update(StoryPhoto).where(StoryPhoto.id == photo.id).values(created_at=utcnow() - LONG_AGO))
    db.session.commit()
    finish_reading()
    assert photo_services.recover_stalled_photos() == 1
    db.session.refresh(photo)
    assert photo.status == PhotoStatus.READY.value and photo.large_key and photo.requeued == 1


def test_every_worker_looks_for_stalled_work_as_it_starts():
    at_start = {name for name, spec in REGISTRY.items() if spec.at_start}
    assert at_start == {
        "portal.payments.exports.recover_stalled_exports",
        "portal.insight.reports.recover_stalled_reports",
        "portal.retention.copies.recover_stalled_copies",
        "portal.stories.photo_services.recover_stalled_photos",
        "portal.common.email.sweep_outbox",
    }
    assert all(REGISTRY[name].schedule is not None for name in at_start)  # and on a timetable after that
