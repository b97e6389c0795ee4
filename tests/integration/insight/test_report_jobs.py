"""The commissioner report job at real commit boundaries: on PostgreSQL outside the per-test savepoint (nothing held
open while photos are fetched and the PDF drawn; a resident withdrawing consent at the moment the report is recorded
waits for it, then takes it down), and two real job workers on a SQLite file database making reports while requests
write (no "database is locked", each report made once)."""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from portal.domain.roles import Role
from portal.extensions import db
from portal.insight import reports
from portal.insight.models import Report, ReportStory
from portal.stories import services as stories
from tests.conftest import login_as, make_test_app, migrate_to_head, post_form, postgres_app
from tests.factories import make_staff
from tests.integration.common.test_jobs import SignedIn, wait_for, worker
from tests.integration.insight.helpers import published_story

KEPT = "We painted the bus shelter together."
WITHDRAWN = "We planted 200 bulbs by the school."


def open_transactions(observer: sa.Engine) -> int:
    """Connections to this database, other than the observer's, that hold a transaction open right now."""
    with observer.connect() as connection:
        return connection.execute(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
            )
        ).scalar_one()


def test_on_postgresql_the_report_job_holds_nothing_open_while_it_fetches_photos_and_draws(tmp_path, monkeypatch):
    with postgres_app("sparks_insight", UPLOAD_FOLDER=str(tmp_path / "uploads")) as app, app.app_context():
        _, story_id = published_story(WITHDRAWN, photos=2)
        viewer, _ = make_staff(Role.VIEWER)
        observer = sa.create_engine(db.engine.url)
        seen: dict[str, list[int]] = {"fetching": [], "drawing": []}
        fetch, draw = reports._fetch_photos, reports._draw

        def fetching(held):
            seen["fetching"].append(open_transactions(observer))
            return fetch(held)

        def drawing(gathered, photos):
            seen["drawing"].append(open_transactions(observer))
            return draw(gathered, photos)

        monkeypatch.setattr(reports, "_fetch_photos", fetching)
        monkeypatch.setattr(reports, "_draw", drawing)
        try:
            report_id = reports.request_report(
                viewer, period="all", starts_on=None, ends_on=None, neighbourhood_ids=[], language="en"
            ).id  # the job runs once this commits (the queue runs jobs at once here)
            assert seen == {"fetching": [0], "drawing": [0]}
            db.session.remove()
            report = db.session.get(Report, report_id)
            assert report.status == "ready" and report.content.startswith(b"%PDF"), report.error
            [held] = db.session.scalars(sa.select(ReportStory).where(ReportStory.report_id == report_id))
            assert held.story_id == story_id and len(held.photos) == 2
        finally:
            observer.dispose()


def test_on_postgresql_consent_withdrawn_while_the_report_is_recorded_waits_then_takes_it_down(tmp_path, monkeypatch):
    with postgres_app("sparks_insight", UPLOAD_FOLDER=str(tmp_path / "uploads")) as app, app.app_context():
        case, story_id = published_story(WITHDRAWN)
        published_story(KEPT)
        application_id, resident_id = case.application.id, case.resident.id
        viewer, _ = make_staff(Role.VIEWER)
        lock_stories = reports._stories_by_id
        resident_finished = threading.Event()
        waited = []

        def withdraw_consent():
            with app.app_context():
                from portal.accounts.models import User

                stories.change_consent(application_id, db.session.get(User, resident_id), stories.Consent.PROGRAMME)
                db.session.remove()
            resident_finished.set()

        def locked_then_resident_acts(story_ids, *, lock=False):
            found = lock_stories(story_ids, lock=lock)
            if lock and not waited:  # the report holds the stories' locks: the resident's change must wait
                resident = threading.Thread(target=withdraw_consent)
                resident.start()
                waited.append(not resident_finished.wait(1.0))
            return found

        monkeypatch.setattr(reports, "_stories_by_id", locked_then_resident_acts)
        first_id = reports.request_report(
            viewer, period="all", starts_on=None, ends_on=None, neighbourhood_ids=[], language="en"
        ).id
        assert waited == [True]  # the resident waited for the report to be recorded
        assert resident_finished.wait(30), "the resident's change went through once the report was recorded"
        db.session.remove()
        first = db.session.get(Report, first_id)
        assert first.withdrawn_at is not None and first.content is None
        again = db.session.scalar(sa.select(Report).where(Report.replaces_id == first_id))
        assert again is not None and again.status == "ready", again and again.error
        held = set(db.session.scalars(sa.select(ReportStory.story_id).where(ReportStory.report_id == again.id)))
        assert story_id not in held and len(held) == 1


REPORTS = 4


def test_two_workers_on_sqlite_make_each_report_once_while_requests_write(tmp_path):
    database = f"sqlite:///{tmp_path / 'portal.db'}"
    uploads = str(tmp_path / "uploads")
    seeding = make_test_app(database, UPLOAD_FOLDER=uploads)
    migrate_to_head(seeding)
    with seeding.app_context():
        published_story(WITHDRAWN, photos=2)
        published_story(KEPT)
        viewer = SignedIn(make_staff(Role.VIEWER)[0].get_id())
        officer = SignedIn(make_staff(Role.PROGRAMME_OFFICER)[0].get_id())
        db.session.remove()
        db.engine.dispose()
    settings = {"JOBS_BACKEND": "sqlite", "JOBS_SQLITE_PATH": str(tmp_path / "jobs.db"), "UPLOAD_FOLDER": uploads}
    app = make_test_app(database, **settings)
    log_path = tmp_path / "worker.log"
    written = 0
    try:
        with worker({"DATABASE_URL": database, "MAIL_BACKEND": "outbox", **settings}, log_path):
            asking, writing = app.test_client(), app.test_client()
            login_as(asking, viewer)
            login_as(writing, officer)

            def write() -> None:
                nonlocal written
                response = post_form(writing, "/programme/about-you", {"questions": ["sex"] if written % 2 else []})
                assert response.status_code == 302, response.status_code
                written += 1

            ids = []
            for _ in range(REPORTS):
                response = post_form(asking, "/insight/report", {"period": "all"})
                assert response.status_code == 302
                ids.append(int(response.headers["Location"].rsplit("/", 1)[1]))
                write()

            def all_made() -> bool:
                write()  # requests keep writing while the workers make the reports
                time.sleep(0.1)
                return all(status in ("ready", "failed") for status in statuses(app, ids))

            wait_for(all_made, 240, "two workers to make the reports")
        log = log_path.read_text()
        assert statuses(app, ids) == ["ready"] * REPORTS, log[-3000:]
        assert "database is locked" not in log and "Traceback" not in log, log[-3000:]
        assert log.count("Executing portal.insight.reports.make_report") == REPORTS, log[-3000:]
        assert written > REPORTS
        with app.app_context():
            held = db.session.execute(sa.select(ReportStory.report_id, sa.func.count()).group_by(ReportStory.report_id))
            assert dict(held.all()) == dict.fromkeys(ids, 2)
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()


def statuses(app, ids: list[int]) -> list[str]:
    with app.app_context():
        found = dict(db.session.execute(sa.select(Report.id, Report.status).where(Report.id.in_(ids))).tuples().all())
        db.session.remove()
    return [found[report_id] for report_id in ids]
