"""A neighbourhood's map of what it has ("What Harehills has"), in a browser at 360 px: a visitor follows the
neighbourhood page's link to the map and filters it by kind, with JavaScript on and off, never seeing a neighbour's
gift they did not say everyone may see; a resident suggests something (first leaving the form empty), a community
builder whose patch the neighbourhood is adds it to the map, takes it off and undoes that, with JavaScript on and
off; a resident suggests a change to an entry and the builder takes it; the map and the suggest form read in Welsh
and Arabic, an entry's Welsh name in Welsh. axe checks every page, happy and in error, and nothing is too wide."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import assert_accessible, assert_fits_narrow_screen, sign_in_resident, sign_in_staff
from tests.browser.panel_helpers import add_panel
from tests.browser.test_application_journey import expect_errors, summary_rows
from tests.browser.test_mobile_only import PHONE_360, heading
from tests.browser.test_reach_pages import in_language, switch_language

pytestmark = pytest.mark.browser

# The filter's options, in the order the list shows them, and the value each puts in the address.
FILTER = {
    "Everything": "",
    "People's gifts": "individual",
    "Groups and clubs": "associational",
    "Organisations": "organisational",
    "Local businesses": "economic",
    "Culture and heritage": "cultural",
    "Places and spaces": "physical",
}
# The radios of the suggest form, each with its hint.
KINDS = {
    "A person's gift": "What someone knows, can do or cares about, like baking or fixing bikes",
    "A group or club": "Like a walking group, a choir or a residents' association",
    "An organisation": "Like the library, a school or the GP practice",
    "A local business": "Like a shop that lends its back room",
    "Culture and heritage": "Like a festival, a mural or a local history group",
    "A place or space": "Like a patch of land, a room or a bench",
}
NOTHING_YET = "Nothing here yet. Be the first to suggest something."
NOTHING_OF_THIS_KIND = "Nothing of this kind here yet."
THANK_YOU = "Thank you. A community builder will look at your suggestion soon."
WHEN = r"\d{1,2} \w+ \d{4}, \d{2}:\d{2}"  # how the list of changes says when


# Seeding and reading the live server's database ---------------------------------------------------------------


def add_entries(live, neighbourhood_id: int, *entries: dict) -> list[int]:
    """Entries added by a programme officer (so published at once), through the portal's own service; their ids.

    Each entry is {"kind", "name"} and any of "description", "where_text", "when_available", "who_to_ask",
    "shown_publicly", "other_languages"."""
    from portal.accounts.services import create_user
    from portal.assetmap import services
    from portal.domain.asset_map import Kind

    with live.app.app_context():
        keeper = create_user(live.new_email("map-keeper"), "Kit Keeper", {Role.PROGRAMME_OFFICER})
        ids = []
        for entry in entries:
            words = services.EntryWords(
                kind=Kind(entry["kind"]),
                name=entry["name"],
                description=entry.get("description", ""),
                where_text=entry.get("where_text", ""),
                when_available=entry.get("when_available", ""),
                who_to_ask=entry.get("who_to_ask", ""),
                shown_publicly=entry.get("shown_publicly", False),
                other_languages=entry.get("other_languages", {}),
            )
            ids.append(services.add_entry(keeper, neighbourhood_id, words).id)
        return ids


def panel_slug(live, panel) -> str:
    from portal.extensions import db
    from portal.programme.models import Neighbourhood

    with live.app.app_context():
        return db.session.get(Neighbourhood, panel.neighbourhood_id).slug


def a_community_builder(live, name: str):
    """A community builder with a name no other test uses (the changes list names who made each change)."""
    from portal.accounts.services import get_user_by_email
    from portal.extensions import db

    builder = live.add_staff(Role.COMMUNITY_BUILDER)
    with live.app.app_context():
        get_user_by_email(builder.email).name = name
        db.session.commit()
    return builder


def working_in(live, builder, neighbourhood_id: int) -> None:
    """The builder's patch is the neighbourhood, as a programme officer says (through the portal's service)."""
    from portal.accounts.services import create_user, get_user_by_email
    from portal.assetmap import keepers

    with live.app.app_context():
        officer = create_user(live.new_email("patch-officer"), "Pat Officer", {Role.PROGRAMME_OFFICER})
        keepers.set_builders(officer, neighbourhood_id, [get_user_by_email(builder.email).id])


def patch_of(live, neighbourhood_id: int) -> list[str]:
    """The email addresses of the community builders who work in the neighbourhood, as the database holds them."""
    from portal.accounts.models import User
    from portal.assetmap.models import BuilderPatch
    from portal.extensions import db

    with live.app.app_context():
        query = (
            sa.select(User.email)
            .join(BuilderPatch, BuilderPatch.user_id == User.id)
            .where(BuilderPatch.neighbourhood_id == neighbourhood_id)
        )
        return list(db.session.execute(query).scalars())


def entry_now(live, entry_id: int) -> dict:
    from portal.assetmap.models import MapEntry
    from portal.extensions import db

    with live.app.app_context():
        entry = db.session.get(MapEntry, entry_id)
        return {
            "status": entry.status,
            "kind": entry.kind,
            "name": entry.name,
            "description": entry.description,
            "when_available": entry.when_available,
            "shown_publicly": entry.shown_publicly,
        }


def entries_named(live, name: str) -> list[dict]:
    from portal.assetmap.models import MapEntry
    from portal.extensions import db

    with live.app.app_context():
        rows = db.session.execute(sa.select(MapEntry).where(MapEntry.name == name)).scalars()
        return [
            {"id": row.id, "status": row.status, "kind": row.kind, "suggested_by": row.suggested_by_id} for row in rows
        ]


def actions_of(live, entry_id: int) -> list[tuple[str, bool, bool]]:
    """(action, pending, undone) of every change to the entry, oldest first."""
    from portal.assetmap.models import MapEntryChange
    from portal.extensions import db

    with live.app.app_context():
        rows = db.session.execute(
            sa.select(MapEntryChange).where(MapEntryChange.entry_id == entry_id).order_by(MapEntryChange.id)
        ).scalars()
        return [(row.action, row.pending, row.undone_at is not None) for row in rows]


# Reading the pages ----------------------------------------------------------------------------------------------


def cards(page):
    return page.locator("main .govuk-summary-card")


def card_titles(page):
    return page.locator("main .govuk-summary-card__title")


def banner(page):
    return page.locator(".govuk-notification-banner")


def changes(page):
    """The entry page's list of changes, newest first."""
    return page.locator("main ul.govuk-list > li")


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def entry_id_of(page) -> int:
    found = re.search(r"/whats-here/(\d+)$", page.url)
    assert found, page.url
    return int(found.group(1))


