"""Several app servers share one database and one Redis: rate-limit counters are not kept inside a process."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = "redis://127.0.0.1:6379/15"

SERVER = """
import json, re, sys
from tests.conftest import make_test_app, migrate_to_head
database, redis_url, prefix, migrate, tries = sys.argv[1:6]
app = make_test_app(database, RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_KEY_PREFIX=prefix)
if migrate == "yes":
    migrate_to_head(app)
client = app.test_client()
statuses = []
for _ in range(int(tries)):
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    statuses.append(client.post("/sign-in", data={"csrf_token": token, "email": "shared@example.org"}).status_code)
print(json.dumps(statuses))
"""


def run_server(database: str, prefix: str, migrate: str, tries: int) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-c", SERVER, database, REDIS_URL, prefix, migrate, str(tries)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_two_app_servers_share_rate_limits_through_redis(tmp_path):
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:  # pragma: no cover - CI must have Redis
        pytest.fail(f"Redis is needed at {REDIS_URL} for this test and was not reachable: {error}")
    prefix = f"sparks-test-{uuid.uuid4().hex[:8]}"
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    try:
        first = run_server(database, prefix, "yes", 3)
        second = run_server(database, prefix, "no", 3)
        assert first == [302, 302, 302]
        assert second == [302, 302, 429], "the second server must see the first server's five tries"
        assert any(prefix.encode() in key for key in client.keys("*"))
    finally:
        for key in client.keys(f"*{prefix}*"):
            client.delete(key)
