"""A sent idea never changes, even when a save (or a new cost) and the send happen at the same moment: on
PostgreSQL, with real concurrent sessions, the save takes the idea's row lock and whichever comes second sees the
other's result."""

from __future__ import annotations

import json
import threading
import time

import pytest
import sqlalchemy as sa

from tests.conftest import postgres_app as running_on_postgres
from tests.integration.panels.race_street import seed_race_street

ROUNDS = 8
COMPLETE = {
    "applicant_type": "just_me",
    "idea_name": "Tea on the green",
    "idea_description": "A tea party for the street",
    "brings_together": "Neighbours",
    "helps_area": "People meet",
    "bring_head": "Baking",
    "bring_hands": "Setting up",
    "bring_heart": "My street",
    "help_from_others": "A table",
    "when_text": "June",
    "where_text": "The green",
    "contact_name": "Amina",
    "contact_method": "email",
}


@pytest.fixture
def postgres_app():
    with running_on_postgres("sparks_sent_ideas", pool_size=8) as app:
        yield app


def drafts(app, count):
    """Complete drafts, ready to send, of the Race Street resident; returns (resident id, idea ids)."""
    from portal.applications.models import Application, CostLine
    from portal.extensions import db

    seeded = seed_race_street(app, budget_pence=10_000_000, ideas=0)
    with app.app_context():
        ids = []
        for _ in range(count):
            idea = Application(
                pot_id=seeded["pot"],
                applicant_id=seeded["resident"],
                status="draft",
                **COMPLETE,
                cost_lines=[CostLine(item="Cups", amount_pence=2_000)],
            )
            db.session.add(idea)
            db.session.commit()
            ids.append(idea.id)
        return seeded["resident"], ids


WATCH_SENT_IDEAS = """
CREATE TABLE late_changes (what text NOT NULL);
CREATE FUNCTION note_application_change() RETURNS trigger AS $$
BEGIN
  IF OLD.status <> 'draft' AND (NEW.idea_name, NEW.idea_description, NEW.contact_name, NEW.group_name)
     IS DISTINCT FROM (OLD.idea_name, OLD.idea_description, OLD.contact_name, OLD.group_name) THEN
    INSERT INTO late_changes VALUES ('application ' || OLD.id);
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER late_application_change BEFORE UPDATE ON applications
  FOR EACH ROW EXECUTE FUNCTION note_application_change();
CREATE FUNCTION note_cost_change() RETURNS trigger AS $$
DECLARE line cost_lines%%ROWTYPE;
BEGIN
  IF TG_OP = 'DELETE' THEN line := OLD; ELSE line := NEW; END IF;
  IF (SELECT status FROM applications WHERE id = line.application_id) <> 'draft' THEN
    INSERT INTO late_changes VALUES ('cost line of ' || line.application_id);
  END IF;
  RETURN line;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER late_cost_change BEFORE INSERT OR UPDATE OR DELETE ON cost_lines
  FOR EACH ROW EXECUTE FUNCTION note_cost_change();
"""


def watch_sent_ideas(app) -> None:
    """A witness outside the portal: PostgreSQL notes each change to an idea's answers (or costs) once it is sent."""
    from portal.extensions import db

    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql(WATCH_SENT_IDEAS)


def late_changes(app) -> list[str]:
    from portal.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        return list(connection.exec_driver_sql("SELECT what FROM late_changes").scalars())


def the_idea(app, idea_id):
    from portal.applications.models import Application
    from portal.common.audit import AuditEvent
    from portal.extensions import db

    with app.app_context():
        idea = db.session.get(Application, idea_id)
        sent = db.session.execute(
            sa.select(AuditEvent).where(
                AuditEvent.action == "application.submitted", AuditEvent.object_id == str(idea_id)
            )
        ).scalar_one_or_none()
        return {
            "status": idea.status,
            "idea_name": idea.idea_name,
            "total_pence": idea.total_pence,
            "total_when_sent": json.loads(sent.details)["total_pence"] if sent else None,
        }


def test_a_save_that_waits_for_a_send_is_refused_and_changes_nothing(postgres_app):
    """The send holds the idea's row (another connection, not yet committed) when the save arrives with its copy
    read before the send: the save waits, then sees the idea was sent and refuses."""
    from portal.accounts.models import User
    from portal.applications import services
    from portal.applications.models import Application
    from portal.extensions import db

    resident_id, [idea_id] = drafts(postgres_app, 1)
    watch_sent_ideas(postgres_app)
    outcome: list[str] = []
    with postgres_app.app_context():
        sender = db.engine.connect()
        sending = sender.begin()
        sender.execute(sa.text("SELECT id FROM applications WHERE id = :id FOR UPDATE"), {"id": idea_id})
        sender.execute(
            sa.text("UPDATE applications SET status = 'submitted', reference = 'RACE-0001' WHERE id = :id"),
            {"id": idea_id},
        )

        def save():
            with postgres_app.app_context():
                idea = db.session.get(Application, idea_id)  # the view's copy: still a draft
                assert idea.status == "draft"
                try:
                    services.save_answers(idea, {"idea_name": "Changed after sending"})
                    outcome.append("saved")
                except services.ApplicationProblem as problem:
                    outcome.append(problem.reason)

        saver = threading.Thread(target=save)
        saver.start()
        time.sleep(0.5)
        assert saver.is_alive(), "the save did not wait for the send's lock"
        sending.commit()
        sender.close()
        saver.join(timeout=30)
        assert db.session.get(User, resident_id) is not None
    assert outcome == ["already_sent"]
    assert the_idea(postgres_app, idea_id)["idea_name"] == "Tea on the green"
    assert late_changes(postgres_app) == []


def test_saves_and_new_costs_racing_the_send_never_change_a_sent_idea(postgres_app):
    from portal.accounts.models import User
    from portal.applications import services
    from portal.applications.models import Application
    from portal.extensions import db

    resident_id, ids = drafts(postgres_app, ROUNDS)
    watch_sent_ideas(postgres_app)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    for round_number, idea_id in enumerate(ids):
        barrier = threading.Barrier(2)

        def send(idea_id=idea_id, barrier=barrier):
            with postgres_app.test_request_context():  # the confirmation email is rendered as in a request
                resident = db.session.get(User, resident_id)
                barrier.wait(timeout=30)
                services.submit_application(idea_id, resident)
                with lock:
                    outcomes.append(("send", "sent"))

        def change(idea_id=idea_id, barrier=barrier, add_a_cost=round_number % 2 == 0):
            with postgres_app.app_context():
                idea = db.session.get(Application, idea_id)
                _ = idea.cost_lines  # the page showed the costs
                barrier.wait(timeout=30)
                try:
                    if add_a_cost:
                        services.add_cost_line(idea, "Cake", 1_500)
                    else:
                        services.save_answers(idea, {"idea_name": "Changed at the same moment"})
                    result = "changed"
                except services.ApplicationProblem as problem:
                    result = problem.reason
                with lock:
                    outcomes.append(("change", result))

        threads = [threading.Thread(target=send), threading.Thread(target=change)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        idea = the_idea(postgres_app, idea_id)
        assert idea["status"] == "submitted"
        # What was sent is what is kept: the total the send recorded, and nothing written after the send.
        assert idea["total_pence"] == idea["total_when_sent"]
    assert late_changes(postgres_app) == []
    assert {result for kind, result in outcomes if kind == "change"} <= {"already_sent", "changed"}
    assert len(outcomes) == 2 * ROUNDS
