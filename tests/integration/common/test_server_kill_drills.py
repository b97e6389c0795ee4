"""Fault drills (R5): a gunicorn worker killed (SIGKILL) in the middle of a POST that writes, on PostgreSQL and
Redis with the production configuration. The request is held after it has written (the decision and the award, or
the run and its payments) but before it commits, by holding the audit log's append lock, which it takes last; the
worker is killed there. The database then holds none of it, the page the person sees next tells the truth, and
doing it again works, once. Fails, never skips, without PostgreSQL or Redis."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from portal.awards.models import Award
from portal.common import audit
from portal.common.audit import _AUDIT_LOCK_KEY
from portal.domain.decisions import DecisionKind
from portal.domain.roles import PaymentMethod
from portal.extensions import db
from portal.panels import services as panels
from portal.panels.models import Decision
from portal.payments import services as payments
from portal.payments.models import Payment, PaymentRun
from tests.conftest import fresh_postgres_database
from tests.factories import PotFactory, make_chair
from tests.integration.common.test_jobs import redis_or_fail, wait_for
from tests.integration.panels.test_decisions import submitted_idea
from tests.integration.payments.helpers import GOOD_BANK, accepted_award
from tests.support.stack import Browser, app_with_the_same_keys, gunicorn, migrate, production_env, worker_pids


@contextmanager
def production(tmp_path: Path) -> Iterator[tuple[object, Browser, object]]:
    """gunicorn (one worker) on a fresh database; yields the in-process app (same keys) in an app context for
    seeding and checking, a browser, and the gunicorn master."""
    redis_or_fail()
    with fresh_postgres_database("sparks_killweb") as url:
        env = production_env(url)
        migrate(env)
        app = app_with_the_same_keys(url, env)
        with gunicorn(env, tmp_path / "gunicorn.log") as (master, port), app.app_context():
            try:
                yield app, Browser(port), master
            finally:
                db.session.remove()
                db.engine.dispose()


@contextmanager
def audit_appends_held() -> Iterator[None]:
    """Hold the audit log's append lock from another connection: a request that writes waits at its last step."""
    engine = sa.create_engine(db.engine.url)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _AUDIT_LOCK_KEY})
            yield
            connection.rollback()
    finally:
        engine.dispose()


def waiting_for_the_audit_lock() -> bool:
    db.session.rollback()
    waiting = db.session.execute(
        sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
        )
    ).scalar_one()
    db.session.rollback()
    return bool(waiting)


def post_and_kill_the_worker_mid_way(master, send) -> BaseException | requests.Response:
    """Send the POST in a thread; once it waits on the audit lock, SIGKILL the gunicorn worker serving it."""
    outcome: list[BaseException | requests.Response] = []

    def sending() -> None:
        try:
            outcome.append(send())
        except requests.RequestException as error:
            outcome.append(error)

    (serving,) = worker_pids(master)
    with audit_appends_held():
        thread = threading.Thread(target=sending)
        thread.start()
        wait_for(lambda: outcome or waiting_for_the_audit_lock(), 60, "the POST to reach its last step")
        if outcome:
            shown = getattr(outcome[0], "text", "").partition("<main")[2][:1500]
            pytest.fail(f"the POST was answered before its last step: {outcome[0]!r} {shown}")
        os.kill(serving, signal.SIGKILL)
        thread.join(timeout=30)
    wait_for(lambda: worker_pids(master) and worker_pids(master) != [serving], 30, "gunicorn to start a new worker")
    return outcome[0]


def rows(model, *where) -> int:
    db.session.rollback()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
    db.session.rollback()
    return int(count)


@pytest.mark.postgres
def test_a_decision_whose_server_dies_before_it_commits_leaves_nothing_and_can_be_made_again(tmp_path):
    with production(tmp_path) as (app, browser, master):
        pot = PotFactory()
        chair = make_chair(pot)
        idea_id = submitted_idea(pot).id
        panels.declare_interest(idea_id, chair, has_interest=False, note="")
        browser.sign_in_as(app, chair.get_id())
        page = f"/panels/{pot.neighbourhood_id}/ideas/{idea_id}"
        decide = {"kind": DecisionKind.YES.value, "reason": "A lovely idea for the street."}
        events_before = rows(audit.AuditEvent)

        answer = post_and_kill_the_worker_mid_way(
            master, lambda: browser.post_form(f"{page}/decision", decide, token_from=page)
        )
        assert not isinstance(answer, requests.Response), f"the request was answered: {answer}"
        # None of it: no decision, no award, the idea still waiting, the audit log as it was and still whole.
        assert rows(Decision, Decision.application_id == idea_id) == 0
        assert rows(Award, Award.application_id == idea_id) == 0
        assert rows(audit.AuditEvent) == events_before and audit.verify() == []
        # The page the chair sees next says it is still to decide, with the form to do it.
        shown = browser.get(page)
        assert shown.status_code == 200 and 'action="' + f"{page}/decision" + '"' in shown.text
        again = browser.post_form(f"{page}/decision", decide, token_from=page)
        assert again.status_code == 302, again.text[:2000]
        assert rows(Decision, Decision.application_id == idea_id) == 1
        assert rows(Award, Award.application_id == idea_id) == 1


@pytest.mark.postgres
def test_a_payment_run_whose_server_dies_before_it_commits_leaves_nothing_and_can_be_made_again(tmp_path):
    with production(tmp_path) as (app, browser, master):
        case = accepted_award()
        payments.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
        browser.sign_in_as(app, case.officer_a.get_id())
        form = {"awards": str(case.award.id)}
        answer = post_and_kill_the_worker_mid_way(master, lambda: browser.post_form("/finance/runs/new", form))
        assert not isinstance(answer, requests.Response), f"the request was answered: {answer}"
        assert rows(PaymentRun) == 0 and rows(Payment) == 0
        assert audit.verify() == []
        shown = browser.get("/finance/runs/new")
        assert shown.status_code == 200 and case.application.reference in shown.text  # still there to put in a run
        again = browser.post_form("/finance/runs/new", form)
        assert again.status_code == 302, again.text[:2000]
        assert rows(PaymentRun) == 1 and rows(Payment) == 1
