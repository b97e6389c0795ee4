"""A neighbourhood's map ("What Chapeltown has"): anyone reads the published entries, by kind; a resident suggests
an entry or a change; the neighbourhood's community builders (and programme officers) add, publish, change, retire
and restore entries, take or decline suggestions, and undo the latest change. A person's gift is never public
unless they said so, and every change is kept."""

from __future__ import annotations

import html

import sqlalchemy as sa

from portal.assetmap.models import BuilderPatch, MapEntry, MapEntryChange
from portal.common.audit import AuditEvent
from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import explained, login_as, post_form
from tests.factories import NeighbourhoodFactory, UserFactory, make_staff

ROOM = {
    "kind": "physical",
    "name": "Back room at the Hub",
    "description": "Seats 20, with a kettle.",
    "where_text": "Chapeltown Community Hub, Reginald Terrace",
    "when_available": "Weekday evenings",
    "who_to_ask": "Bea at the front desk",
    "name_cy": "Ystafell gefn yr Hyb",
}
BAKING = {"kind": "individual", "name": "Joan's baking", "description": "Cakes for any party.", "shown_publicly": ""}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def map_url(place) -> str:
    return f"/neighbourhoods/{place.slug}/whats-here"


def suggest(client, place, fields=ROOM) -> MapEntry:
    """The signed-in person suggests (or, keeping the map, adds) an entry; the newest entry."""
    post_form(client, f"{map_url(place)}/suggest", fields)
    return db.session.execute(sa.select(MapEntry).order_by(MapEntry.id.desc()).limit(1)).scalar_one()


def press(client, place, entry, action: str):
    """A keeper presses one of the entry page's buttons (publish, retire, changes/<id>/take …)."""
    return post_form(client, f"{map_url(place)}/{entry.id}/{action}", {}, token_from=f"{map_url(place)}/{entry.id}")


def builder_of(place):
    builder = make_staff(Role.COMMUNITY_BUILDER)[0]
    db.session.add(BuilderPatch(user_id=builder.id, neighbourhood_id=place.id))
    db.session.commit()
    return builder


def test_a_builder_adds_an_entry_everyone_then_reads_by_kind(client):
    place = NeighbourhoodFactory()
    login_as(client, builder_of(place))
    added = post_form(client, f"{map_url(place)}/suggest", ROOM)
    entry = db.session.execute(sa.select(MapEntry)).scalar_one()
    assert added.headers["Location"] == f"{map_url(place)}/{entry.id}"
    assert (entry.status, entry.other_languages) == ("published", {"cy": {"name": "Ystafell gefn yr Hyb"}})
    login_as(client, UserFactory(roles=[Role.RESIDENT]))
    client.get("/")  # anyone
    listed = text(client.get(map_url(place)))
    assert f"What {place.name} has" in listed and "Back room at the Hub" in listed and "Weekday evenings" in listed
    assert "Back room at the Hub" not in text(client.get(f"{map_url(place)}?kind=associational"))
    assert "Back room at the Hub" in text(client.get(f"{map_url(place)}?kind=physical"))
    assert "Back room at the Hub" in text(client.get(f"{map_url(place)}?kind=nonsense"))  # an unknown filter: all


def test_a_residents_suggestion_waits_for_a_builder_who_adds_it(client):
    place = NeighbourhoodFactory()
    resident = UserFactory(roles=[Role.RESIDENT])
    login_as(client, resident)
    explained(post_form(client, f"{map_url(place)}/suggest", {"kind": "", "name": ""}), "Enter its name")
    post_form(client, f"{map_url(place)}/suggest", {**ROOM, "name_cy": ""})
    entry = db.session.execute(sa.select(MapEntry)).scalar_one()
    assert (entry.status, entry.suggested_by_id) == ("suggested", resident.id)
    assert "A community builder will look at your suggestion soon." in text(client.get(f"{map_url(place)}/{entry.id}"))
    waiting = text(client.get(map_url(place)))
    assert "Back room at the Hub</a></h2>" not in waiting  # not on the map yet, only in their own suggestions
    assert "Your suggestions, waiting for a community builder" in waiting
    builder = builder_of(place)
    login_as(client, builder)
    assert "Suggested" in text(client.get(map_url(place)))
    press(client, place, entry, "publish")
    db.session.refresh(entry)
    assert entry.status == "published"
    actions = db.session.scalars(sa.select(MapEntryChange.action).order_by(MapEntryChange.id)).all()
    assert actions == ["suggested", "published"]


def test_a_persons_gift_is_never_public_unless_they_said_so(client):
    place = NeighbourhoodFactory()
    builder = builder_of(place)
    login_as(client, builder)
    post_form(client, f"{map_url(place)}/suggest", BAKING)
    gift = db.session.execute(sa.select(MapEntry)).scalar_one()
    assert "Joan's baking" in text(client.get(map_url(place)))  # its keepers see it
    login_as(client, UserFactory(roles=[Role.RESIDENT]))
    assert "Joan's baking" not in text(client.get(map_url(place)))
    assert client.get(f"{map_url(place)}/{gift.id}").status_code == 404
    login_as(client, builder)
    post_form(client, f"{map_url(place)}/{gift.id}/change", {**BAKING, "shown_publicly": "y"})
    login_as(client, UserFactory(roles=[Role.RESIDENT]))
    assert "Joan's baking" in text(client.get(map_url(place)))


