"""Security review, finding 6: the Host header poisoned the cached open data page ("JSON API at
http://evil.example:1234/api/v1", shown to every visitor). Absolute addresses come from SERVER_BASE_URL, and
production answers only its own host names."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

from portal.domain.roles import Role
from portal.stories import publishing
from tests.factories import make_staff
from tests.integration.opendata.test_open_data import grants_of_each_kind, publish_settings
from tests.integration.stories.test_stories import told_story

ROOT = Path(__file__).resolve().parents[3]
FORGED = "attacker.invalid:1234"  # (the test grants hold "evil.example" in a group name)


def everything_public(client, app, story_id: int, slug: str) -> list[str]:
    """Every GET address without parameters, and the public pages, files and API answers that take one."""
    plain = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith(("/static", "/dev"))
    )
    return [
        *plain,
        f"/neighbourhoods/{slug}",
        f"/neighbourhoods/{slug}/stories",
        f"/stories/{story_id}",
        "/stories?page=1",
        "/api/v1/stories?page=1",
        "/api/v1/grants?page=1",
    ]


def test_a_forged_host_never_appears_in_any_page_file_or_api_answer(client, app, page_cache):
    publish_settings()
    grants_of_each_kind()
    case, story = told_story(photos=())
    publishing.publish_story(story.id, make_staff(Role.PROGRAMME_OFFICER)[0], public_text="We planted 200 bulbs.")
    urls = everything_public(client, app, story.id, case.application.pot.neighbourhood.slug)
    assert {"/open-data", "/open-data/grants.json", "/open-data/grants.csv", "/api/v1", "/"} <= set(urls)
    for url in urls:
        forged = client.get(url, headers={"Host": FORGED})
        seen = forged.get_data(as_text=True) + json.dumps(dict(forged.headers))
        assert "attacker.invalid" not in seen, url
        # ... and nor in the copy a later visitor is given from the page cache
        later = client.get(url)
        assert "attacker.invalid" not in later.get_data(as_text=True), url
    # The addresses that are absolute come from SERVER_BASE_URL.
    assert "http://localhost/api/v1" in client.get("/open-data", headers={"Host": FORGED}).get_data(as_text=True)
    index = client.get("/api/v1", headers={"Host": FORGED}).get_json()
    assert index["grants"] == "http://localhost/api/v1/grants"
    package = json.loads(client.get("/open-data/grants.json", headers={"Host": FORGED}).get_data(as_text=True))
    assert package["downloadURL"] == "http://localhost/open-data/grants.json"
    listed = client.get("/api/v1/stories", headers={"Host": FORGED}).get_json()["stories"][0]
    assert listed["url"] == f"http://localhost/stories/{story.id}"


# Its own process: production settings are read from the environment when the configuration is first imported.
IN_PRODUCTION = """
import json, sys
from portal import create_app
from tests.conftest import migrate_to_head
app = create_app()
migrate_to_head(app)
client = app.test_client()
seen = {}
for host in sys.argv[1:]:
    response = client.get("/accessibility", headers={"Host": host})
    seen[host] = [response.status_code, "attacker.invalid" in response.get_data(as_text=True)]
print(json.dumps(seen))
"""


def test_production_refuses_a_request_for_any_other_host(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        "LOOKUP_HMAC_KEY": secrets.token_urlsafe(48),
        "ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.db'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "PUBLIC_PAGE_CACHE": "false",
        "SERVER_BASE_URL": "https://sparks.example.gov.uk",
        "TRUSTED_HOSTS": "www.sparks.example.gov.uk",
    }
    hosts = ["sparks.example.gov.uk", "www.sparks.example.gov.uk:443", FORGED, "sparks.example.gov.uk.attacker.invalid"]
    result = subprocess.run(
        [sys.executable, "-c", IN_PRODUCTION, *hosts], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["sparks.example.gov.uk"] == [200, False]
    assert seen["www.sparks.example.gov.uk:443"] == [200, False]
    assert seen[FORGED] == [400, False]
    assert seen["sparks.example.gov.uk.attacker.invalid"] == [400, False]
