"""Public pages kept whole for visitors: served without the database, each visitor with their own nonce and CSRF
token, and never stale: a change behind a page shows on the next visit."""

from __future__ import annotations

import html
import re

import pytest

from portal.common.page_cache import cache
from portal.domain.roles import Role
from portal.extensions import db
from portal.stories import services as stories
from tests.conftest import count_queries, login_as, post_form
from tests.factories import PotFactory, make_staff
from tests.integration.stories.test_stories import told_story

NONCE = re.compile(r'nonce="([^"]+)"')
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def page_cache(app):
    app.config["PUBLIC_PAGE_CACHE"] = True
    with app.app_context():
        cache.clear()
    yield cache
    app.config["PUBLIC_PAGE_CACHE"] = False


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_second_visitor_is_served_without_the_database_with_their_own_nonce_and_token(client, page_cache):
    PotFactory(name="Summer pot", max_award_pence=40_000)
    first = client.get("/")
    assert "Summer pot: ask for up to £400" in text(first)
    visitor = client.application.test_client()
    with count_queries() as statements:
        second = visitor.get("/")
    assert statements == []
    assert second.status_code == 200 and "Summer pot: ask for up to £400" in text(second)
    nonces = NONCE.findall(text(second))
    assert nonces and set(nonces) == {nonces[0]} and nonces[0] != NONCE.findall(text(first))[0]
    assert f"'nonce-{nonces[0]}'" in second.headers["Content-Security-Policy"]
    # The language switch on the cached page works for this visitor: its token is theirs.
    token = TOKEN.search(text(second)).group(1)
    assert token != TOKEN.search(text(first)).group(1)
    changed = visitor.post("/language", data={"csrf_token": token, "language": "cy", "next": "/"})
    assert changed.status_code == 302
    assert 'lang="cy"' in text(visitor.get("/"))


def test_a_change_behind_the_start_page_shows_on_the_next_visit(client, page_cache):
    pot = PotFactory(name="Summer pot", max_award_pence=40_000)
    assert "up to £400" in text(client.get("/"))
    pot.max_award_pence = 45_000
    db.session.commit()
    assert "up to £450" in text(client.get("/"))
    pot.neighbourhood.is_active = False
    db.session.commit()
    assert "Summer pot" not in text(client.get("/"))


def test_a_story_taken_down_is_gone_from_the_cached_pages_at_once(client, page_cache):
    case, story = told_story()
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    stories.publish_story(story.id, officer, public_text="We planted 200 bulbs.")
    slug = case.application.pot.neighbourhood.slug
    urls = ("/stories", f"/neighbourhoods/{slug}/stories", f"/stories/{story.id}")
    for url in urls:
        response = client.get(url)
        assert "We planted 200 bulbs." in text(response) and response.headers["Cache-Control"] == "private, no-cache", (
            url
        )
        assert client.get(url).headers["Cache-Control"] == "private, no-cache", url  # the cached copy keeps it too
    resident = client.application.test_client()
    login_as(resident, case.resident)
    post_form(resident, f"/ideas/{case.application.id}/story/who-can-see", {"consent": "programme"})
    assert client.get(f"/stories/{story.id}").status_code == 404
    for url in urls[:2]:
        assert "We planted 200 bulbs." not in text(client.get(url)), url


def test_signed_in_people_and_pages_with_a_message_are_made_fresh(client, page_cache):
    client.get("/")
    resident = client.application.test_client()
    login_as(resident, make_staff(Role.PROGRAMME_OFFICER)[0])
    page = text(resident.get("/"))
    assert "Your account" in page and "Sign in" not in page
    assert "Your account" not in text(client.get("/"))
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Your idea has been sent")]
    assert "Your idea has been sent" in text(client.get("/"))


def test_each_language_and_page_number_is_kept_apart_and_other_query_strings_are_not_kept(client, page_cache):
    english = text(client.get("/"))
    welsh_visitor = client.application.test_client()
    with welsh_visitor.session_transaction() as session:
        session["lang"] = "cy"
    welsh = text(welsh_visitor.get("/"))
    assert 'lang="cy"' in welsh and 'lang="cy"' not in english.split("<body")[0]
    assert 'lang="en"' in text(client.get("/")).split("<body")[0]
    client.get("/?utm_source=leaflet")
    with count_queries() as statements:
        client.get("/?utm_source=leaflet")
    assert statements, "a page with an unknown query string is made fresh, not kept"