def test_a_suggested_change_is_taken_or_declined_and_the_latest_change_undone(client):
    place = NeighbourhoodFactory()
    builder = builder_of(place)
    login_as(client, builder)
    entry = suggest(client, place)
    resident = UserFactory(roles=[Role.RESIDENT])
    login_as(client, resident)
    post_form(client, f"{map_url(place)}/{entry.id}/change", {**ROOM, "when_available": "Every evening"})
    db.session.refresh(entry)
    assert entry.when_available == "Weekday evenings"  # waits for a builder
    login_as(client, builder)
    page = text(client.get(f"{map_url(place)}/{entry.id}"))
    assert "suggested on" in page and "Every evening" in page
    change = db.session.execute(sa.select(MapEntryChange).where(MapEntryChange.pending.is_(True))).scalar_one()
    press(client, place, entry, f"changes/{change.id}/take")
    db.session.refresh(entry)
    assert entry.when_available == "Every evening"
    # The builder takes it off the map, then undoes that.
    press(client, place, entry, "retire")
    db.session.refresh(entry)
    assert entry.status == "retired"
    retired = db.session.execute(sa.select(MapEntryChange).where(MapEntryChange.action == "retired")).scalar_one()
    press(client, place, entry, f"changes/{retired.id}/undo")
    db.session.refresh(entry)
    assert entry.status == "published" and entry.when_available == "Every evening"
    # Only the latest change can be undone: the taken change is no longer the latest.
    taken = db.session.execute(sa.select(MapEntryChange).where(MapEntryChange.action == "change_taken")).scalar_one()
    refused = press(client, place, entry, f"changes/{taken.id}/undo")
    assert "Only the latest change can be undone." in text(client.get(refused.headers["Location"]))
    events = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_type == "map_entry")).all()
    assert "map_entry.undone" in events and "map_entry.change_taken" in events


def test_only_the_neighbourhoods_builders_and_programme_officers_keep_its_map(client):
    place = NeighbourhoodFactory()
    keeper = builder_of(place)
    login_as(client, keeper)
    entry = suggest(client, place)
    elsewhere = builder_of(NeighbourhoodFactory())
    for person in (elsewhere, UserFactory(roles=[Role.RESIDENT])):
        login_as(client, person)
        token_page = f"{map_url(place)}/{entry.id}"
        assert post_form(client, f"{map_url(place)}/{entry.id}/retire", {}, token_from=token_page).status_code == 404
    db.session.refresh(entry)
    assert entry.status == "published"
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    press(client, place, entry, "retire")
    db.session.refresh(entry)
    assert entry.status == "retired"


def test_a_hidden_neighbourhood_has_no_map(client):
    place = NeighbourhoodFactory(is_active=False)
    assert client.get(map_url(place)).status_code == 404


def test_a_programme_officer_says_which_builders_work_in_a_neighbourhood(client):
    place = NeighbourhoodFactory()
    sam = make_staff(Role.COMMUNITY_BUILDER, name="Sam Builder")[0]
    bea = make_staff(Role.COMMUNITY_BUILDER, name="Bea Builder")[0]
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    url = f"/programme/neighbourhoods/{place.id}/builders"
    page = text(client.get(url))
    assert "Sam Builder" in page and "Bea Builder" in page
    saved = post_form(client, url, {"builders": [sam.id]})
    assert saved.headers["Location"] == "/programme/neighbourhoods"
    patch = db.session.scalars(sa.select(BuilderPatch.user_id).where(BuilderPatch.neighbourhood_id == place.id)).all()
    assert patch == [sam.id]
    post_form(client, url, {"builders": [bea.id]})
    patch = db.session.scalars(sa.select(BuilderPatch.user_id).where(BuilderPatch.neighbourhood_id == place.id)).all()
    assert patch == [bea.id]
    login_as(client, sam)
    assert client.get(url).status_code == 403


def test_residents_never_read_the_word_assets(client):
    from tests.integration.applications.test_plain_words import visible_text

    place = NeighbourhoodFactory()
    login_as(client, builder_of(place))
    entry = suggest(client, place)
    login_as(client, UserFactory(roles=[Role.RESIDENT]))
    for url in (
        map_url(place),
        f"{map_url(place)}/{entry.id}",
        f"{map_url(place)}/suggest",
        f"/neighbourhoods/{place.slug}",
    ):
        words = visible_text(client.get(url).get_data(as_text=True)).lower()
        assert "asset" not in words, url


