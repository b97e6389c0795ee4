"""Background jobs on real parts: a worker process against the real Redis, and a mail server that takes 10 s.

These tests start `flask jobs work` as a separate process, as production does, sharing a database with the app
under test. They fail (never skip) when Redis or PostgreSQL is not there.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from portal.config import PROJECT_ROOT
from tests.conftest import fresh_postgres_database, login_as, make_test_app, migrate_to_head, post_form
from tests.integration.common.test_email import Collecting, free_port

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@contextmanager
def worker(env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen]:
    """`flask jobs work` in its own process, with the portal configured by environment variables as in production."""
    full_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
    full_env.pop("PORTAL_ENV", None)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "work", "--workers", "2"],
            cwd=PROJECT_ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"waited {seconds} s for {what}")


def redis_or_fail() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(f"Redis is needed at {REDIS_URL} for this test and was not reachable: {error}")


def message_statuses(app) -> list[tuple[str, str]]:
    from portal.common.email import OutboxMessage
    from portal.extensions import db

    with app.app_context():
        rows = db.session.execute(
            sa.select(OutboxMessage.to_address, OutboxMessage.status).order_by(OutboxMessage.id)
        ).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def test_a_job_queued_by_a_request_runs_on_a_worker_process_through_redis(tmp_path):
    from portal.extensions import db

    redis_or_fail()
    queue_name = f"sparks-test-{uuid.uuid4().hex[:8]}"
    with fresh_postgres_database("sparks_jobs") as url:
        settings = {"JOBS_BACKEND": "redis", "REDIS_URL": REDIS_URL, "JOBS_QUEUE_NAME": queue_name}
        app = make_test_app(url, **settings)
        migrate_to_head(app)
        try:
            assert type(app.extensions["jobs"].huey.storage).__name__ == "RedisStorage"
            with worker({"DATABASE_URL": url, "MAIL_BACKEND": "outbox", **settings}, tmp_path / "worker.log"):
                client = app.test_client()
                response = post_form(client, "/sign-in", {"email": "neighbour@example.org"})
                assert response.status_code == 302
                wait_for(
                    lambda: message_statuses(app) == [("neighbour@example.org", "sent")],
                    30,
                    "the worker to deliver the sign-in email",
                )
            log = (tmp_path / "worker.log").read_text()
            assert "RedisStorage" in log and "deliver_email" in log and "executed" in log
        finally:
            redis.Redis.from_url(REDIS_URL).delete(
                *[f"huey.{kind}.{queue_name.replace('-', '')}" for kind in ("redis", "schedule", "results", "counters")]
            )
            with app.app_context():
                db.engine.dispose()


class SlowToAnswer(Collecting):
    """A real SMTP server that takes ten seconds to accept each message."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        await asyncio.sleep(10)
        return await super().handle_DATA(server, session, envelope)


class SignedIn:
    """What login_as needs of a person: the id their session carries."""

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id

    def get_id(self) -> str:
        return self.session_id


def seed_idea_and_chair(app):
    """A neighbourhood with a pot, a resident's finished draft, and the panel's chair; returns their ids."""
    from portal.accounts.services import create_user
    from portal.applications.models import Application, CostLine
    from portal.applications.services import missing_answers
    from portal.domain.pots import PotLimits
    from portal.domain.roles import Role
    from portal.extensions import db
    from portal.programme.services import save_neighbourhood, save_pot

    with app.app_context():
        place = save_neighbourhood(None, None, name="Slow Lane", description="d", host_organisation="h", is_active=True)
        place.views_needed = 0
        limits = PotLimits(
            budget_pence=100_000,
            max_award_pence=50_000,
            fast_track_limit_pence=0,
            opens_on=date(2020, 1, 1),
            closes_on=date(2099, 1, 1),
            is_rolling=False,
        )
        pot = save_pot(None, place, None, name="Pot", payment_methods=["bank_transfer"], limits=limits)
        resident = create_user("resident@example.org", "Rosa", {Role.RESIDENT})
        chair = create_user(
            "chair@example.org",
            "Chair",
            {Role.RESIDENT, Role.PANEL_MEMBER},
            panel_neighbourhood_ids=(place.id,),
            chair_of=(place.id,),
        )
        idea = Application(
            pot_id=pot.id,
            applicant_id=resident.id,
            applicant_type="just_me",
            idea_name="Street party",
            idea_description="A party for the whole street.",
            brings_together="Everyone on the street",
            helps_area="People meet their neighbours",
            bring_hands="I will make the food",
            when_text="June",
            where_text="Slow Lane",
            contact_name="Rosa",
            contact_method="email",
            cost_lines=[CostLine(item="Food", amount_pence=20_000)],
        )
        db.session.add(idea)
        db.session.commit()
        assert missing_answers(idea) == []
        return place.id, idea.id, SignedIn(resident.get_id()), SignedIn(chair.get_id())


