"""A neighbourhood's map drawn with Leaflet from a tile server of the programme's choosing, in a browser at 360 px.

A tile server of the test's own (on 127.0.0.1, answering every tile with a small PNG and noting what it served)
stands in for the real one. With JavaScript, the list of what is here is also drawn as a map: one marker per entry
with a point, tiles from that server only (the Content-Security-Policy names it and nothing else), its attribution
shown, and each marker's popup linking to its entry; no request goes to any other host. Without JavaScript the map
stays hidden, the list is all there is, and the tile server is never asked. With no tile server configured, the
page names none and loads no Leaflet at all. axe checks the page with the map drawn, and nothing is too wide.
"""

from __future__ import annotations

import functools
import io
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import assert_accessible, assert_fits_narrow_screen
from tests.browser.test_mobile_only import PHONE_360, heading

pytestmark = pytest.mark.browser

ATTRIBUTION = "Map tiles from the test tile server"
TILE_PATH = re.compile(r"^/(\d+)/(\d+)/(\d+)\.png$")
# Two places in Chapeltown, Leeds, about 800 m apart.
HUB = (53.8067, -1.5188)
PARK = (53.8090, -1.5300)


# A tile server of the test's own -------------------------------------------------------------------------------


@functools.cache
def tile_png() -> bytes:
    """A 256×256 PNG, the size of a map tile: pale green, as a park would be."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (256, 256), (214, 232, 206)).save(out, "PNG")
    return out.getvalue()


@dataclass
class TileServer:
    """Answers GET /<z>/<x>/<y>.png with tile_png(), anything else with 404; notes every path it was asked for."""

    origin: str
    served: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def template(self) -> str:
        return f"{self.origin}/{{z}}/{{x}}/{{y}}.png"

    def asked_by(self, page: Any) -> list[str]:
        """The URLs the page asked this server for."""
        return [url for url in page.watch.requests if url.startswith(f"{self.origin}/")]

    def forget(self, page: Any) -> None:
        """Drop this server's URLs from the page's watch (they were expected and checked), so that a request to any
        other host still fails the test."""
        page.watch.requests[:] = [url for url in page.watch.requests if not url.startswith(f"{self.origin}/")]


@pytest.fixture
def tile_server() -> Iterator[TileServer]:
    lock = threading.Lock()
    tiles: TileServer | None = None

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            assert tiles is not None
            with lock:
                (tiles.served if TILE_PATH.match(self.path) else tiles.refused).append(self.path)
            if not TILE_PATH.match(self.path):
                self.send_error(404)
                return
            body = tile_png()
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's own name)
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    server.daemon_threads = True
    tiles = TileServer(f"http://127.0.0.1:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, name="tile-server", daemon=True)
    thread.start()
    try:
        yield tiles
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def map_tiles(live_server, tile_server) -> Iterator[TileServer]:
    """The live server draws its maps with tiles from tile_server while the test runs, then as it was."""
    config = live_server.app.config
    was = config["MAP_TILE_URL"], config["MAP_TILE_ATTRIBUTION"]
    config["MAP_TILE_URL"], config["MAP_TILE_ATTRIBUTION"] = tile_server.template, ATTRIBUTION
    try:
        yield tile_server
    finally:
        config["MAP_TILE_URL"], config["MAP_TILE_ATTRIBUTION"] = was


@pytest.fixture
def no_map_tiles(live_server) -> Iterator[None]:
    """No tile server configured while the test runs (as by default), then as it was."""
    config = live_server.app.config
    was = config["MAP_TILE_URL"]
    config["MAP_TILE_URL"] = ""
    try:
        yield
    finally:
        config["MAP_TILE_URL"] = was


# Seeding --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    slug: str
    entries: dict[str, int]  # name: id

    @property
    def map_path(self) -> str:
        return f"/neighbourhoods/{self.slug}/whats-here"

    def entry_path(self, name: str) -> str:
        return f"{self.map_path}/{self.entries[name]}"


def a_neighbourhood_with_two_points(live) -> Place:
    """A neighbourhood with two published entries on its map, each with a point, added by a programme officer
    through the portal's own service."""
    from portal.accounts.services import create_user
    from portal.assetmap.services import EntryWords, add_entry
    from portal.domain.asset_map import Kind
    from portal.extensions import db
    from portal.programme.models import Neighbourhood

    neighbourhood_id = live.add_neighbourhood(live.unique("Chapeltown"))
    places = {
        live.unique("Back room at the Hub"): (Kind.PHYSICAL, HUB),
        live.unique("Potternewton Park walking group"): (Kind.ASSOCIATIONAL, PARK),
    }
    with live.app.app_context():
        keeper = create_user(live.new_email("map-keeper"), "Kit Keeper", {Role.PROGRAMME_OFFICER})
        entries = {}
        for name, (kind, (latitude, longitude)) in places.items():
            words = EntryWords(
                kind=kind,
                name=name,
                description="Open to everyone.",
                where_text="",
                when_available="",
                who_to_ask="",
                shown_publicly=False,
                other_languages={},
                latitude=latitude,
                longitude=longitude,
            )
            entry = add_entry(keeper, neighbourhood_id, words)
            assert entry.status == "published", entry.status
            entries[name] = entry.id
        return Place(db.session.get(Neighbourhood, neighbourhood_id).slug, entries)


