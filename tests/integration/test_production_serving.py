"""Production serving: the repository's gunicorn configuration, started as the README says against PostgreSQL and
Redis with production settings, serves the portal (and keeps hashed assets for a year)."""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.conftest import fresh_postgres_database

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    # As a balancer would send it: the client's address and the scheme it used.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


@pytest.mark.postgres
def test_gunicorn_with_the_repositorys_configuration_serves_the_portal_in_production():
    port = free_port()
    with fresh_postgres_database("sparks_serve") as url:
        env = {
            **os.environ,
            "PORTAL_ENV": "production",
            "DATABASE_URL": url,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
            "LOOKUP_HMAC_KEY": secrets.token_urlsafe(48),
            "ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "TRUSTED_PROXIES": "1",
            "SERVER_BASE_URL": f"http://127.0.0.1:{port}",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
        }
        bin_dir = Path(sys.executable).parent
        subprocess.run(
            [str(bin_dir / "flask"), "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        server = subprocess.Popen(
            [str(bin_dir / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    status, headers, page = get(port, "/")
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(
                            "gunicorn did not serve the portal:\n" + (server.stdout.read() or b"").decode()
                            if server.poll() is not None
                            else "gunicorn did not answer within 30 s"
                        )
                    time.sleep(0.3)
            assert status == 200 and "Small Sparks" in page
            assert "max-age=31536000" in headers["Strict-Transport-Security"]  # production's HSTS
            stylesheet = page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
            status, headers, _ = get(port, stylesheet)
            assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable"
        finally:
            server.terminate()
            output = server.communicate(timeout=30)[0].decode()
        # The access log shows the request, from the client's address, and no query string ever.
        assert '"GET /"' in output and "203.0.113.9" in output