def show(page, option: str, javascript: bool) -> None:
    """Choose an option of the filter and press "Show these"; the list comes back filtered, the choice kept."""
    page.get_by_label("Show", exact=True).select_option(label=option)
    button(page, "Show these").click()
    value = FILTER[option]
    page.wait_for_url(re.compile(rf"/whats-here\?kind={value}$"))
    expect(page.get_by_label("Show", exact=True)).to_have_value(value)


# 1. A visitor reads the map, by kind -------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_visitor_follows_the_link_to_the_map_and_filters_it_by_kind(new_page, live_server, javascript):
    panel = add_panel(live_server)
    walking = live_server.unique("Walking group")
    room = live_server.unique("Back room at the Hub")
    bikes = live_server.unique("Sam fixes bikes")
    baking = live_server.unique("Joan's baking")  # a neighbour's gift she has not said everyone may see
    walking_id, room_id, bikes_id, baking_id = add_entries(
        live_server,
        panel.neighbourhood_id,
        {"kind": "associational", "name": walking, "description": "A gentle hour round the park."},
        {
            "kind": "physical",
            "name": room,
            "description": "Seats 20, with a kettle.",
            "where_text": "Harehills Community Hub, Roundhay Road",
            "when_available": "Weekday evenings",
            "who_to_ask": "Bea at the front desk",
        },
        {"kind": "individual", "name": bikes, "description": "Punctures mended.", "shown_publicly": True},
        {"kind": "individual", "name": baking, "description": "Cakes for any party.", "shown_publicly": False},
    )
    # The gift is on the map, only not for everyone: only the rule for gifts keeps it from the visitor.
    assert entry_now(live_server, baking_id)["status"] == "published"
    public = sorted([walking, room, bikes])
    page = new_page(java_script_enabled=javascript, **PHONE_360)

    page.goto(f"/neighbourhoods/{panel_slug(live_server, panel)}")
    expect(page.get_by_role("heading", level=2, name=f"What {panel.name} has", exact=True)).to_be_visible()
    page.get_by_role("link", name="See what is here", exact=True).click()
    page.wait_for_url(re.compile(r"/neighbourhoods/[^/]+/whats-here$"))
    map_url = page.url
    expect(heading(page)).to_have_text(f"What {panel.name} has")
    assert page.title().startswith(f"What {panel.name} has"), page.title()
    expect(page.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", re.compile(rf"/neighbourhoods/{re.escape(panel_slug(live_server, panel))}$")
    )
    expect(page.get_by_role("link", name="Suggest something", exact=True)).to_have_attribute(
        "href", re.compile(r"/whats-here/suggest$")
    )
    expect(page.get_by_role("link", name="Add something", exact=True)).to_have_count(0)
    expect(page.get_by_label("Show", exact=True)).to_have_value("")
    expect(page.get_by_label("Show", exact=True).locator("option")).to_have_text(list(FILTER))
    expect(card_titles(page)).to_have_text(public)  # in name order; the gift not shown publicly is not among them
    expect(page.locator("main")).not_to_contain_text(baking)
    expect(page.locator("main")).not_to_contain_text("Cakes for any party.")
    expect(page.locator("main .govuk-tag")).to_have_count(0)  # a visitor sees no "Suggested" or "No longer here"
    room_card = cards(page).filter(has_text=room)
    expect(room_card).to_contain_text("A place or space")
    expect(room_card).to_contain_text("Where: Harehills Community Hub, Roundhay Road")
    expect(room_card).to_contain_text("When: Weekday evenings")
    assert_accessible(page, "the map, everything")
    assert_fits_narrow_screen(page, "the map at 360 px")

    show(page, "Groups and clubs", javascript)
    expect(card_titles(page)).to_have_text([walking])
    expect(cards(page)).to_contain_text("A group or club")
    assert_accessible(page, "the map, groups and clubs")

    show(page, "People's gifts", javascript)
    expect(card_titles(page)).to_have_text([bikes])  # the one whose neighbour said everyone may see it
    expect(page.locator("main")).not_to_contain_text(baking)
    assert_accessible(page, "the map, people's gifts")
    assert_fits_narrow_screen(page, "the map, people's gifts, at 360 px")

    show(page, "Places and spaces", javascript)
    expect(card_titles(page)).to_have_text([room])

    show(page, "Organisations", javascript)
    expect(cards(page)).to_have_count(0)
    expect(page.locator("main")).to_contain_text(NOTHING_OF_THIS_KIND)  # the map has entries: just none of these
    assert_accessible(page, "the map, no organisations")
    assert_fits_narrow_screen(page, "the map, no organisations, at 360 px")

    show(page, "Everything", javascript)
    expect(card_titles(page)).to_have_text(public)

    # An unknown kind in the address shows everything, as if none were chosen.
    page.goto(f"{map_url}?kind=nonsense")
    expect(card_titles(page)).to_have_text(public)
    expect(page.get_by_label("Show", exact=True)).to_have_value("")

    # An entry's own page: what it is, where, when and who to ask, and nothing only keepers see.
    page.goto(map_url)
    page.get_by_role("link", name=room, exact=True).click()
    page.wait_for_url(f"**/whats-here/{room_id}")
    expect(heading(page)).to_have_text(room)
    expect(page.locator("main .govuk-caption-l")).to_have_text(f"What {panel.name} has · A place or space")
    expect(page.locator("main")).to_contain_text("Seats 20, with a kettle.")
    assert summary_rows(page) == {
        "Where": "Harehills Community Hub, Roundhay Road",
        "When": "Weekday evenings",
        "Who to ask": "Bea at the front desk",
    }
    expect(page.get_by_role("link", name="Suggest a change")).to_have_count(0)  # a visitor signs in to suggest
    expect(page.get_by_role("heading", name="Changes")).to_have_count(0)
    expect(button(page, "Take it off the map")).to_have_count(0)
    expect(page.get_by_role("link", name="Back", exact=True)).to_have_attribute("href", re.compile(r"/whats-here$"))
    assert_accessible(page, "an entry, as a visitor reads it")
    assert_fits_narrow_screen(page, "an entry at 360 px")
    page.get_by_role("link", name="Back", exact=True).click()
    page.wait_for_url(map_url)

    # The neighbour's gift that is not for everyone has no page for a visitor; the one that is, has.
    assert page.goto(f"{map_url}/{baking_id}").status == 404
    expect(page.locator("main")).not_to_contain_text(baking)
    assert page.goto(f"{map_url}/{bikes_id}").status == 200
    expect(heading(page)).to_have_text(bikes)
    assert page.goto(f"{map_url}/{walking_id}").status == 200


