"""Public pages kept whole for visitors: served without the database, and never stale: a change behind a page shows
on the next visit. (tests/integration/pages/test_front_door.py: the same bytes for everyone, before Flask.)"""

from __future__ import annotations

import html
import os
import uuid

import pytest
import redis
import sqlalchemy as sa

from portal.common.page_cache import VERSION_KEY, cache, init_page_cache
from portal.domain.roles import Role
from portal.extensions import db
from portal.stories import publishing
from tests.conftest import count_queries, login_as, post_form
from tests.factories import PotFactory, make_staff
from tests.integration.stories.test_stories import told_story


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_second_visitor_with_a_session_is_served_without_the_database_with_their_own_token(client, page_cache):
    PotFactory(name="Summer pot", max_award_pence=40_000)
    first = client.get("/")
    assert "Summer pot: ask for up to £400" in text(first)
    visitor = client.application.test_client()
    visitor.get("/sign-in")  # a session of their own, so Flask answers (the front door answers those without)
    with count_queries() as statements:
        second = visitor.get("/")
    assert statements == []
    assert second.status_code == 200 and "Summer pot: ask for up to £400" in text(second)
    assert second.get_data() == first.get_data() and second.headers["Cache-Control"] == "public, no-cache"
    assert second.headers["ETag"] == first.headers["ETag"]


@pytest.mark.parametrize("what_changed", ["release", "assets"])
def test_a_page_kept_by_one_release_is_never_served_by_another(app, client, page_cache, monkeypatch, what_changed):
    """Two releases share one Redis during a deployment: the new one must not serve the old one's pages, which point
    to stylesheets the new build no longer has."""
    PotFactory(name="Summer pot")
    client.get("/")
    with count_queries() as statements:
        client.get("/")
    assert statements == []  # kept
    if what_changed == "release":
        monkeypatch.setitem(app.extensions, "page_cache_release", "a-new-release")
    else:
        monkeypatch.setattr(app.extensions["asset_manifest"], "build", "a-new-build")
    with count_queries() as statements:
        again = client.get("/")
    assert statements != [] and "Summer pot" in text(again)  # made again by this release


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
    publishing.publish_story(story.id, officer, public_text="We planted 200 bulbs.")
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


# Flooding (security review, finding 5) ------------------------------------------------------------------------------

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class Store:
    """The page cache on one backend, as production would set it up, with a way to count what it holds."""

    def __init__(self, app, kind: str, folder) -> None:
        self.app, self.kind, self.folder = app, kind, str(folder)
        self.prefix = f"sparks-test-{uuid.uuid4().hex[:8]}"

    def start(self, size: int = 1000) -> None:
        self.app.config["PUBLIC_PAGE_CACHE_SIZE"] = size
        if self.kind == "redis":
            self.app.config.update(REDIS_URL=REDIS_URL, JOBS_QUEUE_NAME=self.prefix)
        else:
            self.app.config["PAGE_CACHE_DIR"] = self.folder
        init_page_cache(self.app)

    def entries(self) -> list:
        """Everything the cache holds but the version (and the file cache's own count of files)."""
        with self.app.app_context():
            if self.kind == "redis":
                client = redis.Redis.from_url(REDIS_URL)
                return [key for key in client.scan_iter(f"{self.prefix}:*") if not key.endswith(VERSION_KEY.encode())]
            own = {os.path.basename(cache.cache._get_filename(k)) for k in (VERSION_KEY, "__wz_cache_count")}
            return [name for name in os.listdir(self.folder) if name not in own and not name.endswith(".__wz_cache")]

    def stop(self) -> None:
        if self.kind == "redis":
            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(f"{self.prefix}:*"):
                client.delete(key)


@pytest.fixture(params=["files", "redis"])
def page_store(request, app, tmp_path):
    saved = {k: app.config.get(k) for k in ("REDIS_URL", "JOBS_QUEUE_NAME", "PAGE_CACHE_DIR", "PUBLIC_PAGE_CACHE_SIZE")}
    store = Store(app, request.param, tmp_path / "page-cache")
    app.config["PUBLIC_PAGE_CACHE"] = True
    store.start()
    yield store
    store.stop()
    app.config.update(saved, PUBLIC_PAGE_CACHE=False)
    init_page_cache(app)


def two_pages_of_stories(monkeypatch):
    monkeypatch.setattr(publishing, "PUBLIC_PAGE_SIZE", 1)
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    told = [told_story(photos=()) for _ in range(2)]
    for _, story in told:
        publishing.publish_story(story.id, officer, public_text="We planted 200 bulbs.")
    return told[0][0].application.pot.neighbourhood.slug, told[0][1].id


def test_made_up_page_numbers_and_addresses_make_no_copy(client, page_store, monkeypatch):
    slug, story_id = two_pages_of_stories(monkeypatch)
    real = ["/", "/stories", "/stories?page=2", f"/stories/{story_id}", f"/neighbourhoods/{slug}", "/open-data"]
    for url in real:
        assert client.get(url).status_code == 200, url
    assert len(page_store.entries()) == len(real)
    with count_queries() as statements:
        assert "Page 2 of 2" in text(client.get("/stories?page=2"))
    assert statements == [], "a real page is kept"

    made_up = [
        "/?page=x",
        "/?page=2",  # the start page does not page
        "/?page=1x",
        "/stories?page=3",  # past the last page
        "/stories?page=99999",
        "/stories?page=0",
        "/stories?page=-1",
        "/stories?page=02",
        "/stories?page=2&page=2",
        "/stories?page=2&utm_source=leaflet",
        "/stories?utm_source=leaflet",
        f"/stories/0{story_id}",
        f"/neighbourhoods/{slug}?page=2",
        f"/neighbourhoods/{slug}/stories?page=4",
        "/open-data?page=1%20",
        *(f"/stories?page=junk{n}" for n in range(60)),
        *(f"/?page={n}" for n in range(2, 40)),
    ]
    for url in made_up:
        response = client.get(url)
        assert response.status_code in (200, 404), url
    assert len(page_store.entries()) == len(real), "nothing made up is kept"
    assert "Page 2 of 2" in text(client.get("/stories?page=3"))  # still answered: the last page, made fresh


def test_the_cache_never_holds_more_pages_than_its_size(client, page_store):
    page_store.start(size=3)
    places = [PotFactory(neighbourhood__name=f"Place {n}").neighbourhood for n in range(8)]
    welsh = client.application.test_client()
    with welsh.session_transaction() as session:
        session["lang"] = "cy"
    for _ in range(2):
        for place in places:
            for visitor in (client, welsh):
                page = text(visitor.get(f"/neighbourhoods/{place.slug}"))  # never another page from its slot
                assert place.name in page and not any(o.name in page for o in places if o is not place), place.name
            assert len(page_store.entries()) <= 3
        places[0].description = "Changed, so every copy is out of date."
        db.session.commit()
    assert 1 <= len(page_store.entries()) <= 3


def test_a_lost_version_is_never_taken_for_the_old_one(client, page_store):
    """The version can be lost (evicted, or removed first by the file cache's pruning); a copy made while it was
    missing must not be served as current when it goes missing again."""

    def lose_the_version():
        with client.application.app_context():
            cache.delete(VERSION_KEY)

    pot = PotFactory(name="Summer pot")
    lose_the_version()
    assert "Summer pot" in text(client.get("/"))
    # A change the cache is not told of (a plain SQL statement), and the version lost again.
    db.session.execute(sa.text("UPDATE pots SET name = 'Winter pot' WHERE id = :id"), {"id": pot.id})
    db.session.expire_all()
    lose_the_version()
    assert "Winter pot" in text(client.get("/"))
