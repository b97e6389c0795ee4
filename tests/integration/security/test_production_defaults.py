"""Security review, production defaults (medium and low): limits behind a load balancer, keys that are not keys,
demo accounts in production, and the development outbox open to anyone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.accounts.models import User
from portal.extensions import db
from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parents[3]

# Its own process: the rate limiter is one object per process, and this app's proxies setting must not leak.
BEHIND_A_BALANCER = """
import json, re, sys
from tests.conftest import make_test_app, migrate_to_head
database, proxies = sys.argv[1], int(sys.argv[2])
app = make_test_app(database, TRUSTED_PROXIES=proxies, RATELIMIT_ENABLED=True)
migrate_to_head(app)
client = app.test_client()

def attempt(client_address):
    headers = {"X-Forwarded-For": client_address}
    page = client.get("/staff/sign-in", headers=headers).get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "email": f"someone.{client_address}@example.org", "password": "wrong"}
    return client.post("/staff/sign-in", data=data, headers=headers).status_code

mallory = [attempt("203.0.113.66") for _ in range(11)]
print(json.dumps({"mallory": mallory, "alice": attempt("198.51.100.7")}))
"""


def behind_a_balancer(tmp_path, proxies):
    result = subprocess.run(
        [sys.executable, "-c", BEHIND_A_BALANCER, f"sqlite:///{tmp_path / 'balanced.db'}", str(proxies)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_behind_a_trusted_balancer_one_client_cannot_use_up_the_sign_in_limit_for_everyone(tmp_path):
    seen = behind_a_balancer(tmp_path, proxies=1)
    assert seen["mallory"][:10] == [200] * 10 and seen["mallory"][10] == 429
    assert seen["alice"] == 200, "another client behind the same balancer can still sign in"


def test_without_trusted_proxies_a_forwarded_address_is_not_believed(tmp_path):
    seen = behind_a_balancer(tmp_path, proxies=0)
    assert seen["mallory"][10] == 429
    assert seen["alice"] == 429, "a made-up X-Forwarded-For header does not get a fresh limit"


@pytest.mark.parametrize("key", ["password", "a-real-key-from-the-vault"])
def test_an_encryption_key_that_is_not_a_fernet_key_stops_the_app_in_any_environment(app, key):
    with pytest.raises(RuntimeError, match="Fernet"):
        make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], ENCRYPTION_KEY=key)


def test_demo_data_refuses_to_run_in_production(tmp_path):
    from tests.conftest import migrate_to_head

    production = make_test_app(f"sqlite:///{tmp_path / 'production.db'}", ENV_NAME="production")
    migrate_to_head(production)
    result = production.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "never loaded in production" in result.output
    with production.app_context():
        assert db.session.execute(sa.select(User)).first() is None
        db.engine.dispose()


def test_the_development_outbox_answers_only_the_machine_itself(client):
    assert client.get("/dev/outbox").status_code == 200
    assert client.get("/dev/outbox", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 404
    home = client.get("/", environ_base={"REMOTE_ADDR": "198.51.100.7"}).get_data(as_text=True)
    assert "/dev/outbox" not in home


def test_the_development_outbox_is_not_opened_by_a_forwarded_localhost(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'o.db'}", TRUSTED_PROXIES=1)
    client = app.test_client()
    response = client.get(
        "/dev/outbox", environ_base={"REMOTE_ADDR": "10.0.0.2"}, headers={"X-Forwarded-For": "198.51.100.7"}
    )
    assert response.status_code == 404
