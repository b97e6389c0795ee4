"""What a resident offers their neighbours: opt-in and private to their neighbourhood's community builders, who see
the interests people share; the resident stops sharing at any time, and it is in their copy of their data and
goes when they are erased."""

from __future__ import annotations

import html

import sqlalchemy as sa

from portal.assetmap.models import BuilderPatch, ResidentProfile
from portal.assetmap.profiles import interests_from, shared_interests
from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import explained, login_as, post_form
from tests.factories import NeighbourhoodFactory, UserFactory, make_staff

URL = "/account/what-you-offer"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def share(client, place, name: str, interests: str) -> None:
    login_as(client, UserFactory(roles=[Role.RESIDENT], name=name))
    fields = {"neighbourhood_id": place.id, "can_do": "Cook for a crowd", "interests": interests, "agree": "y"}
    assert post_form(client, URL, fields).headers["Location"] == URL


def test_interests_are_read_as_a_list_once_each():
    assert interests_from("Gardening, choir;  gardening \n Football,,") == ["gardening", "choir", "football"]


def test_sharing_needs_a_neighbourhood_and_a_yes_and_keeps_what_was_typed(client):
    place = NeighbourhoodFactory()
    login_as(client, UserFactory(roles=[Role.RESIDENT]))
    assert "What you can offer your neighbours" in text(client.get("/account"))
    refused = post_form(client, URL, {"can_do": "Fix bikes", "interests": "cycling"})
    explained(refused, "Choose your neighbourhood", kept=["Fix bikes", "cycling"])
    explained(refused, "Tick the box to share this with your community builders")
    assert db.session.execute(sa.select(ResidentProfile)).first() is None
    assert place.name in text(refused)


def test_builders_of_the_neighbourhood_see_profiles_and_shared_interests_and_nobody_else_does(client):
    place = NeighbourhoodFactory()
    share(client, place, "Rae", "gardening, choir")
    share(client, place, "Sol", "Gardening, football")
    share(client, NeighbourhoodFactory(), "Elsewhere", "gardening")
    builder = make_staff(Role.COMMUNITY_BUILDER)[0]
    db.session.add(BuilderPatch(user_id=builder.id, neighbourhood_id=place.id))
    db.session.commit()
    login_as(client, builder)
    page = text(client.get(f"/neighbourhoods/{place.slug}/people"))
    assert "Rae" in page and "Sol" in page and "Elsewhere" not in page
    assert "gardening: 2 people" in page and "choir: 2" not in page
    for person in (make_staff(Role.COMMUNITY_BUILDER)[0], UserFactory(roles=[Role.RESIDENT])):
        login_as(client, person)
        assert client.get(f"/neighbourhoods/{place.slug}/people").status_code == 404


def test_a_resident_stops_sharing_and_nothing_is_kept(client):
    place = NeighbourhoodFactory()
    share(client, place, "Rae", "choir")
    page = text(client.get(URL))
    assert "Stop sharing what I offer" in page and "choir" in page
    post_form(client, f"{URL}/stop", {}, token_from=URL)
    assert db.session.execute(sa.select(ResidentProfile)).first() is None


def test_what_a_resident_offers_is_in_their_copy_and_goes_when_they_are_erased(client):
    import json

    from portal.retention.models import DataCopy

    place = NeighbourhoodFactory()
    share(client, place, "Rae", "choir")
    post_form(client, "/account/your-data", {})
    copy = db.session.execute(sa.select(DataCopy)).scalar_one()
    data = json.loads(client.get(f"/account/your-data/{copy.id}/download/json").get_data())
    assert data["what_you_offer"][0]["interests"] == ["choir"]
    profile = db.session.execute(sa.select(ResidentProfile)).scalar_one()
    user_id = profile.user_id
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    post_form(client, f"/programme/erase-a-resident/{user_id}", {"confirmed": "y"})
    db.session.expire_all()
    assert db.session.get(ResidentProfile, user_id) is None


def test_shared_interests_are_counted_most_first():
    rae = ResidentProfile(interests=["choir", "gardening"])
    sol = ResidentProfile(interests=["gardening", "choir"])
    ali = ResidentProfile(interests=["gardening"])
    assert shared_interests([rae, sol, ali]) == [("gardening", 3), ("choir", 2)]


def test_a_builder_names_a_connector_who_then_keeps_the_map_until_removed(client):
    from portal.assetmap.models import MapConnector, MapEntry

    place = NeighbourhoodFactory()
    builder = make_staff(Role.COMMUNITY_BUILDER)[0]
    db.session.add(BuilderPatch(user_id=builder.id, neighbourhood_id=place.id))
    db.session.commit()
    connector = UserFactory(roles=[Role.RESIDENT], name="Cara Connector", email="cara@example.org")
    login_as(client, builder)
    people = f"/neighbourhoods/{place.slug}/people"
    missing = post_form(client, people, {"email": "nobody@example.org"})
    explained(missing, "We cannot find a resident with that email address", kept=["nobody@example.org"])
    staff = post_form(client, people, {"email": builder.email})
    explained(staff, "We cannot find a resident with that email address")
    assert post_form(client, people, {"email": "cara@example.org"}).headers["Location"] == people
    assert "Cara Connector is a connector for" in text(client.get(people))
    login_as(client, connector)
    fields = {"kind": "associational", "name": "Knit and natter"}
    post_form(client, f"/neighbourhoods/{place.slug}/whats-here/suggest", fields)
    entry = db.session.execute(sa.select(MapEntry)).scalar_one()
    assert entry.status == "published"  # a connector's entry goes on the map at once
    assert client.get(people).status_code == 404  # residents' profiles stay with the builders
    login_as(client, builder)
    remove = f"{people}/connectors/{connector.id}/remove"
    post_form(client, remove, {}, token_from=people)
    assert db.session.execute(sa.select(MapConnector)).first() is None
    login_as(client, connector)
    assert client.get(people).status_code == 404
