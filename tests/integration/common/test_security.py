"""Security by default: headers (S3), CSRF on every POST (S2), personal pages not stored, safe cookies."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from portal.domain.roles import Role
from tests.conftest import login_as, make_test_app, post_form
from tests.factories import PotFactory, UserFactory, make_staff


def test_pages_carry_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert re.search(r"script-src 'self' 'sha256-[\w+/=]+'; ", csp)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_one_inline_script_is_the_one_the_policy_hashes_and_every_other_script_is_the_sites_own(client):
    response = client.get("/")
    allowed = re.search(r"'sha256-([\w+/=]+)'", response.headers["Content-Security-Policy"]).group(1)
    page = response.get_data(as_text=True)
    inline = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(inline) == 1 and "js-enabled" in inline[0]
    assert base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode() == allowed
    assert "nonce" not in page and "nonce" not in response.headers["Content-Security-Policy"]
    sources = re.findall(r"<script[^>]* src=\"([^\"]+)\"", page)
    assert sources and all(source.startswith("/static/") for source in sources)


def test_personal_pages_are_not_stored(client):
    login_as(client, UserFactory())
    assert client.get("/account").headers["Cache-Control"] == "no-store"


def test_the_session_cookie_is_http_only_and_same_site(client):
    client.get("/sign-in")
    cookie = client.get_cookie("sparks_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_production_sets_hsts_and_secure_cookies(app):
    production = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], SESSION_COOKIE_SECURE=True, HSTS=True)
    client = production.test_client()
    response = client.get("/sign-in", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert "Secure" in response.headers["Set-Cookie"]


POSTS = [
    ("/sign-in", {"email": "a@example.org"}),
    ("/sign-in/check-your-email", {"code": "123456"}),
    ("/staff/sign-in", {"email": "a@example.org", "password": "x"}),
    ("/language", {"language": "cy"}),
    ("/sign-out", {}),
    ("/programme/neighbourhoods/new", {"name": "x", "description": "y", "host_organisation": "z"}),
]


@pytest.mark.parametrize(("url", "data"), POSTS)
def test_a_post_without_a_csrf_token_is_refused(client, url, data):
    user, _ = make_staff(Role.PROGRAMME_OFFICER)
    login_as(client, user)
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "This page was open for too long" in response.get_data(as_text=True)


def test_every_post_route_is_covered_by_csrf(app):
    from portal.extensions import csrf

    exempt = {view for view in csrf._exempt_views}
    assert exempt == set()
    post_rules = [r.rule for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert len(post_rules) >= len(POSTS)


def test_no_personal_data_appears_in_urls(client):
    response = post_form(client, "/sign-in", {"email": "secret.person@example.org"})
    assert "secret.person" not in response.headers["Location"]


def test_no_personal_data_is_logged(client, caplog):
    caplog.set_level("DEBUG")
    post_form(client, "/sign-in", {"email": "logged.person@example.org"})
    PotFactory()
    assert "logged.person" not in caplog.text


@pytest.mark.parametrize("path", ["/", "/static/css/app.css", "/static/js/govuk-frontend.min.js"])
def test_pages_and_assets_are_sent_compressed(client, path):
    # Closing the response as a WSGI server does must release the file behind a streamed asset (warnings are errors).
    with client.get(path, headers={"Accept-Encoding": "br, gzip"}) as response:
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] in ("br", "gzip")
        assert "Accept-Encoding" in response.headers.get("Vary", "")
        assert len(response.get_data()) > 0