def timed_post(client, url, data, token_from=None) -> tuple[float, object]:
    from tests.conftest import csrf_token

    token = csrf_token(client, token_from or url)
    started = time.perf_counter()
    response = client.post(url, data={"csrf_token": token, **data})
    return time.perf_counter() - started, response


def test_a_mail_server_that_takes_10_seconds_does_not_slow_sending_an_idea_or_a_decision(tmp_path, capsys):
    from portal.extensions import db

    smtp = SlowToAnswer()
    controller = Controller(smtp, hostname="127.0.0.1", port=free_port())
    controller.start()
    database = f"sqlite:///{tmp_path / 'portal.db'}"
    settings = {
        "JOBS_BACKEND": "sqlite",
        "JOBS_SQLITE_PATH": str(tmp_path / "jobs.db"),
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(controller.port),
    }
    app = make_test_app(database, **{**settings, "MAIL_PORT": controller.port})
    migrate_to_head(app)
    try:
        neighbourhood_id, idea_id, resident, chair = seed_idea_and_chair(app)
        with worker({"DATABASE_URL": database, **settings}, tmp_path / "worker.log"):
            resident_client, chair_client = app.test_client(), app.test_client()
            login_as(resident_client, resident)
            login_as(chair_client, chair)
            send_seconds, sent = timed_post(
                resident_client, f"/ideas/{idea_id}/check-your-answers", {"declaration": "y"}
            )
            assert sent.status_code == 302 and sent.headers["Location"].endswith("/sent")
            idea_url = f"/panels/{neighbourhood_id}/ideas/{idea_id}"
            declared = post_form(chair_client, f"{idea_url}/interest", {"has_interest": "no"}, token_from=idea_url)
            assert declared.status_code == 302
            decide_seconds, decided = timed_post(
                chair_client, f"{idea_url}/decision", {"kind": "yes", "reason": "A lovely idea"}, token_from=idea_url
            )
            assert decided.status_code == 302, decided.get_data(as_text=True)[:2000]
            with capsys.disabled():
                print(f"\n  with a 10 s mail server: sending an idea {send_seconds:.3f} s,", end=" ")
                print(f"recording a decision {decide_seconds:.3f} s")
            # Well under the mail server's 10 s: a request that waited for mail would take at least that. (Usually
            # about 0.1 s; the bar leaves room for a busy 2-core machine, where 1.6 s was seen once.)
            assert send_seconds < 3.0
            assert decide_seconds < 3.0
            # The mail still arrives: two messages, each taking the slow server 10 s.
            wait_for(lambda: len(smtp.messages) == 2, 45, "the slow mail server to take both messages")
            wait_for(
                lambda: message_statuses(app) == [("resident@example.org", "sent")] * 2,
                15,
                "both messages to be marked sent",
            )
    finally:
        controller.stop()
        with app.app_context():
            db.engine.dispose()


def test_every_job_in_the_code_is_known_to_a_freshly_started_app():
    # A job whose module the app imports only later (with the routes) would be missing from the queue: enqueueing it
    # fails, and a worker would never run it on its timetable. A new process shows what a worker sees.
    import ast
    import subprocess
    import sys
    from pathlib import Path

    portal = Path(__file__).resolve().parents[3] / "portal"
    defined = set()
    for path in portal.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and getattr(d.func, "id", "") == "job" for d in node.decorator_list
            ):
                module = ".".join(path.relative_to(portal.parent).with_suffix("").parts)
                defined.add(f"{module}.{node.name}")
    script = (
        "from portal import create_app\n"
        "from portal.config import TestConfig\n"
        "app = create_app({k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()})\n"
        "print('\\n'.join(sorted(app.extensions['jobs'].tasks)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    known = set(result.stdout.split())
    assert "portal.stories.photo_services.process_story_photo" in defined
    assert defined - known == set()