# Reading the pages ----------------------------------------------------------------------------------------------


def card_titles(page):
    return page.locator("main .govuk-summary-card__title")


def markers(page):
    return page.locator("#whats-here-map path.leaflet-interactive")


def img_src(response) -> list[str]:
    """The sources the page's Content-Security-Policy allows images from."""
    policy = response.headers["content-security-policy"]
    found = re.search(r"(?:^|;)\s*img-src ([^;]+)", policy)
    assert found, policy
    return found.group(1).split()


# 1. With JavaScript: the map is drawn --------------------------------------------------------------------------


def test_with_javascript_the_list_is_drawn_as_a_map_with_tiles_from_the_programmes_server_only(
    new_page, live_server, map_tiles
):
    place = a_neighbourhood_with_two_points(live_server)
    page = new_page(**PHONE_360)
    response = page.goto(place.map_path)
    assert img_src(response) == ["'self'", "data:", map_tiles.origin]
    expect(card_titles(page)).to_have_count(2)

    box = page.locator("#whats-here-map")
    expect(box).to_be_visible()
    expect(box).to_have_attribute("role", "region")
    expect(markers(page)).to_have_count(2)
    expect(page.locator("#whats-here-map img.leaflet-tile-loaded").first).to_be_visible()
    assert map_tiles.served, "no tile was asked of the tile server"
    expect(page.locator("#whats-here-map .leaflet-control-attribution")).to_have_text(ATTRIBUTION)
    assert_accessible(page, "the map drawn with Leaflet")
    assert_fits_narrow_screen(page, "the map drawn with Leaflet at 360 px")

    # Each marker's popup links to its entry, by name (the map opened afresh for each: a popup pans the map so that
    # it fits, which may take the other marker out of view on a phone).
    popups = {}
    for marker in range(2):
        if marker:
            page.goto(place.map_path)
        expect(markers(page)).to_have_count(2)
        markers(page).nth(marker).click()
        link = page.locator("#whats-here-map .leaflet-popup-content a")
        expect(link).to_have_count(1)
        expect(link).to_be_visible()
        popups[link.inner_text().strip()] = link.get_attribute("href")
    assert popups == {name: place.entry_path(name) for name in place.entries}
    assert_accessible(page, "the map with a marker's popup open")
    assert_fits_narrow_screen(page, "the map with a marker's popup open at 360 px")

    # The popup's link leads to the entry.
    name = page.locator("#whats-here-map .leaflet-popup-content a").inner_text().strip()
    page.locator("#whats-here-map .leaflet-popup-content a").click()
    page.wait_for_url(f"**{place.entry_path(name)}")
    expect(heading(page)).to_have_text(name)

    # Tiles came from the tile server alone, as tiles; nothing went to any other host.
    asked = map_tiles.asked_by(page)
    assert asked, "the page asked the tile server for nothing"
    for url in asked:
        tile = TILE_PATH.match(url.removeprefix(map_tiles.origin))
        assert tile, f"the page asked the tile server for something other than a tile: {url}"
        assert int(tile.group(1)) <= 16, f"a tile beyond the map's furthest zoom: {url}"
    assert set(map_tiles.served) <= {url.removeprefix(map_tiles.origin) for url in asked}
    assert map_tiles.refused == []
    map_tiles.forget(page)
    assert page.watch.other_hosts() == [], "the map page asked another host for something"


# 2. Without JavaScript: the list, and no tiles ------------------------------------------------------------------


def test_without_javascript_the_map_stays_hidden_and_no_tile_is_asked_for(new_page, live_server, map_tiles):
    place = a_neighbourhood_with_two_points(live_server)
    page = new_page(java_script_enabled=False, **PHONE_360)
    page.goto(place.map_path)
    expect(card_titles(page)).to_have_count(2)
    for name in place.entries:
        expect(page.get_by_role("link", name=name, exact=True)).to_have_attribute("href", place.entry_path(name))
    expect(page.locator("#whats-here-map")).to_have_count(1)
    expect(page.locator("#whats-here-map")).to_be_hidden()
    expect(page.locator(".leaflet-container")).to_have_count(0)
    assert_accessible(page, "the map page without JavaScript")
    assert_fits_narrow_screen(page, "the map page without JavaScript at 360 px")
    assert map_tiles.asked_by(page) == []
    assert map_tiles.served == []


# 3. No tile server: no map, no Leaflet ---------------------------------------------------------------------------


def test_with_no_tile_server_the_page_has_no_map_and_loads_no_leaflet(new_page, live_server, no_map_tiles):
    place = a_neighbourhood_with_two_points(live_server)
    page = new_page(**PHONE_360)
    response = page.goto(place.map_path)
    assert img_src(response) == ["'self'", "data:"]
    expect(card_titles(page)).to_have_count(2)
    expect(page.locator("#whats-here-map")).to_have_count(0)
    expect(page.locator("link[href*='leaflet'], script[src*='leaflet'], script[src*='map.']")).to_have_count(0)
    page.wait_for_load_state("load")
    assert [url for url in page.watch.requests if "leaflet" in url or "/js/map." in url] == []
    assert_accessible(page, "the map page with no tile server")
    assert_fits_narrow_screen(page, "the map page with no tile server at 360 px")
