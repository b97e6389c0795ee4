"""The front door (portal/common/front_door.py): each language has its own addresses, and a public page is the same
bytes for every visitor, answered before Flask to those who bring no session; nobody signed in ever gets one."""

from __future__ import annotations

import gzip
import html
import re

import pytest

from portal.common.front_door import FrontDoor
from portal.domain.roles import Role
from portal.stories import publishing
from tests.conftest import count_queries, login_as, post_form
from tests.factories import PotFactory, UserFactory, make_staff
from tests.integration.stories.test_stories import told_story


@pytest.fixture
def flask_requests(app, monkeypatch):
    """How many requests went past the front door into Flask."""
    front = app.wsgi_app
    assert isinstance(front, FrontDoor)
    seen: list[str] = []
    inner = front.inner

    def counted(environ, start_response):
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    monkeypatch.setattr(front, "inner", counted)
    return seen


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def public_addresses() -> list[str]:
    case, story = told_story(photos=())
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    publishing.publish_story(story.id, officer, public_text="We planted 200 bulbs.")
    slug = case.application.pot.neighbourhood.slug
    return ["/", "/cy/", "/ar/stories", f"/neighbourhoods/{slug}/stories", f"/cy/stories/{story.id}", "/open-data"]


def test_two_visitors_get_the_same_bytes_and_the_second_never_reaches_flask(app, client, page_cache, flask_requests):
    PotFactory(name="Summer pot", max_award_pence=40_000)
    addresses = public_addresses()
    for address in addresses:
        first, second = app.test_client(), app.test_client()
        made = first.get(address)
        assert made.status_code == 200, address
        assert "Set-Cookie" not in made.headers, f"{address}: a visitor is given no session"
        before = len(flask_requests)
        with count_queries() as statements:
            kept = second.get(address)
        assert len(flask_requests) == before and statements == [], f"{address} was not answered at the door"
        assert kept.status_code == 200 and kept.get_data() == made.get_data(), address
        assert "Set-Cookie" not in kept.headers and "csrf_token" not in text(kept), address
        for header in ("Content-Type", "Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "ETag"):
            assert kept.headers[header] == made.headers[header], (address, header)
        assert kept.headers["Cache-Control"] in ("public, no-cache", "private, no-cache"), address
        assert {"cookie", "accept-encoding"} <= {v.strip().lower() for v in kept.headers["Vary"].split(",")}


def test_a_shared_cache_asks_again_and_hears_not_modified_until_the_page_changes(app, client, page_cache):
    pot = PotFactory(name="Summer pot", max_award_pence=40_000)
    client.get("/")
    kept = client.get("/")
    again = client.get("/", headers={"If-None-Match": kept.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    pot.max_award_pence = 45_000
    from portal.extensions import db

    db.session.commit()
    changed = client.get("/", headers={"If-None-Match": kept.headers["ETag"]})
    assert changed.status_code == 200 and "up to £450" in text(changed)
    assert changed.headers["ETag"] != kept.headers["ETag"]


def test_a_kept_page_is_compressed_as_flask_would_compress_it(app, client, page_cache, flask_requests):
    PotFactory(name="Summer pot")
    made = client.get("/", headers={"Accept-Encoding": "gzip"})
    before = len(flask_requests)
    kept = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert len(flask_requests) == before
    assert kept.headers["Content-Encoding"] == "gzip" == made.headers["Content-Encoding"]
    assert gzip.decompress(kept.get_data()) == gzip.decompress(made.get_data())
    assert int(kept.headers["Content-Length"]) == len(kept.get_data())
    plain = client.get("/")
    assert "Content-Encoding" not in plain.headers and plain.get_data() == gzip.decompress(kept.get_data())


def test_a_signed_in_person_never_gets_a_kept_page(app, client, page_cache, flask_requests):
    PotFactory(name="Summer pot")
    for address in ("/", "/cy/"):
        client.get(address)
        client.get(address)  # kept, and answered at the door
    person = app.test_client()
    login_as(person, UserFactory(name="Nadia Visitor"))
    for address in ("/", "/cy/"):
        before = len(flask_requests)
        page = person.get(address)
        assert len(flask_requests) == before + 1, "a signed-in person's page is made by Flask"
        assert page.headers["Cache-Control"] == "no-store" and "ETag" not in page.headers
        assert "Sign out" in text(page) or "Allgofnodi" in text(page) or "تسجيل الخروج" in text(page)
        assert 'name="language"' in text(page), "signed in, the switch is a form that remembers the choice"


def test_each_language_has_its_own_addresses_and_links_stay_in_it(client):
    PotFactory(name="Summer pot")
    welsh = text(client.get("/cy/"))
    assert '<html lang="cy" dir="ltr"' in welsh
    links = re.findall(r'href="(/[^"]*)"', welsh)
    pages = [link for link in links if not link.startswith("/static/")]
    assert pages and all(link.startswith(("/cy/", "/en/", "/ar/")) for link in pages), pages
    assert any(link.startswith("/static/") for link in links), "the stylesheet keeps one address for all languages"
    assert 'href="/en/"' in welsh and 'href="/ar/"' in welsh
    arabic = text(client.get("/ar/privacy"))
    assert '<html lang="ar" dir="rtl"' in arabic and 'href="/cy/privacy"' in arabic
    assert '<html lang="en" dir="ltr"' in text(client.get("/en/cookies"))
    assert '<html lang="en"' in text(client.get("/", headers={"Accept-Language": "cy"})), "never guessed"
    assert client.get("/cy/no-such-page").status_code == 404
    assert client.get("/cy/static/favicon.svg").status_code == 200


def test_what_a_visitor_sends_from_a_welsh_page_keeps_them_in_welsh(client):
    UserFactory(email="nadia@example.org")
    sent = post_form(client, "/cy/sign-in", {"email": "nadia@example.org"})
    assert sent.status_code in (200, 302) and sent.headers.get("Location", "/cy/").startswith("/cy/")
    assert 'lang="cy"' in text(client.get("/sign-in")), "pages without a language in their address follow it"


def test_a_request_for_another_host_is_refused_even_when_the_page_is_kept(app, client, page_cache, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["sparks.example.gov.uk"])
    PotFactory(name="Summer pot")
    ours = {"Host": "sparks.example.gov.uk"}
    client.get("/", headers=ours)
    assert client.get("/", headers=ours).status_code == 200
    assert client.get("/", headers={"Host": "attacker.invalid"}).status_code == 400
