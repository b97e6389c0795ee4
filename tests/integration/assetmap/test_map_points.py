"""Points on a neighbourhood's map: typed or pasted as a map app gives them, kept with the entry's history, and drawn
as a map only where the programme configures a tile server, whose address alone the Content-Security-Policy then
allows. Without one, no page names any other server."""

from __future__ import annotations

import html
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from portal.assetmap.models import MapEntry, MapEntryChange
from portal.domain.asset_map import NotAPoint, point_from, tile_origin
from portal.extensions import db
from tests.conftest import explained, login_as, post_form
from tests.factories import NeighbourhoodFactory
from tests.integration.assetmap.test_map import ROOM, builder_of, map_url, press

TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@contextmanager
def tile_server(app, url: str = TILES):
    was = app.config["MAP_TILE_URL"]
    app.config["MAP_TILE_URL"] = url
    try:
        yield
    finally:
        app.config["MAP_TILE_URL"] = was


def test_points_are_read_as_map_apps_give_them():
    assert point_from("53.8067, -1.5188") == (53.8067, -1.5188)
    assert point_from(" 53.8067 -1.5188 ") == (53.8067, -1.5188)
    assert point_from("53.80671234;-1.51881234") == (53.806712, -1.518812)
    assert point_from("") is None
    for wrong in ("Chapeltown", "53.8", "91, 0", "0, 181", "1, 2, 3"):
        with pytest.raises(NotAPoint):
            point_from(wrong)


def test_only_a_tile_template_names_a_server():
    assert tile_origin(TILES) == "https://tiles.example.org"
    assert tile_origin("http://127.0.0.1:8123/{z}/{x}/{y}.png") == "http://127.0.0.1:8123"
    for wrong in ("", "tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/tile.png", "ftp://a/{z}/{x}/{y}"):
        assert tile_origin(wrong) is None


def test_a_keeper_puts_an_entry_on_the_map_and_a_wrong_point_is_explained_and_kept(client):
    place = NeighbourhoodFactory()
    login_as(client, builder_of(place))
    wrong = post_form(client, f"{map_url(place)}/suggest", {**ROOM, "point": "by the library"})
    explained(wrong, "Enter two numbers with a comma between them", kept=["by the library", ROOM["name"]])
    post_form(client, f"{map_url(place)}/suggest", {**ROOM, "point": "53.8067, -1.5188"})
    entry = db.session.execute(sa.select(MapEntry)).scalar_one()
    assert (entry.latitude, entry.longitude) == (53.8067, -1.5188)
    change_page = text(client.get(f"{map_url(place)}/{entry.id}/change"))
    assert 'value="53.806700, -1.518800"' in change_page
    post_form(client, f"{map_url(place)}/{entry.id}/change", {**ROOM, "point": ""}, token_from=map_url(place))
    db.session.expire_all()
    assert entry.latitude is None
    change = db.session.execute(sa.select(MapEntryChange).order_by(MapEntryChange.id.desc())).scalars().first()
    press(client, place, entry, f"changes/{change.id}/undo")
    db.session.expire_all()
    assert (entry.latitude, entry.longitude) == (53.8067, -1.5188)  # undone with the rest of the change


def test_without_a_tile_server_the_list_is_all_and_no_other_server_is_named(client, app):
    place = NeighbourhoodFactory()
    login_as(client, builder_of(place))
    post_form(client, f"{map_url(place)}/suggest", {**ROOM, "point": "53.8067, -1.5188"})
    page = client.get(map_url(place))
    assert "whats-here-map" not in text(page) and "leaflet" not in text(page)
    assert "img-src 'self' data:;" in page.headers["Content-Security-Policy"]


def test_with_a_tile_server_the_map_is_offered_and_only_its_server_allowed(client, app):
    place = NeighbourhoodFactory()
    login_as(client, builder_of(place))
    post_form(client, f"{map_url(place)}/suggest", {**ROOM, "name": "No point here"})
    with tile_server(app):
        page = client.get(map_url(place))
        assert "whats-here-map" not in text(page)  # nothing has a point: nothing to draw
        post_form(client, f"{map_url(place)}/suggest", {**ROOM, "point": "53.8067, -1.5188"})
        page = client.get(map_url(place))
        shown = text(page)
        assert f'data-tiles="{TILES}"' in shown and 'data-point="53.8067,-1.5188"' in shown
        assert "js/leaflet." in shown and "js/map." in shown and "css/leaflet." in shown
        policy = page.headers["Content-Security-Policy"]
        assert "img-src 'self' data: https://tiles.example.org;" in policy
        assert "tiles.example.org" not in policy.replace("img-src 'self' data: https://tiles.example.org;", "")


def test_a_visitor_who_presses_suggest_is_told_why_they_must_sign_in_and_brought_back(client, app):
    place = NeighbourhoodFactory()
    suggest = f"{map_url(place)}/suggest"
    sent = client.get(suggest)
    assert sent.status_code == 302 and sent.headers["Location"] == f"/sign-in?next={suggest}"
    assert "You need to sign in to do that. We will bring you back" in text(client.get(sent.headers["Location"]))
    assert "You need to sign in" not in text(app.test_client().get("/sign-in"))  # asked for by itself


def test_a_resident_finds_their_own_suggestions_on_the_map_page_until_a_builder_looks(client):
    from tests.factories import UserFactory

    place = NeighbourhoodFactory()
    resident = UserFactory()
    login_as(client, resident)
    post_form(client, f"{map_url(place)}/suggest", {**ROOM, "name": "Tuesday choir"})
    page = text(client.get(map_url(place)))
    assert "Your suggestions, waiting for a community builder" in page and "Tuesday choir" in page
    login_as(client, UserFactory())  # someone else sees nothing of it
    assert "Tuesday choir" not in text(client.get(map_url(place)))
    builder = builder_of(place)
    login_as(client, builder)
    entry = db.session.execute(sa.select(MapEntry)).scalar_one()
    press(client, place, entry, "decline")
    login_as(client, resident)
    assert "Your suggestions" not in text(client.get(map_url(place)))