# 2. A suggestion, added to the map, taken off and put back -------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_residents_suggestion_goes_on_the_map_when_a_builder_adds_it(new_page, live_server, javascript):
    panel = add_panel(live_server)
    slug = panel_slug(live_server, panel)
    map_path = f"/neighbourhoods/{slug}/whats-here"
    builder_name = live_server.unique("Bea Builder")
    builder = a_community_builder(live_server, builder_name)
    resident_email = live_server.add_resident()
    room = live_server.unique("Back room at the Hub")

    # A visitor on the map who wants to suggest something is asked to sign in first, then comes back to the form.
    resident = new_page(java_script_enabled=javascript, **PHONE_360)
    resident.goto(map_path)
    expect(resident.locator("main")).to_contain_text(NOTHING_YET)
    resident.get_by_role("link", name="Suggest something", exact=True).click()
    resident.wait_for_url(re.compile(r"/sign-in\?next="))
    resident.get_by_label("What is your email address or mobile number?").fill(resident_email)
    button(resident, "Continue").click()
    resident.wait_for_url("**/sign-in/check-your-email")
    resident.goto(live_server.sign_in_email(resident_email).link)
    button(resident, "Sign in").click()
    resident.wait_for_url(f"**{map_path}/suggest")

    expect(heading(resident)).to_have_text("Suggest something for the map")
    expect(resident.locator("main .govuk-caption-l")).to_have_text(f"What {panel.name} has")
    expect(resident.locator("main")).to_contain_text(
        "A community builder reads every suggestion before it goes on the map."
    )
    expect(resident.get_by_role("radio")).to_have_count(len(KINDS))
    for kind, hint in KINDS.items():
        radio = resident.get_by_role("radio", name=kind, exact=True)
        expect(radio).not_to_be_checked()
        hint_id = radio.get_attribute("aria-describedby")
        assert hint_id, f"the radio {kind!r} has no hint"
        expect(resident.locator(f"[id='{hint_id}']")).to_have_text(hint)
    # What only keepers set is not on a resident's form.
    expect(resident.get_by_label("Everyone may see this")).to_have_count(0)
    expect(resident.get_by_label("Its name, in Welsh (optional)")).to_have_count(0)
    expect(button(resident, "Save")).to_have_count(0)
    expect(resident.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", re.compile(rf"{re.escape(map_path)}$")
    )
    assert_accessible(resident, "suggest something for the map")
    assert_fits_narrow_screen(resident, "suggest something for the map at 360 px")

    # Sent empty: both problems named, nothing saved.
    resident.get_by_label("A few words about it (optional)").fill("Seats 20, with a kettle.")
    button(resident, "Send your suggestion").click()
    expect_errors(resident, ["Choose what it is", "Enter its name"], javascript=javascript)
    assert resident.url.endswith(f"{map_path}/suggest"), resident.url
    expect(resident.get_by_label("A few words about it (optional)")).to_have_value("Seats 20, with a kettle.")
    assert_accessible(resident, "suggest something for the map, sent empty")
    assert_fits_narrow_screen(resident, "suggest something for the map, sent empty, at 360 px")

    resident.get_by_role("radio", name="A place or space", exact=True).check()
    resident.get_by_label("Its name", exact=True).fill(room)
    resident.get_by_label("Where is it? (optional)").fill("Harehills Community Hub")
    resident.get_by_label("When can people use it or join in? (optional)").fill("Weekday evenings")
    resident.get_by_label("Who to ask (optional)").fill("Bea at the front desk")
    button(resident, "Send your suggestion").click()
    resident.wait_for_url(re.compile(rf"{re.escape(map_path)}/\d+$"))
    entry_id = entry_id_of(resident)
    entry_path = f"{map_path}/{entry_id}"
    expect(banner(resident)).to_contain_text(THANK_YOU)
    expect(heading(resident)).to_have_text(room)
    expect(resident.locator("main .govuk-inset-text")).to_have_text(
        "This is a suggestion. A community builder has not added it to the map yet."
    )
    expect(resident.get_by_role("link", name="Suggest a change", exact=True)).to_be_visible()
    expect(button(resident, "Add it to the map")).to_have_count(0)
    expect(resident.get_by_role("heading", name="Changes")).to_have_count(0)
    assert_accessible(resident, "a suggestion, just sent")
    assert_fits_narrow_screen(resident, "a suggestion, just sent, at 360 px")
    (saved,) = entries_named(live_server, room)
    assert (saved["id"], saved["status"], saved["kind"]) == (entry_id, "suggested", "physical")
    assert saved["suggested_by"] is not None

    # Not on the public list yet, nor to anyone but the resident and the keepers: the resident finds it among their
    # own suggestions, above the list.
    resident.goto(map_path)
    expect(resident.locator(".govuk-summary-card", has_text=room)).to_have_count(0)
    waiting = resident.get_by_role("heading", name="Your suggestions, waiting for a community builder")
    expect(waiting).to_be_visible()
    expect(resident.get_by_role("link", name=room)).to_have_attribute("href", entry_path)
    assert_accessible(resident, "the map, with the resident's own suggestion waiting")
    visitor = new_page(java_script_enabled=javascript, **PHONE_360)
    assert visitor.goto(entry_path).status == 404

    # A programme officer says the builder works here.
    officer = new_page(java_script_enabled=javascript, **PHONE_360)
    sign_in_staff(officer, live_server.add_staff(Role.PROGRAMME_OFFICER))
    officer.goto("/programme/neighbourhoods")
    officer.get_by_role("link", name=f"Community builders in {panel.name}", exact=True).click()
    officer.wait_for_url(f"**/programme/neighbourhoods/{panel.neighbourhood_id}/builders")
    expect(heading(officer)).to_have_text(f"Community builders in {panel.name}")
    expect(officer.get_by_role("group", name="Community builders who work here")).to_be_visible()
    choice = officer.get_by_label(builder_name, exact=True)
    expect(choice).not_to_be_checked()
    assert_accessible(officer, "community builders in a neighbourhood")
    assert_fits_narrow_screen(officer, "community builders in a neighbourhood at 360 px")
    choice.check()
    button(officer, "Save").click()
    officer.wait_for_url("**/programme/neighbourhoods")
    expect(banner(officer)).to_contain_text(f"The community builders of {panel.name} have been saved.")
    assert patch_of(live_server, panel.neighbourhood_id) == [builder.email]

    # The builder finds the suggestion on the neighbourhood's map, marked as one.
    keeper = new_page(java_script_enabled=javascript, **PHONE_360)
    sign_in_staff(keeper, builder)
    keeper.goto(f"/neighbourhoods/{slug}")
    keeper.get_by_role("link", name="See what is here", exact=True).click()
    keeper.wait_for_url(f"**{map_path}")
    expect(keeper.get_by_role("link", name="Add something", exact=True)).to_be_visible()
    expect(keeper.get_by_role("link", name="Suggest something", exact=True)).to_have_count(0)
    suggestion = cards(keeper).filter(has_text=room)
    expect(suggestion.locator(".govuk-tag")).to_have_text("Suggested")
    assert_accessible(keeper, "the map, as its community builder reads it")
    assert_fits_narrow_screen(keeper, "the map, as its community builder reads it, at 360 px")
    suggestion.get_by_role("link", name=room, exact=True).click()
    keeper.wait_for_url(f"**{entry_path}")
    expect(button(keeper, "Add it to the map")).to_be_visible()
    expect(button(keeper, "Decline the suggestion")).to_be_visible()
    expect(button(keeper, "Take it off the map")).to_have_count(0)
    expect(keeper.get_by_role("link", name="Change this", exact=True)).to_be_visible()
    assert summary_rows(keeper)["Who can see it"] == "Only community builders"
    expect(changes(keeper)).to_have_count(1)
    expect(changes(keeper).first).to_have_text(re.compile(rf"^{WHEN}: Suggested, Rae Resident$"))
    assert_accessible(keeper, "a suggestion, as its community builder reads it")
    assert_fits_narrow_screen(keeper, "a suggestion, as its community builder reads it, at 360 px")

    button(keeper, "Add it to the map").click()
    expect(banner(keeper)).to_contain_text(f"{room} is on the map.")
    assert keeper.url.endswith(entry_path), keeper.url
    expect(keeper.locator("main .govuk-inset-text")).to_have_count(0)
    assert summary_rows(keeper)["Who can see it"] == "Everyone"
    expect(button(keeper, "Add it to the map")).to_have_count(0)
    expect(button(keeper, "Take it off the map")).to_be_visible()
    expect(changes(keeper)).to_have_count(2)
    expect(changes(keeper).first).to_have_text(re.compile(rf"^{WHEN}: Added to the map, {re.escape(builder_name)}$"))
    expect(button(keeper, "Undo the latest change")).to_be_visible()
    assert_accessible(keeper, "an entry just added to the map")
    assert entry_now(live_server, entry_id)["status"] == "published"

    # Now everyone sees it.
    visitor.goto(map_path)
    expect(card_titles(visitor)).to_have_text([room])
    assert visitor.goto(entry_path).status == 200
    expect(heading(visitor)).to_have_text(room)

    # Taken off the map: gone from the list, its page kept for its keepers only.
    button(keeper, "Take it off the map").click()
    expect(banner(keeper)).to_contain_text(f"{room} is no longer on the map. You can undo this.")
    expect(keeper.locator("main .govuk-inset-text")).to_have_text("This is no longer on the map.")
    expect(button(keeper, "Put it back on the map")).to_be_visible()
    expect(button(keeper, "Take it off the map")).to_have_count(0)
    expect(changes(keeper).first).to_have_text(re.compile(rf"^{WHEN}: Taken off the map, {re.escape(builder_name)}$"))
    assert_accessible(keeper, "an entry taken off the map")
    assert_fits_narrow_screen(keeper, "an entry taken off the map at 360 px")
    assert entry_now(live_server, entry_id)["status"] == "retired"
    visitor.goto(map_path)
    expect(visitor.locator("main")).to_contain_text(NOTHING_YET)
    expect(visitor.locator("main")).not_to_contain_text(room)
    assert visitor.goto(entry_path).status == 404
    keeper.goto(map_path)
    expect(cards(keeper).filter(has_text=room).locator(".govuk-tag")).to_have_text("No longer here")
    keeper.goto(entry_path)

    # Undone: back on the map, and the list of changes says so.
    button(keeper, "Undo the latest change").click()
    expect(banner(keeper)).to_contain_text("The change has been undone.")
    assert keeper.url.endswith(entry_path), keeper.url
    expect(button(keeper, "Take it off the map")).to_be_visible()
    expect(keeper.locator("main .govuk-inset-text")).to_have_count(0)
    expect(changes(keeper)).to_have_text(
        [
            re.compile(rf"^{WHEN}: Change undone, {re.escape(builder_name)}$"),
            re.compile(rf"^{WHEN}: Taken off the map, {re.escape(builder_name)} \(undone\)$"),
            re.compile(rf"^{WHEN}: Added to the map, {re.escape(builder_name)}$"),
            re.compile(rf"^{WHEN}: Suggested, Rae Resident$"),
        ]
    )
    assert_accessible(keeper, "an entry after its latest change was undone")
    assert_fits_narrow_screen(keeper, "an entry after undoing at 360 px")
    assert entry_now(live_server, entry_id)["status"] == "published"
    assert actions_of(live_server, entry_id) == [
        ("suggested", False, False),
        ("published", False, False),
        ("retired", False, True),
        ("undone", False, False),
    ]
    visitor.goto(map_path)
    expect(card_titles(visitor)).to_have_text([room])
    resident.goto(map_path)
    expect(card_titles(resident)).to_have_text([room])