def test_an_idea_says_what_it_will_use_from_the_map_and_check_your_answers_shows_it(client):
    from portal.assetmap.models import MapEntryUse
    from tests.factories import PotFactory
    from tests.integration.applications.test_journey import answer_everything, start

    pot = PotFactory()
    place = pot.neighbourhood
    login_as(client, builder_of(place))
    post_form(client, f"{map_url(place)}/suggest", ROOM)
    post_form(client, f"{map_url(place)}/suggest", {**BAKING, "shown_publicly": "y"})  # a gift: never picked
    room = db.session.execute(sa.select(MapEntry).where(MapEntry.kind == "physical")).scalar_one()
    application, _ = start(client, pot, user=UserFactory(email="rosa@example.org"))
    page = text(client.get(f"/ideas/{application.id}/help-from-others"))
    assert f"Will your idea use any of these from What {place.name} has? (optional)" in page
    assert "Back room at the Hub" in page and "Joan's baking" not in page
    answer_everything(client, application)  # leaves the help question empty
    saved = post_form(
        client, f"/ideas/{application.id}/help-from-others", {"help_from_others": "", "from_map": [room.id, 999]}
    )
    assert saved.status_code == 302, text(saved)[-3000:]
    assert db.session.scalars(sa.select(MapEntryUse.entry_id)).all() == [room.id]  # only what is on the map
    check = text(client.get(f"/ideas/{application.id}/check-your-answers"))
    assert "Will use from the neighbourhood" in check and "Back room at the Hub" in check
    post_form(client, f"/ideas/{application.id}/help-from-others", {"help_from_others": "A friend"})
    assert db.session.scalars(sa.select(MapEntryUse.entry_id)).all() == []  # unticked: no longer used


def test_a_funded_idea_adds_what_it_made_from_its_story_and_nobody_elses_idea_can_be_named(client):
    from portal.stories.models import Story
    from tests.integration.stories.helpers import paid_award

    case = paid_award()
    place = case.application.pot.neighbourhood
    db.session.add(Story(application_id=case.application.id, status="sent", consent="programme", what_happened="Fun"))
    db.session.commit()
    login_as(client, case.resident)
    story = text(client.get(f"/ideas/{case.application.id}/story"))
    link = f"{map_url(place)}/suggest?from_idea={case.application.id}"
    assert f"Suggest it for What {place.name} has" in story and link in story
    group = {"kind": "associational", "name": "Street party friends"}
    post_form(client, link, group)
    made = db.session.execute(sa.select(MapEntry)).scalar_one()
    assert (made.from_application_id, made.status) == (case.application.id, "suggested")
    stranger = UserFactory(roles=[Role.RESIDENT])
    login_as(client, stranger)
    post_form(client, link, {**group, "name": "Not theirs"})
    theirs = db.session.execute(sa.select(MapEntry).where(MapEntry.name == "Not theirs")).scalar_one()
    assert theirs.from_application_id is None


def test_undo_is_offered_only_when_it_will_work_and_a_taken_change_keeps_the_welsh_and_says_who_took_it(client):
    from portal.assetmap import services

    place = NeighbourhoodFactory()
    builder = builder_of(place)
    login_as(client, builder)
    entry = suggest(client, place)
    assert services.undoable(entry) is None  # its first change: nothing before it to go back to
    assert "Undo the latest change" not in text(client.get(f"{map_url(place)}/{entry.id}"))
    resident = UserFactory(roles=[Role.RESIDENT], name="Rae Resident")
    login_as(client, resident)
    post_form(client, f"{map_url(place)}/{entry.id}/change", {**ROOM, "kind": "cultural", "name_cy": ""})
    login_as(client, builder)
    page = text(client.get(f"{map_url(place)}/{entry.id}"))
    assert "A change Rae Resident suggested on" in page and "Culture and heritage" in page  # the kind too
    change = db.session.execute(sa.select(MapEntryChange).where(MapEntryChange.pending.is_(True))).scalar_one()
    press(client, place, entry, f"changes/{change.id}/take")
    db.session.refresh(entry)
    assert entry.kind == "cultural" and entry.other_languages == {"cy": {"name": "Ystafell gefn yr Hyb"}}
    rows = db.session.execute(
        sa.select(MapEntryChange.action, MapEntryChange.changed_by_id).order_by(MapEntryChange.id)
    )
    assert list(rows) == [("added", builder.id), ("change_suggested", resident.id), ("change_taken", builder.id)]
    taken = services.undoable(entry)
    assert taken is not None and taken.action == "change_taken"
    press(client, place, entry, f"changes/{taken.id}/undo")
    db.session.refresh(entry)
    assert entry.kind == "physical"


def test_a_builder_finds_their_neighbourhoods_maps_and_the_suggestions_waiting_from_their_list(client):
    place = NeighbourhoodFactory()
    builder = builder_of(place)
    login_as(client, UserFactory(roles=[Role.RESIDENT]))
    post_form(client, f"{map_url(place)}/suggest", ROOM)
    login_as(client, builder)
    page = text(client.get("/assisted"))
    assert f"What {place.name} has" in page and "1 suggestion waiting" in page and map_url(place) in page
