"""Backup and restore (R6), as a drill on real commits: the demo data is backed up, everything is emptied, and the
backup is restored into a new database and a new file store. Runs on the suite's database kind: SQLite in `make
test`, PostgreSQL (a fresh database of its own, with pg_dump and pg_restore) in `.ci/run`'s second pass."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.common import audit, backup
from portal.common.storage import get_storage
from portal.extensions import db
from portal.payments.models import PayeeDetails
from portal.stories.models import StoryPhoto
from tests.conftest import fresh_postgres_database, make_test_app, migrate_to_head

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


@contextmanager
def portal_on_new_database(folder: Path, name: str, *, migrated: bool) -> Iterator[Flask]:
    """The portal on a database and upload folder of its own, committing for real, as a server does."""
    uploads = folder / f"{name}-uploads"
    if ON_POSTGRES:
        with fresh_postgres_database(f"backup_{name}") as url:
            app = make_test_app(url, UPLOAD_FOLDER=str(uploads))
            yield from _prepared(app, migrated)
    else:
        app = make_test_app(f"sqlite:///{folder / name}.db", UPLOAD_FOLDER=str(uploads))
        yield from _prepared(app, migrated)


def _prepared(app: Flask, migrated: bool) -> Iterator[Flask]:
    if migrated:
        migrate_to_head(app)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def row_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        tables = sa.inspect(db.engine).get_table_names()
        return {t: db.session.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}  # noqa: S608


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Demo data, a backup of it, and a restore of that into empty everything: the two portals side by side."""
    folder = tmp_path_factory.mktemp("backup-drill")
    target = folder / "backup"
    with portal_on_new_database(folder, "source", migrated=True) as source:
        runner = source.test_cli_runner()
        loaded = runner.invoke(args=["demo-data"])
        assert loaded.exit_code == 0, loaded.output
        made = runner.invoke(args=["backup", "create", str(target)])
        assert made.exit_code == 0, made.output
        with portal_on_new_database(folder, "restored", migrated=False) as restored:
            done = restored.test_cli_runner().invoke(args=["backup", "restore", str(target)])
            yield {"source": source, "restored": restored, "target": target, "made": made, "done": done}


def test_the_restore_reports_an_intact_audit_log_that_reaches_the_backups_checkpoint(drill):
    assert drill["done"].exit_code == 0, drill["done"].output
    assert "The restored audit log is intact and reaches the backup's checkpoint" in drill["done"].output
    manifest = json.loads((drill["target"] / "manifest.json").read_text())
    recorded = audit.Checkpoint.parse(manifest["audit_checkpoint"])
    assert recorded.count > 20
    with drill["restored"].app_context():
        assert audit.verify(recorded) == []
        assert audit.checkpoint() == recorded
    with drill["source"].app_context():
        assert audit.checkpoint() == recorded


def test_every_table_holds_the_same_rows_after_the_restore(drill):
    before, after = row_counts(drill["source"]), row_counts(drill["restored"])
    assert before == after
    assert before["applications"] >= 7 and before["payee_details"] >= 1 and before["story_photos"] >= 1


def test_bank_details_decrypt_with_the_same_keys_after_the_restore(drill):
    def bank_accounts(app: Flask) -> list[str]:
        with app.app_context():
            rows = db.session.scalars(sa.select(PayeeDetails).where(PayeeDetails.account_number.is_not(None)))
            return sorted(row.account_number.reveal() for row in rows)

    restored = bank_accounts(drill["restored"])
    assert restored == bank_accounts(drill["source"]) and "00733445" in restored


def test_the_published_photo_is_served_from_the_restored_store(drill):
    client = drill["restored"].test_client()
    page = client.get("/stories").get_data(as_text=True)
    story = re.search(r'href="(/stories/\d+)"', page)
    assert story, "the public stories page lists the demo story"
    photo_url = re.search(r'src="(/story-photos/\d+/\w+)"', client.get(story.group(1)).get_data(as_text=True))
    assert photo_url, "the published story shows its photo"
    served = client.get(photo_url.group(1))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    with drill["source"].app_context():
        photo = db.session.scalars(sa.select(StoryPhoto)).first()
        assert photo is not None
        original = drill["source"].test_client().get(photo_url.group(1)).data
    assert served.data == original and len(original) > 1_000