# 3. A suggested change ---------------------------------------------------------------------------------------------


def test_a_resident_suggests_a_change_and_the_builder_takes_it(new_page, live_server):
    panel = add_panel(live_server)
    slug = panel_slug(live_server, panel)
    map_path = f"/neighbourhoods/{slug}/whats-here"
    choir = live_server.unique("Harehills choir")
    hidden = live_server.unique("Raj's guitar lessons")
    choir_id, hidden_id = add_entries(
        live_server,
        panel.neighbourhood_id,
        {
            "kind": "associational",
            "name": choir,
            "description": "We sing on Tuesdays.",
            "when_available": "Tuesdays at 7pm",
        },
        {"kind": "individual", "name": hidden, "description": "Beginners welcome."},
    )
    builder_name = live_server.unique("Bea Builder")
    builder = a_community_builder(live_server, builder_name)
    working_in(live_server, builder, panel.neighbourhood_id)
    entry_path = f"{map_path}/{choir_id}"

    resident = new_page(**PHONE_360)
    sign_in_resident(resident, live_server, live_server.add_resident())
    resident.goto(map_path)
    expect(card_titles(resident)).to_have_text([choir])  # a signed-in resident does not see the gift either
    assert resident.goto(f"{map_path}/{hidden_id}").status == 404
    resident.goto(map_path)
    resident.get_by_role("link", name=choir, exact=True).click()
    resident.wait_for_url(f"**{entry_path}")
    expect(button(resident, "Take it off the map")).to_have_count(0)
    resident.get_by_role("link", name="Suggest a change", exact=True).click()
    resident.wait_for_url(f"**{entry_path}/change")
    expect(heading(resident)).to_have_text(f"Suggest a change to {choir}")
    expect(resident.get_by_role("radio", name="A group or club", exact=True)).to_be_checked()
    expect(resident.get_by_label("Its name", exact=True)).to_have_value(choir)
    expect(resident.get_by_label("A few words about it (optional)")).to_have_value("We sing on Tuesdays.")
    expect(resident.get_by_label("When can people use it or join in? (optional)")).to_have_value("Tuesdays at 7pm")
    expect(resident.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", re.compile(rf"{re.escape(entry_path)}$")
    )
    assert_accessible(resident, "suggest a change")
    assert_fits_narrow_screen(resident, "suggest a change at 360 px")

    # The name left out: said so, nothing suggested.
    resident.get_by_label("Its name", exact=True).fill("")
    resident.get_by_label("A few words about it (optional)").fill("We sing on Thursdays now, all welcome.")
    resident.get_by_label("When can people use it or join in? (optional)").fill("Thursdays at 7pm")
    button(resident, "Send your suggestion").click()
    expect_errors(resident, ["Enter its name"], javascript=True)
    expect(resident.get_by_label("When can people use it or join in? (optional)")).to_have_value("Thursdays at 7pm")
    assert actions_of(live_server, choir_id) == [("added", False, False)]
    assert_accessible(resident, "suggest a change, without a name")
    assert_fits_narrow_screen(resident, "suggest a change, without a name, at 360 px")

    resident.get_by_label("Its name", exact=True).fill(choir)
    button(resident, "Send your suggestion").click()
    resident.wait_for_url(f"**{entry_path}")
    expect(banner(resident)).to_contain_text("Thank you. A community builder will look at your suggested change soon.")
    # Until a builder takes it, the entry reads as before.
    expect(resident.locator("main")).to_contain_text("We sing on Tuesdays.")
    assert summary_rows(resident)["When"] == "Tuesdays at 7pm"
    expect(resident.locator("main")).not_to_contain_text("Thursdays")
    assert_accessible(resident, "an entry, a change just suggested")
    assert actions_of(live_server, choir_id) == [("added", False, False), ("change_suggested", True, False)]
    assert entry_now(live_server, choir_id)["when_available"] == "Tuesdays at 7pm"

    keeper = new_page(**PHONE_360)
    sign_in_staff(keeper, builder)
    keeper.goto(entry_path)
    suggested = keeper.get_by_role("heading", name=re.compile(r"^A change Rae Resident suggested on "))
    expect(suggested).to_be_visible()
    # Only what would change is listed: the new words, not the name, which stays.
    proposed = keeper.locator("main h2:has-text('A change Rae Resident suggested on') + dl .govuk-summary-list__row")
    expect(proposed.locator(".govuk-summary-list__key")).to_have_text(["A few words", "When"])
    expect(proposed.locator(".govuk-summary-list__value")).to_have_text(
        ["We sing on Thursdays now, all welcome.", "Thursdays at 7pm"]
    )
    expect(changes(keeper).first).to_have_text(re.compile(rf"^{WHEN}: Change suggested, Rae Resident$"))
    expect(button(keeper, "Decline this change")).to_be_visible()
    assert_accessible(keeper, "an entry with a suggested change waiting")
    assert_fits_narrow_screen(keeper, "an entry with a suggested change waiting, at 360 px")

    button(keeper, "Take this change").click()
    expect(banner(keeper)).to_contain_text("You took the suggested change.")
    assert keeper.url.endswith(entry_path), keeper.url
    expect(suggested).to_have_count(0)
    expect(button(keeper, "Take this change")).to_have_count(0)
    expect(keeper.locator("main")).to_contain_text("We sing on Thursdays now, all welcome.")
    assert summary_rows(keeper)["When"] == "Thursdays at 7pm"
    expect(changes(keeper).first).to_have_text(
        re.compile(rf"^{WHEN}: Suggested change taken, {re.escape(builder_name)}$")
    )
    expect(changes(keeper).nth(1)).to_have_text(re.compile(rf"^{WHEN}: Change suggested, Rae Resident$"))
    expect(button(keeper, "Undo the latest change")).to_be_visible()
    assert_accessible(keeper, "an entry after taking a suggested change")
    assert entry_now(live_server, choir_id) == {
        "status": "published",
        "kind": "associational",
        "name": choir,
        "description": "We sing on Thursdays now, all welcome.",
        "when_available": "Thursdays at 7pm",
        "shown_publicly": False,
    }
    assert actions_of(live_server, choir_id) == [
        ("added", False, False),
        ("change_suggested", False, False),
        ("change_taken", False, False),
    ]

    # Everyone reads the new words, on the entry and on the list.
    resident.goto(entry_path)
    expect(resident.locator("main")).to_contain_text("We sing on Thursdays now, all welcome.")
    expect(resident.locator("main")).not_to_contain_text("We sing on Tuesdays.")
    assert summary_rows(resident)["When"] == "Thursdays at 7pm"
    resident.goto(map_path)
    expect(cards(resident)).to_contain_text("When: Thursdays at 7pm")


