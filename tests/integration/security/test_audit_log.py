"""Security review, the audit log (low), on PostgreSQL: someone with database access deletes an event and
recomputes the chain, or deletes the newest events; `flask audit verify` must report both."""

from __future__ import annotations

import hashlib
import json
import logging

import pytest
import sqlalchemy as sa

from tests.conftest import postgres_app as running_on_postgres


@pytest.fixture
def postgres_app(tmp_path):
    with running_on_postgres("sparks_audit", AUDIT_CHECKPOINT_FILE=str(tmp_path / "checkpoints.log")) as app:
        yield app


def write_events(app, n):
    from portal.common import audit
    from portal.extensions import db

    with app.app_context():
        for i in range(n):
            audit.record("test.event", actor_id=7, object_type="thing", object_id=i, step=i)
        db.session.commit()


def rechain_without_the_key(app, delete_ids=(), downgrade=False):
    """The attack: with the append-only triggers switched off, delete events, then recompute every hash after them
    with SHA-256 (the attacker has the database, not AUDIT_HMAC_KEY), optionally marking them as unkeyed."""
    from portal.extensions import db

    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete")
        for event_id in delete_ids:
            connection.execute(sa.text("DELETE FROM audit_events WHERE id = :id"), {"id": event_id})
        rows = connection.execute(
            sa.text(
                "SELECT id, occurred_at, actor_id, action, object_type, object_id, details "
                "FROM audit_events ORDER BY id"
            )
        ).all()
        # prev_hash is unique, so every row first gets a placeholder, then its place in the recomputed chain.
        connection.execute(sa.text("UPDATE audit_events SET prev_hash = 'tmp' || id"))
        previous = "0" * 64
        for row in rows:
            fields = [row.occurred_at.isoformat(timespec="microseconds"), row.actor_id, row.action]
            fields += [row.object_type, row.object_id, row.details]
            payload = json.dumps([previous, *fields], separators=(",", ":"), ensure_ascii=True)
            digest = hashlib.sha256(payload.encode()).hexdigest()
            connection.execute(
                sa.text("UPDATE audit_events SET prev_hash = :p, hash = :h, mac_version = :v WHERE id = :id"),
                {"p": previous, "h": digest, "v": 0 if downgrade else 1, "id": row.id},
            )
            previous = digest
        connection.exec_driver_sql("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_or_delete")


def verify(app, *args):
    result = app.test_cli_runner().invoke(args=["audit", "verify", *args])
    return result.exit_code, result.output


def event_ids(app):
    from portal.common.audit import AuditEvent
    from portal.extensions import db

    with app.app_context():
        ids = db.session.execute(sa.select(AuditEvent.id).order_by(AuditEvent.id)).scalars().all()
        db.session.remove()
        return ids


def test_an_event_deleted_and_the_chain_recomputed_without_the_key_is_reported(postgres_app):
    write_events(postgres_app, 5)
    assert verify(postgres_app)[0] == 0
    rechain_without_the_key(postgres_app, delete_ids=[event_ids(postgres_app)[2]])
    code, output = verify(postgres_app)
    assert code == 1
    assert output.count("PROBLEM edited") == 4, output


def test_a_chain_rewritten_as_if_it_had_never_had_a_key_is_reported(postgres_app):
    write_events(postgres_app, 5)
    with postgres_app.app_context():
        from portal.common import audit

        point = str(audit.write_checkpoint())
    rechain_without_the_key(postgres_app, delete_ids=[event_ids(postgres_app)[2]], downgrade=True)
    # Every event now checks as an old, unkeyed one; only the checkpoint kept outside the database shows it.
    assert verify(postgres_app)[0] == 0
    code, output = verify(postgres_app, "--checkpoint", point)
    assert code == 1 and "events were deleted" in output


def test_deleting_the_newest_events_is_reported_against_a_checkpoint(postgres_app, tmp_path, caplog):
    from portal.common.audit import write_checkpoint_daily

    write_events(postgres_app, 6)
    with postgres_app.app_context(), caplog.at_level(logging.INFO, logger="portal.common.audit"):
        write_checkpoint_daily()  # the nightly job: to the application log and the checkpoint file
    assert "audit-checkpoint count=6" in caplog.text
    assert "audit-checkpoint count=6" in (tmp_path / "checkpoints.log").read_text()
    write_events(postgres_app, 2)  # the log grows after the checkpoint: still fine
    assert verify(postgres_app, "--checkpoint-file", str(tmp_path / "checkpoints.log"))[0] == 0

    from portal.extensions import db

    with postgres_app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete")
        connection.execute(
            sa.text("DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events ORDER BY id DESC LIMIT 4)")
        )
        connection.exec_driver_sql("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_or_delete")
    assert verify(postgres_app)[0] == 0, "what is left is a whole chain: without a checkpoint this cannot be seen"
    code, output = verify(postgres_app, "--checkpoint-file", str(tmp_path / "checkpoints.log"))
    assert code == 1
    assert "the log has 4 events but the checkpoint recorded 6: events were deleted" in output


def test_the_chain_is_keyed_so_the_same_events_under_another_key_do_not_verify(postgres_app):
    write_events(postgres_app, 3)
    postgres_app.config["AUDIT_HMAC_KEY"] = "another key entirely, not the one that wrote the log"
    code, output = verify(postgres_app)
    assert code == 1 and output.count("PROBLEM edited") == 3