def test_a_new_idea_can_be_started_in_the_restored_database(drill):
    """Sequences come back with the rows: the next row gets a new id rather than colliding with a restored one."""
    with drill["restored"].app_context():
        before = db.session.execute(sa.text("SELECT max(id) FROM audit_events")).scalar_one()
        audit.record("backup.drill_checked", object_type="test")
        db.session.commit()
        assert db.session.execute(sa.text("SELECT max(id) FROM audit_events")).scalar_one() == before + 1
        assert audit.verify() == []


def test_a_restore_into_a_database_that_is_not_empty_is_refused(drill):
    again = drill["restored"].test_cli_runner().invoke(args=["backup", "restore", str(drill["target"])])
    assert again.exit_code == 1
    assert "The database is not empty" in again.output and "restore only into a new, empty database" in again.output


def test_a_restore_into_a_store_that_is_not_empty_is_refused(drill, tmp_path):
    with portal_on_new_database(tmp_path, "emptydb", migrated=False) as app:
        with app.app_context():
            get_storage().put("photos/already-here.jpg", b"photo", "image/jpeg")
        refused = app.test_cli_runner().invoke(args=["backup", "restore", str(drill["target"])])
        assert refused.exit_code == 1 and "The file store is not empty" in refused.output
        assert row_counts(app) == {}  # nothing was restored


def test_a_backup_goes_only_into_an_empty_folder(drill):
    again = drill["source"].test_cli_runner().invoke(args=["backup", "create", str(drill["target"])])
    assert again.exit_code == 1 and "is not empty" in again.output


def test_verify_finds_a_changed_file_a_missing_file_and_an_extra_one(drill, tmp_path):

    copy = tmp_path / "copy"
    shutil.copytree(drill["target"], copy)
    runner = drill["source"].test_cli_runner()
    whole = runner.invoke(args=["backup", "verify", str(copy)])
    assert whole.exit_code == 0 and "is whole" in whole.output
    files = sorted(p for p in (copy / "files").rglob("*") if p.is_file())
    files[0].write_bytes(files[0].read_bytes() + b"x")
    files[1].unlink()
    (copy / "files" / "stray.jpg").write_bytes(b"stray")
    damaged = runner.invoke(args=["backup", "verify", str(copy)])
    assert damaged.exit_code == 1
    assert "has changed since the backup was made" in damaged.output
    assert "is missing" in damaged.output
    assert "stray.jpg is in the backup but not in its manifest" in damaged.output
    with portal_on_new_database(tmp_path, "neverrestored", migrated=False) as app:
        refused = app.test_cli_runner().invoke(args=["backup", "restore", str(copy)])
        assert refused.exit_code == 1 and "nothing was restored" in refused.output
        assert row_counts(app) == {}


def test_verify_finds_a_damaged_database_copy(drill, tmp_path):

    copy = tmp_path / "copy"
    shutil.copytree(drill["target"], copy)
    database = next(p for p in copy.iterdir() if p.name.startswith("database."))
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))
    damaged = drill["source"].test_cli_runner().invoke(args=["backup", "verify", str(copy)])
    assert damaged.exit_code == 1 and "has changed since the backup was made" in damaged.output


def test_the_manifest_holds_no_keys(drill):
    """The keys that decrypt bank details and sign the audit chain are kept apart from backups."""
    everything = (drill["target"] / "manifest.json").read_text()
    config = drill["source"].config
    for name in ("SECRET_KEY", "ENCRYPTION_KEY", "AUDIT_HMAC_KEY", "LOOKUP_HMAC_KEY"):
        assert str(config[name]) not in everything
    if not ON_POSTGRES:
        copy = (drill["target"] / backup.SQLITE_COPY).read_bytes()
        assert str(config["ENCRYPTION_KEY"]).encode() not in copy and b"00733445" not in copy