# 4. In Welsh and Arabic --------------------------------------------------------------------------------------------


def test_the_map_and_the_suggest_form_read_in_welsh_and_arabic(new_page, live_server):
    panel = add_panel(live_server)
    slug = panel_slug(live_server, panel)
    map_path = f"/neighbourhoods/{slug}/whats-here"
    room = live_server.unique("Back room at the Hub")
    welsh_room, welsh_words = "Ystafell gefn yr Hyb", "Lle i 20, gyda thegell."
    arabic_room, arabic_words = "الغرفة الخلفية في المركز", "تتسع لعشرين شخصًا، مع غلاية."
    (room_id,) = add_entries(
        live_server,
        panel.neighbourhood_id,
        {
            "kind": "physical",
            "name": room,
            "description": "Seats 20, with a kettle.",
            "when_available": "Weekday evenings",
            "other_languages": {
                "cy": {"name": welsh_room, "description": welsh_words},
                "ar": {"name": arabic_room, "description": arabic_words},
            },
        },
    )
    page = new_page(**PHONE_360)
    sign_in_resident(page, live_server, live_server.add_resident())
    page.goto(map_path)
    expect(card_titles(page)).to_have_text([room])

    for language in ("cy", "ar"):
        name, words = (welsh_room, welsh_words) if language == "cy" else (arabic_room, arabic_words)
        page.goto(map_path)
        switch_language(page, live_server, language)
        title = in_language(live_server, language, "What %(neighbourhood)s has", neighbourhood=panel.name)
        assert title != f"What {panel.name} has"
        expect(heading(page)).to_have_text(title)
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        show_label = in_language(live_server, language, "Show")
        assert show_label != "Show"
        expect(page.get_by_label(show_label, exact=True).locator("option")).to_have_text(
            [in_language(live_server, language, option) for option in FILTER]
        )
        expect(button(page, in_language(live_server, language, "Show these"))).to_be_visible()
        suggest = in_language(live_server, language, "Suggest something")
        assert suggest != "Suggest something"
        expect(page.get_by_role("link", name=suggest, exact=True)).to_be_visible()
        # The entry in the page's language, marked as written in it; the English name nowhere.
        expect(card_titles(page)).to_have_text([name])
        expect(cards(page)).to_contain_text(words)
        expect(cards(page)).to_contain_text(in_language(live_server, language, "A place or space"))
        expect(page.locator("main")).not_to_contain_text(room)
        assert_accessible(page, f"the map in {language}")
        assert_fits_narrow_screen(page, f"the map in {language} at 360 px")

        # The filter works in the language too.
        page.get_by_label(show_label, exact=True).select_option(
            label=in_language(live_server, language, "Organisations")
        )
        button(page, in_language(live_server, language, "Show these")).click()
        page.wait_for_url(re.compile(r"\?kind=organisational$"))
        expect(cards(page)).to_have_count(0)
        expect(page.locator("main")).to_contain_text(in_language(live_server, language, NOTHING_OF_THIS_KIND))

        page.goto(f"{map_path}/{room_id}")
        expect(heading(page)).to_have_text(name)
        expect(page.locator("main")).to_contain_text(words)
        expect(page.get_by_role("link", name=in_language(live_server, language, "Suggest a change"))).to_be_visible()
        assert_accessible(page, f"an entry in {language}")
        assert_fits_narrow_screen(page, f"an entry in {language} at 360 px")

        page.goto(f"{map_path}/suggest")
        suggest_title = in_language(live_server, language, "Suggest something for the map")
        assert suggest_title != "Suggest something for the map"
        expect(heading(page)).to_have_text(suggest_title)
        expect(page.locator("main .govuk-caption-l")).to_have_text(title)
        for kind, hint in KINDS.items():
            expect(page.get_by_role("radio", name=in_language(live_server, language, kind), exact=True)).to_be_visible()
            expect(
                page.locator("main .govuk-radios__hint", has_text=in_language(live_server, language, hint))
            ).to_have_count(1)
        send = in_language(live_server, language, "Send your suggestion")
        assert send != "Send your suggestion"
        assert_accessible(page, f"suggest something in {language}")
        assert_fits_narrow_screen(page, f"suggest something in {language} at 360 px")
        button(page, send).click()
        summary = page.locator(".govuk-error-summary")
        for message in ("Choose what it is", "Enter its name"):
            translated = in_language(live_server, language, message)
            assert translated != message
            expect(summary).to_contain_text(translated)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        assert_accessible(page, f"suggest something in {language}, sent empty")
        assert_fits_narrow_screen(page, f"suggest something in {language}, sent empty, at 360 px")
