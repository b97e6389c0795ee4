"""R8 for story photos, across real commit boundaries: a photo is stored, processed, served and removed with no
database transaction open, so no lock (nor SQLite's whole-database write lock) is held while the store works.

These tests run outside the per-test savepoint: on a real SQLite file, on PostgreSQL, and through a real worker
process fed by Redis. The outside-work guard stays on throughout (OUTSIDE_WORK_IN_TRANSACTION = "raise").
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from portal.common.storage import LocalFolderStorage
from tests.conftest import fresh_postgres_database, login_as, make_test_app, migrate_to_head, post_form
from tests.conftest import postgres_app as running_on_postgres
from tests.integration.common.test_jobs import REDIS_URL, SignedIn, redis_or_fail, wait_for, worker
from tests.integration.stories.helpers import paid_award, photo_bytes
from tests.integration.stories.test_stories import ANSWERS, upload


class Recording:
    """A store that does its work through a real folder, and before each call runs `meanwhile` (a check that the
    database is free), recording what was called."""

    def __init__(self, folder: Path, meanwhile) -> None:
        self.store = LocalFolderStorage(folder)
        self.meanwhile = meanwhile
        self.calls: list[str] = []

    def _free(self, call: str) -> None:
        self.meanwhile()
        self.calls.append(call)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._free(f"put {key.split('/')[0]}")
        self.store.put(key, data, content_type)

    def get(self, key: str) -> bytes:
        self._free(f"get {key.split('/')[0]}")
        return self.store.get(key)

    def delete(self, key: str) -> None:
        self._free(f"delete {key.split('/')[0]}")
        self.store.delete(key)

    def exists(self, key: str) -> bool:
        self._free(f"exists {key.split('/')[0]}")
        return self.store.exists(key)


def seed_paid_award(app) -> tuple[int, SignedIn]:
    """A paid award on the app's own database, committed; the idea's id and a way to sign its resident in."""
    from portal.extensions import db

    with app.app_context():
        case = paid_award()
        ids = case.application.id, SignedIn(case.resident.get_id())
        db.session.remove()
    return ids


def photo_row(app, application_id: int):
    from portal.extensions import db
    from portal.stories.models import Story, StoryPhoto

    with app.app_context():
        row = db.session.execute(
            sa.select(StoryPhoto.id, StoryPhoto.status, StoryPhoto.original_key, StoryPhoto.large_key)
            .join(Story, Story.id == StoryPhoto.story_id)
            .where(Story.application_id == application_id)
        ).one_or_none()
        db.session.remove()
    return row


# SQLite: another connection can write while the store works ------------------------------------------------------


def test_on_sqlite_another_connection_writes_while_a_photo_is_stored_processed_and_served(tmp_path, monkeypatch):
    """A POST takes SQLite's write lock with its first read (BEGIN IMMEDIATE). If the upload were stored inside the
    request's transaction, the second connection below would wait 0.2 s and fail with "database is locked"; reading a
    stored photo inside a reading transaction would likewise keep a writer from committing."""
    from portal.extensions import db

    path = tmp_path / "portal.db"
    app = make_test_app(f"sqlite:///{path}")
    migrate_to_head(app)
    writes = []

    def another_connection_writes() -> None:
        connection = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("UPDATE neighbourhoods SET description = description || '.'")
            connection.execute("COMMIT")
            writes.append(True)
        finally:
            connection.close()

    store = Recording(tmp_path / "uploads", another_connection_writes)
    monkeypatch.setitem(app.extensions, "storage", store)
    try:
        application_id, resident = seed_paid_award(app)
        client = app.test_client()
        login_as(client, resident)
        response = upload(client, application_id, photo_bytes(size=(2400, 1600)))
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        photo_id, status, original_key, large_key = photo_row(app, application_id)
        assert (status, original_key) == ("ready", None) and large_key
        served = client.get(f"/story-photos/{photo_id}/large")
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        deleted = post_form(
            client,
            f"/ideas/{application_id}/story/photos/{photo_id}/delete",
            {},
            token_from=f"/ideas/{application_id}/story/photos",
        )
        assert deleted.status_code == 302 and photo_row(app, application_id) is None
        # The upload stored, read back by the job, two sizes written, the upload removed; the photo served; then its
        # two files removed: each while another connection wrote to the database.
        assert store.calls == [
            "put originals",
            "get originals",
            "put photos",
            "put photos",
            "delete originals",
            "get photos",
            "delete photos",
            "delete photos",
        ]
        assert len(writes) == len(store.calls)
        assert not any(p.is_file() for p in (tmp_path / "uploads").rglob("*"))
    finally:
        with app.app_context():
            db.engine.dispose()


def test_an_upload_whose_photo_cannot_be_recorded_is_removed_again(tmp_path, monkeypatch):
    """The story is sent while its photo is being stored: the photo is refused, and the stored upload removed."""
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.stories import photo_services, services
    from portal.stories.models import StoryPhoto

    app = make_test_app(f"sqlite:///{tmp_path / 'portal.db'}")
    migrate_to_head(app)

    def the_resident_sends_the_story_meanwhile() -> None:
        if store.calls:  # only during the first call, the upload
            return
        person = db.session.get(User, resident_id)
        services.send_story(application_id, person)

    store = Recording(tmp_path / "uploads", the_resident_sends_the_story_meanwhile)
    monkeypatch.setitem(app.extensions, "storage", store)
    try:
        with app.app_context():
            case = paid_award()
            application_id, resident_id = case.application.id, case.resident.id
            services.save_story(application_id, case.resident, what_happened="We met.", consent="programme")
            with pytest.raises(services.StoryRefused) as refused:
                photo_services.add_photo(application_id, case.resident, photo_bytes(), ANSWERS)
            assert refused.value.rule == "already_sent"
            assert db.session.scalar(sa.select(sa.func.count()).select_from(StoryPhoto)) == 0
            db.session.remove()
        assert store.calls == ["put originals", "delete originals"]
        assert not any(p.is_file() for p in (tmp_path / "uploads").rglob("*"))
    finally:
        with app.app_context():
            db.engine.dispose()


def test_a_refused_upload_never_reaches_the_store(tmp_path, monkeypatch):
    """Whoever may not add a photo (a stranger, a sent story, a sixth photo) is refused before anything is stored."""
    from portal.extensions import db
    from portal.stories import photo_services, services
    from tests.factories import UserFactory

    app = make_test_app(f"sqlite:///{tmp_path / 'portal.db'}")
    migrate_to_head(app)
    store = Recording(tmp_path / "uploads", lambda: None)
    monkeypatch.setitem(app.extensions, "storage", store)
    try:
        with app.app_context():
            case = paid_award()
            stranger = UserFactory()
            with pytest.raises(services.StoryRefused):
                photo_services.add_photo(case.application.id, stranger, photo_bytes(), ANSWERS)
            services.save_story(case.application.id, case.resident, what_happened="We met.", consent="programme")
            services.send_story(case.application.id, case.resident)
            with pytest.raises(services.StoryRefused):
                photo_services.add_photo(case.application.id, case.resident, photo_bytes(), ANSWERS)
            db.session.remove()
        assert store.calls == []
    finally:
        with app.app_context():
            db.engine.dispose()


# PostgreSQL: no transaction open and no row locked while the store works ------------------------------------------


def test_on_postgresql_nothing_is_held_while_a_photo_is_stored_processed_served_and_removed(tmp_path, monkeypatch):
    with running_on_postgres("sparks_stories_photos") as app:
        engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
        application_id, resident = seed_paid_award(app)
        held = []

        def nothing_is_held() -> None:
            with engine.connect() as other:
                # Any session of the portal's left "idle in transaction" would be holding what it read or locked.
                idle = other.scalar(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
                    )
                )
                # The idea's row is the one every change to a story locks first.
                other.execute(
                    sa.text("SELECT id FROM applications WHERE id = :id FOR UPDATE NOWAIT"), {"id": application_id}
                )
                other.rollback()
                held.append(idle)

        store = Recording(tmp_path / "uploads", nothing_is_held)
        monkeypatch.setitem(app.extensions, "storage", store)
        client = app.test_client()
        login_as(client, resident)
        response = upload(client, application_id, photo_bytes(size=(2400, 1600)))
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        photo_id, status, original_key, _ = photo_row(app, application_id)
        assert (status, original_key) == ("ready", None)
        assert client.get(f"/story-photos/{photo_id}/small").status_code == 200
        post_form(
            client,
            f"/ideas/{application_id}/story/photos/{photo_id}/delete",
            {},
            token_from=f"/ideas/{application_id}/story/photos",
        )
        assert photo_row(app, application_id) is None
        engine.dispose()
    assert store.calls == [
        "put originals",
        "get originals",
        "put photos",
        "put photos",
        "delete originals",
        "get photos",
        "delete photos",
        "delete photos",
    ]
    assert held == [0] * len(store.calls)


# A real worker: the photo job reads and writes the store outside any transaction -----------------------------------


def test_a_worker_process_makes_the_photo_and_removes_files_through_redis_and_postgresql(tmp_path):
    """The request queues the job after commit; a `flask jobs work` process (development settings, so the
    outside-work guard raises there too) makes the two sizes, removes the upload, and later removes a deleted photo's
    files."""
    from portal.extensions import db

    redis_or_fail()
    queue_name = f"sparks-stories-{uuid.uuid4().hex[:8]}"
    folder = tmp_path / "uploads"
    with fresh_postgres_database("sparks_stories_worker") as url:
        settings = {"JOBS_BACKEND": "redis", "REDIS_URL": REDIS_URL, "JOBS_QUEUE_NAME": queue_name}
        app = make_test_app(url, UPLOAD_FOLDER=str(folder), **settings)
        migrate_to_head(app)
        try:
            application_id, resident = seed_paid_award(app)
            environment = {"DATABASE_URL": url, "MAIL_BACKEND": "outbox", "UPLOAD_FOLDER": str(folder), **settings}
            with worker(environment, tmp_path / "worker.log"):
                client = app.test_client()
                login_as(client, resident)
                response = upload(client, application_id, photo_bytes(size=(2400, 1600)))
                assert response.status_code == 302
                photo_id, _, _, large_key = wait_for(
                    lambda: (row := photo_row(app, application_id)) and row[1] == "ready" and row,
                    60,
                    "the worker to make the photo",
                )
                # The two sizes, and the upload removed (by the job the photo's finishing queued).
                wait_for(
                    lambda: (
                        sorted(p.relative_to(folder).parts[0] for p in folder.rglob("*") if p.is_file())
                        == ["photos", "photos"]
                    ),
                    60,
                    "the worker to remove the upload as sent",
                )
                assert client.get(f"/story-photos/{photo_id}/large").status_code == 200
                post_form(
                    client,
                    f"/ideas/{application_id}/story/photos/{photo_id}/delete",
                    {},
                    token_from=f"/ideas/{application_id}/story/photos",
                )
                wait_for(lambda: not any(p.is_file() for p in folder.rglob("*")), 60, "the worker to remove the files")
            log = (tmp_path / "worker.log").read_text()
            assert "process_story_photo" in log and "delete_stored_files" in log
            assert "WorkInsideTransaction" not in log
        finally:
            redis.Redis.from_url(REDIS_URL).delete(
                *[f"huey.{kind}.{queue_name.replace('-', '')}" for kind in ("redis", "schedule", "results", "counters")]
            )
            with app.app_context():
                db.engine.dispose()
