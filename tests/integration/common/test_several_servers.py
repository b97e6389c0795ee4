"""Scaling out, tested: two gunicorn instances and two job workers, with the production configuration, on one
PostgreSQL, one Redis and one SeaweedFS (all on loopback). A person's requests go to either server, as a load
balancer sends them. Fails, never skips, without PostgreSQL, Redis or SeaweedFS."""

from __future__ import annotations

import re
import time
import uuid
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from portal.common.email import OutboxMessage
from portal.domain.roles import Role
from portal.extensions import db
from portal.programme.models import Neighbourhood
from tests.conftest import fresh_postgres_database
from tests.factories import NeighbourhoodFactory, make_staff
from tests.integration.common.test_jobs import redis_or_fail, wait_for
from tests.support.seaweedfs import S3Server
from tests.support.stack import Browser, app_with_the_same_keys, gunicorn, job_worker, migrate, production_env

CODE = re.compile(r"Or type this code on the sign-in page: (\S+)")


def outbox() -> list[OutboxMessage]:
    db.session.rollback()
    messages = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
    db.session.rollback()
    return messages


def sign_in_code(email: str) -> str:
    """The code in the newest sign-in email to this address, once a worker has sent it."""

    def sent() -> str | None:
        for message in reversed(outbox()):
            if message.to_address == email and message.status == "sent":
                return CODE.search(message.body).group(1)
        return None

    return wait_for(sent, 60, f"a worker to send the sign-in email to {email}")


@pytest.mark.postgres
@pytest.mark.s3
def test_two_servers_and_two_workers_share_sessions_caches_limits_and_jobs(tmp_path, seaweedfs: S3Server):
    redis_or_fail()
    with fresh_postgres_database("sparks_two") as url, ExitStack() as running:
        env = production_env(
            url,
            S3_BUCKET=seaweedfs.bucket,
            S3_ENDPOINT_URL=seaweedfs.endpoint_url,
            S3_ACCESS_KEY_ID=seaweedfs.access_key_id,
            S3_SECRET_ACCESS_KEY=seaweedfs.secret_access_key,
        )
        migrate(env)
        app = app_with_the_same_keys(url, env)
        running.enter_context(app.app_context())
        running.callback(lambda: (db.session.remove(), db.engine.dispose()))  # the session's connection first
        _, a = running.enter_context(gunicorn(env, tmp_path / "a.log"))
        _, b = running.enter_context(gunicorn(env, tmp_path / "b.log"))
        for name in ("one", "two"):
            running.enter_context(job_worker(env, tmp_path / f"worker-{name}.log"))
        neighbourhood = NeighbourhoodFactory(description="Terraces and a busy high street.")
        officer, _ = make_staff(Role.PROGRAMME_OFFICER)

        # A session begun on one server is the same session on the other.
        rosa = Browser(a)
        rosa.post_form("/sign-in", {"email": "rosa@example.org"}, port=a)
        signed_in = rosa.post_form("/sign-in/check-your-email", {"code": sign_in_code("rosa@example.org")}, port=a)
        assert signed_in.status_code == 302, signed_in.text[:2000]
        assert rosa.get("/ideas", port=b).status_code == 200
        assert rosa.get("/ideas", port=a).status_code == 200

        # Signing out on one server ends the session everywhere, even a copy of its cookie kept elsewhere.
        stolen = Browser(a)
        for cookie in rosa.http.cookies:
            stolen.http.cookies.set(cookie.name, cookie.value, domain=cookie.domain, path=cookie.path)
        assert stolen.get("/ideas", port=a).status_code == 200
        assert rosa.post_form("/sign-out", {}, token_from="/ideas", port=b).status_code == 302
        for port in (a, b):
            gone = stolen.get("/ideas", port=port)
            assert gone.status_code == 302 and "/sign-in" in gone.headers["Location"]

        # A public page cached by both servers is renewed on both after a change made through one.
        visitor = Browser(a)
        page = f"/neighbourhoods/{neighbourhood.slug}"
        for port in (a, b, a, b):
            assert "Terraces and a busy high street." in visitor.get(page, port=port).text
        programme = Browser(b)
        programme.sign_in_as(app, officer.get_id())
        edit = f"/programme/neighbourhoods/{neighbourhood.id}"
        fields = {
            "name": neighbourhood.name,
            "description": "Terraces, a busy high street and a new community garden.",
            "host_organisation": neighbourhood.host_organisation,
            "is_active": "y",
            "builder_contact": "Bea at the hub: 0113 496 0000",
            "decision_weeks": "2",
            "geo_code": "",
            "geo_code_type": "",
        }
        saved = programme.post_form(edit, fields, port=b)
        assert saved.status_code == 302, saved.text.partition("<main")[2][:2000]
        for port in (a, b):
            assert "a new community garden" in visitor.get(page, port=port).text

        # Rate limits count across both: five tries of one address are allowed in all, not five on each server.
        busy = f"busy-{uuid.uuid4().hex[:8]}@example.org"
        from_one_address = Browser(a)
        from_one_address.http.headers["X-Forwarded-For"] = "198.51.100.7"
        statuses = [
            from_one_address.post_form("/sign-in", {"email": busy}, port=port).status_code
            for port in (a, b, a, b, a, b)
        ]
        assert statuses == [302, 302, 302, 302, 302, 429]

        # Every job queued by either server ran exactly once, on one of the two workers.
        def all_sent() -> bool:
            return all(message.status == "sent" for message in outbox())

        wait_for(all_sent, 60, "the workers to send every email")
        time.sleep(2)  # long enough for a second run of any job to show
        messages = outbox()
        assert len(messages) >= 6 and all(m.attempts == 1 for m in messages), [(m.id, m.attempts) for m in messages]
        logs = "".join((tmp_path / f"worker-{name}.log").read_text() for name in ("one", "two"))
        assert logs.count("Executing portal.common.email.deliver_email") == len(messages)
        assert db.session.get(Neighbourhood, neighbourhood.id).description.endswith("community garden.")
