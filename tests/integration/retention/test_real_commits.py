"""Keeping data only as long as needed, at real commit boundaries on PostgreSQL (outside the per-test savepoint): the
copy of a resident's data is drawn with no transaction held open, and its page, seen while the job has not finished,
says so and offers nothing to download; two nightly runs at once remove each thing once."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from portal.applications.models import Application
from portal.common.time import utcnow
from portal.domain.roles import Role
from portal.extensions import db
from portal.retention import copies
from portal.retention.models import DataCopy
from portal.retention.rules import apply_retention
from tests.conftest import login_as, postgres_app
from tests.factories import PotFactory, UserFactory
from tests.integration.insight.test_report_jobs import open_transactions


def test_on_postgresql_the_copy_is_drawn_with_nothing_held_open(monkeypatch):
    with postgres_app("sparks_copies") as app, app.app_context():
        resident = UserFactory(roles=[Role.RESIDENT], name="Rosa Resident")
        observer = sa.create_engine(db.engine.url)
        seen: list[int] = []
        draw = copies.render_pdf

        def drawing(*args, **kwargs):
            seen.append(open_transactions(observer))
            return draw(*args, **kwargs)

        monkeypatch.setattr(copies, "render_pdf", drawing)
        try:
            copy_id = copies.request_copy(resident, "cy").id  # the job runs once this commits
            assert seen == [0]
            db.session.remove()
            copy = db.session.get(DataCopy, copy_id)
            assert copy.status == "ready", copy.error
            assert copy.pdf_content.startswith(b"%PDF") and b"Rosa Resident" in copy.json_content
        finally:
            observer.dispose()


def test_on_postgresql_the_page_of_a_copy_not_made_yet_says_so_and_offers_nothing(monkeypatch):
    with postgres_app("sparks_copies") as app:
        monkeypatch.setattr(copies, "enqueue_after_commit", lambda *args: None)  # the worker has not got to it
        with app.app_context():
            resident = UserFactory(roles=[Role.RESIDENT])
            resident_id = resident.id
            db.session.commit()
        client = app.test_client()
        with app.app_context():
            login_as(client, db.session.get(type(resident), resident_id))
            copy_id = copies.request_copy(db.session.get(type(resident), resident_id), "en").id
        page = client.get(f"/account/your-data/{copy_id}").get_data(as_text=True)
        assert "Your copy is waiting to be made." in page and "/download/" not in page
        status = client.get(f"/account/your-data/{copy_id}/status").get_json()
        assert status["status"] == "queued"
        early = client.get(f"/account/your-data/{copy_id}/download/pdf")
        assert early.status_code == 302 and early.headers["Location"] == f"/account/your-data/{copy_id}"


def test_on_postgresql_two_nightly_runs_at_once_remove_each_thing_once():
    with postgres_app("sparks_retention", pool_size=4) as app:
        with app.app_context():
            pot = PotFactory()
            for _ in range(5):
                db.session.add(
                    Application(
                        pot_id=pot.id,
                        applicant_id=UserFactory().id,
                        status="not_yet",
                        contact_name="Rosa",
                        updated_at=utcnow() - timedelta(days=400),
                    )
                )
            db.session.commit()
        counted: list[int] = []
        start = threading.Barrier(2)

        def run():
            with app.app_context():
                start.wait()
                counted.append(apply_retention()["ideas_not_funded"])
                db.session.remove()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(counted) == [0, 5]
        with app.app_context():
            left = db.session.scalar(sa.select(sa.func.count()).where(Application.contact_name.is_not(None)))
            assert left == 0
