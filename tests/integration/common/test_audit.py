"""The audit log is append-only and hash-chained; `flask audit verify` finds any edited, inserted or deleted row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.common import audit
from portal.common.audit import AuditEvent
from portal.extensions import db


def write_events(n: int = 4) -> list[AuditEvent]:
    events = [audit.record("test.event", actor_id=7, object_type="thing", object_id=i, step=i) for i in range(n)]
    db.session.commit()
    return events


def _without_triggers(statement: str, **params) -> None:
    """Tamper the way an attacker with database access would: switch the guard off, change a row."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete")
        connection.execute(sa.text(statement), params)
        connection.exec_driver_sql("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_or_delete")
    else:
        connection.exec_driver_sql("DROP TRIGGER audit_events_no_update")
        connection.exec_driver_sql("DROP TRIGGER audit_events_no_delete")
        connection.execute(sa.text(statement), params)
    db.session.expire_all()


def test_an_untouched_log_verifies(db_session):
    write_events()
    assert audit.verify() == []


def test_each_event_is_chained_to_the_one_before(db_session):
    first, second = write_events(2)
    assert second.prev_hash == first.hash
    assert first.hash != second.hash


def test_the_database_refuses_to_change_an_event(db_session):
    event = write_events(1)[0]
    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == event.id).values(action="x"))


def test_the_database_refuses_to_delete_an_event(db_session):
    event = write_events(1)[0]
    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == event.id))


def test_an_edited_event_is_reported(db_session):
    events = write_events()
    _without_triggers("UPDATE audit_events SET details = :d WHERE id = :id", d='{"step":99}', id=events[1].id)
    problems = audit.verify()
    assert [(p.event_id, p.kind) for p in problems] == [(events[1].id, "edited")]


def test_a_deleted_event_is_reported(db_session):
    events = write_events()
    _without_triggers("DELETE FROM audit_events WHERE id = :id", id=events[1].id)
    problems = audit.verify()
    assert [(p.event_id, p.kind) for p in problems] == [(events[2].id, "chain broken")]


def test_an_inserted_event_is_reported(db_session):
    events = write_events(2)
    fake = AuditEvent(
        occurred_at=events[0].occurred_at,
        actor_id=1,
        action="forged",
        object_type="",
        object_id="",
        details="{}",
        prev_hash="f" * 64,
        hash="e" * 64,
    )
    db.session.add(fake)
    db.session.flush()
    kinds = {p.kind for p in audit.verify() if p.event_id == fake.id}
    assert kinds == {"chain broken", "edited"}


def test_flask_audit_verify_reports_tampering_and_fails(app, db_session):
    events = write_events(3)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output
    _without_triggers("UPDATE audit_events SET actor_id = 1 WHERE id = :id", id=events[0].id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"event {events[0].id} was changed" in result.output


def test_no_personal_data_is_written_to_the_audit_log(client):
    from tests.conftest import post_form

    post_form(client, "/sign-in", {"email": "private.person@example.org"})
    details = " ".join(db.session.execute(sa.select(AuditEvent.details)).scalars())
    assert "private.person" not in details
