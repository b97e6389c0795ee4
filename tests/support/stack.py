"""The portal as production runs it, on loopback, for drills and scale-out tests: gunicorn from the repository's
gunicorn.conf.py with production settings, on PostgreSQL and Redis, and a browser-like HTTP client for it."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def app_with_the_same_keys(url: str, env: dict[str, str]) -> Any:
    """The portal in this process, on the stack's database with the stack's keys: for seeding and checking."""
    from tests.conftest import make_test_app

    keys = {name: env[name] for name in ("SECRET_KEY", "ENCRYPTION_KEY", "AUDIT_HMAC_KEY", "LOOKUP_HMAC_KEY")}
    return make_test_app(url, **keys)


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings with fresh secrets, one queue (and key prefix) of its own in the shared Redis, and mail
    kept in the database's outbox rather than sent."""
    return {
        **os.environ,
        "PORTAL_ENV": "production",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "JOBS_QUEUE_NAME": f"sparks-stack-{uuid.uuid4().hex[:8]}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        "LOOKUP_HMAC_KEY": secrets.token_urlsafe(48),
        "ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "TRUSTED_PROXIES": "1",
        "MAIL_BACKEND": "outbox",
        "TEXT_BACKEND": "outbox",
        "SERVER_BASE_URL": "https://portal.test",
        "GUNICORN_ACCESS_LOG": "",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
    )


@contextmanager
def gunicorn(env: dict[str, str], log: Path, workers: int = 1) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """gunicorn -c gunicorn.conf.py wsgi:app on a free loopback port; yields (master, port) once it answers."""
    port = free_port()
    settings = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=settings,
            stdout=out,
            stderr=out,
        )
        try:
            wait_until_serving(server, port, log)
            yield server, port
        finally:
            stop(server, signal.SIGTERM, 30)


def wait_until_serving(server: subprocess.Popen[bytes], port: int, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail("gunicorn stopped:\n" + log.read_text(errors="replace")[-3000:])
        try:
            if requests.get(f"http://127.0.0.1:{port}/", headers=Browser.HEADERS, timeout=20).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.3)
    pytest.fail(f"gunicorn did not serve within {seconds} s:\n" + log.read_text(errors="replace")[-3000:])


def worker_pids(master: subprocess.Popen[bytes]) -> list[int]:
    """The gunicorn master's worker processes, from /proc."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master.pid:
            pids.append(int(stat.parent.name))
    return sorted(pids)


class Browser:
    """A person's browser, talking to one server (or several, as a balancer would send it to any)."""

    HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9", "Host": "portal.test"}

    def __init__(self, port: int) -> None:
        self.port = port
        self.http = requests.Session()
        self.http.headers.update(self.HEADERS)

    def url(self, path: str, port: int | None = None) -> str:
        return f"http://127.0.0.1:{port or self.port}{path}"

    def _kept(self, response: requests.Response) -> requests.Response:
        # Production marks its cookies Secure, and this browser speaks plain HTTP to the server behind the balancer
        # (whose X-Forwarded-Proto says https): keep sending them, as the balancer's browser would over https.
        for cookie in self.http.cookies:
            cookie.secure = False
        return response

    def get(self, path: str, port: int | None = None, **kwargs: Any) -> requests.Response:
        return self._kept(self.http.get(self.url(path, port), allow_redirects=False, timeout=30, **kwargs))

    def post_form(
        self, path: str, data: dict[str, str], *, token_from: str | None = None, port: int | None = None, **kwargs: Any
    ) -> requests.Response:
        """Post as the page's form would: with the CSRF token the page (token_from, or path itself) carries."""
        page = self.get(token_from or path, port)
        match = CSRF.search(page.text)
        assert match, f"no CSRF token on {token_from or path} ({page.status_code})"
        answer = self.http.post(
            self.url(path, port),
            data={"csrf_token": match.group(1), **data},
            # Over https a form is accepted only from the portal's own pages (Flask-WTF checks the Referer).
            headers={"Referer": f"https://{self.HEADERS['Host']}{token_from or path}"},
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        return self._kept(answer)

    def sign_in_as(self, app: Any, user_id_with_token: str) -> None:
        """Carry a signed session for this person, as the sign-in pages would set it (made with the servers'
        SECRET_KEY, through the app's own session serializer)."""
        now = int(time.time())
        value = {"_user_id": user_id_with_token, "_fresh": True, "last_active": now, "signed_in_at": now}
        cookie = app.session_interface.get_signing_serializer(app).dumps(value)
        # requests matches cookies against the Host header, which names the portal as the balancer would.
        self.http.cookies.set(app.config["SESSION_COOKIE_NAME"], cookie, domain=self.HEADERS["Host"], path="/")


@contextmanager
def job_worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`flask jobs work` with the production settings, as a server beside gunicorn runs it."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "flask"), "--app", "wsgi", "jobs", "work", "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
        try:
            yield process
        finally:
            stop(process, signal.SIGINT, 20)


def stop(process: subprocess.Popen[bytes], how: signal.Signals, seconds: float) -> None:
    """Ask a process to stop as its owner would (gunicorn: SIGTERM; a job worker: SIGINT), then kill it."""
    process.send_signal(how)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
