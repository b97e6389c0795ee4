"""Fault drill (R5): Redis stops under traffic, then comes back. What holds, by design (README: When something
fails): pages still serve (the public page cache is skipped, not needed); sessions are unaffected (they are signed
cookies checked against the database); sign-in fails closed (its rate limits cannot be counted, so it is refused
with a plain "try again", never let through uncounted); work that writes still commits, and its mail waits in the
database's outbox and goes out once Redis is back, through the outbox sweep every worker runs as it starts. The
Redis here is a server of the test's own, stopped and started again; PostgreSQL is the portal's database."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from portal.common.email import OutboxMessage
from portal.domain.decisions import DecisionKind
from portal.extensions import db
from portal.panels import services as panels
from tests.conftest import fresh_postgres_database, login_as, make_test_app, migrate_to_head
from tests.factories import PotFactory, make_chair
from tests.integration.common.test_jobs import SignedIn, wait_for, worker
from tests.integration.panels.test_decisions import submitted_idea
from tests.support.stack import free_port


@contextmanager
def redis_server(port: int, folder: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A Redis of the test's own on a loopback port, keeping nothing on disk (as the machine's own)."""
    binary = shutil.which("redis-server")
    if binary is None:  # pragma: no cover - CI has Redis
        pytest.fail("redis-server is needed for the Redis drill and was not found")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=1)
    wait_for(lambda: _answers(client), 20, "the test's Redis to start")
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)
        client.close()


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False


@contextmanager
def shared_limiter_kept() -> Iterator[None]:
    """Flask-Limiter keeps its store on the one Limiter every app shares: the drill's app points it at the drill's
    Redis, which is gone afterwards. Put back what the rest of the suite's app uses."""
    from portal.extensions import limiter

    kept = {name: getattr(limiter, name) for name in ("_storage", "_limiter", "_swallow_errors", "enabled")}
    try:
        yield
    finally:
        for name, value in kept.items():
            setattr(limiter, name, value)


def mail_to(address: str) -> list[tuple[str, int]]:
    db.session.rollback()
    rows = db.session.execute(
        sa.select(OutboxMessage.status, OutboxMessage.attempts).where(OutboxMessage.to_address == address)
    ).all()
    db.session.rollback()
    return [tuple(row) for row in rows]


@pytest.mark.postgres
def test_with_redis_down_pages_serve_sign_in_fails_closed_and_mail_waits_for_its_return(tmp_path):
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    settings = {
        "REDIS_URL": redis_url,
        "JOBS_BACKEND": "redis",
        "JOBS_QUEUE_NAME": "sparks-redis-drill",
        "RATELIMIT_STORAGE_URI": redis_url,
        "STALLED_WORK_SECONDS": 1,
    }
    with fresh_postgres_database("sparks_redis") as url, shared_limiter_kept():
        app = make_test_app(url, PUBLIC_PAGE_CACHE=True, **settings)
        migrate_to_head(app)
        with app.app_context():
            pot = PotFactory()
            chair = make_chair(pot)
            idea = submitted_idea(pot)
            resident_email, idea_id = idea.applicant.email, idea.id
            panels.declare_interest(idea_id, chair, has_interest=False, note="")
            chair_session = SignedIn(chair.get_id())
            page = f"/panels/{pot.neighbourhood_id}/ideas/{idea_id}"
            db.session.remove()
        visitor, signed_in, stranger = app.test_client(), app.test_client(), app.test_client()
        login_as(signed_in, chair_session)

        with redis_server(port, tmp_path) as first:
            assert visitor.get("/").status_code == 200
            assert visitor.get("/").status_code == 200  # served from the page cache in Redis
            first.terminate()
            first.wait(timeout=20)

            # Redis is down.
            for path in ("/", "/stories", "/open-data"):
                assert visitor.get(path).status_code == 200, path
            assert signed_in.get(page).status_code == 200  # the session needs no Redis
            refused = _post(stranger, "/sign-in", {"email": "neighbour@example.org"})
            assert refused.status_code == 503
            assert "Try again in a few minutes" in refused.get_data(as_text=True)
            decided = _post(signed_in, f"{page}/decision", {"kind": DecisionKind.YES.value, "reason": "Lovely."}, page)
            assert decided.status_code == 302  # the decision is recorded...
            with app.app_context():
                assert mail_to(resident_email) == [("queued", 0)]  # ...and its email waits in the outbox
                db.session.remove()
            time.sleep(1.5)  # longer than STALLED_WORK_SECONDS: the sweep will take it as lost

        with redis_server(port, tmp_path):
            # Redis is back: a worker starts, its outbox sweep finds the waiting email, and it goes out once.
            env = {"DATABASE_URL": url, "MAIL_BACKEND": "outbox", **{k: str(v) for k, v in settings.items()}}
            with worker(env, tmp_path / "worker.log"), app.app_context():
                wait_for(lambda: mail_to(resident_email) == [("sent", 1)], 60, "the waiting email to go out")
                db.session.remove()
            assert _post(stranger, "/sign-in", {"email": "neighbour@example.org"}).status_code == 302
        with app.app_context():
            db.engine.dispose()


def _post(client, url: str, data: dict[str, str], token_from: str | None = None):
    from tests.conftest import csrf_token

    return client.post(url, data={"csrf_token": csrf_token(client, token_from or url), **data})
